import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { OutpostError } from '../../contract';
import { openBundle, sealBundle, type BundleHeaderInput, type BundleRow, type OpenedBundle, type SealResult } from '../services/bundle';
import { exportSource, importTarget, type ExportScopeFlags } from '../services/bundle/transfer';
import { ageIdentity, fingerprintOf, signingKey, trustedSigners } from '../services/identity';
import { osKeychain, type Keychain } from '../services/keychain';
import { cliContext, list } from './context';

/** What the bundle commands need from the cache and sync layers; realBundleDeps() wires the real ones. */
export interface BundleCommandDeps {
  keychain?: () => Keychain;
  print?: (text: string) => void;
  /** Progress lines (stderr by default). */
  progress?: (text: string | null) => void;
  /** The slice to export: the tenant's header (policy, region, scope) and its rows. */
  exportSource(options: { tenantId: string; flags: Record<string, unknown> }): Promise<{
    header: BundleHeaderInput;
    rows: AsyncIterable<BundleRow> | Iterable<BundleRow>;
    /** After sealing: the audit entry on the exporting side. */
    finish?(sealed: { bundleId: string; counts: Record<string, number>; signerFingerprint: string; file: string; sealedFor: 'recipient' | 'passphrase' }): Promise<void>;
    /** Releases the source when sealing failed. */
    close?(): Promise<void>;
  }>;
  /** What the target cache requires (when it exists), and the one-transaction merge. */
  importTarget(options: { tenantId?: string }): Promise<{
    expect: { tenantId?: string; region?: string };
    /** Must commit only after bundle.rows() finished without error. */
    merge(bundle: OpenedBundle, hooks?: { onProgress?(rows: number): void }): Promise<{ counts: Record<string, number>; changed?: Record<string, number>; tenant?: string; created?: boolean }>;
  }>;
}

/** The real hooks: the tenant caches under OUTPOST_HOME and the OS keychain. */
export function realBundleDeps(): BundleCommandDeps {
  return {
    exportSource: async ({ tenantId, flags }) => {
      const context = cliContext();
      return exportSource({ ...context, tenant: tenantId, flags: flags as ExportScopeFlags });
    },
    importTarget: async ({ tenantId }) => {
      const context = cliContext();
      const target = await importTarget({ ...context, tenant: tenantId });
      return { ...target, merge: (bundle, hooks) => target.merge(bundle, { ...hooks, onUpgrade: context.onUpgrade }) };
    },
  };
}

/** `--recipient` takes the target's `identity show --json` file, a file with an age1 line, or the key itself. */
export function recipientArgument(argument: string): string {
  const text = argument.trim();
  if (text.startsWith('age1') && !existsSync(text)) return text;
  const content = readFileSync(text, 'utf8');
  try {
    const parsed = JSON.parse(content) as { ageRecipient?: unknown };
    if (typeof parsed.ageRecipient === 'string') return parsed.ageRecipient;
  } catch {
    // not JSON: look for the recipient as a line of text below
  }
  const found = /age1[0-9a-z]+/.exec(content);
  if (!found) throw new OutpostError('BAD_REQUEST', `${text} holds no age recipient ("age1..."); use the file \`outpost identity show --json\` wrote on the target laptop.`);
  return found[0];
}

/** A prompt that does not echo: the passphrase must not land in the terminal's scrollback. */
function promptHidden(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    prompt.question(question, (answer) => {
      prompt.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** --passphrase-file, then OUTPOST_PASSPHRASE, then a prompt when a person is there. */
export async function readPassphrase(options: { passphraseFile?: string; confirm: boolean }): Promise<string> {
  if (options.passphraseFile) return readFileSync(options.passphraseFile, 'utf8').split(/\r?\n/)[0] ?? '';
  const fromEnvironment = process.env.OUTPOST_PASSPHRASE;
  if (fromEnvironment) return fromEnvironment;
  if (!process.stdin.isTTY) {
    throw new OutpostError('BAD_REQUEST', 'No passphrase: give --passphrase-file FILE or set OUTPOST_PASSPHRASE when no one is at the terminal.');
  }
  const passphrase = await promptHidden('Bundle passphrase: ');
  if (options.confirm && (await promptHidden('Again, to confirm: ')) !== passphrase) {
    throw new OutpostError('BAD_REQUEST', 'The two passphrases differ; nothing was exported.');
  }
  return passphrase;
}

export function registerBundleCommands(program: Command, deps: BundleCommandDeps): void {
  const keychain = deps.keychain ?? osKeychain;
  const print = deps.print ?? ((text: string) => console.log(text));
  const progress = deps.progress ?? progressLine;
  const bundle = program.command('bundle').description('carry a tenant slice across an air gap as a sealed, signed file');

  bundle
    .command('export')
    .description("seal the tenant's cached slice into a bundle for one laptop (or a passphrase)")
    .requiredOption('--tenant <id>', 'the tenant to export')
    .requiredOption('--to <file>', 'where to write the bundle')
    .option('--recipient <pubkeyfile>', "the target laptop's `identity show --json` file (or its age1 key)")
    .option('--passphrase', 'seal with a passphrase instead (prompted, or --passphrase-file / OUTPOST_PASSPHRASE)')
    .option('--passphrase-file <file>', 'read the passphrase from the first line of this file')
    .option('--groups <names>', 'only these device groups (comma-separated names or ids)', list)
    .option('--machines <ids>', 'only these machines (comma-separated ids or host names)', list)
    .option('--days <n>', 'only hunting rows of the last n days (1-30)', (v) => Number.parseInt(v, 10))
    .option('--severity <levels>', 'only alerts of these severities (comma-separated)', list)
    .option('--status <states>', 'only alerts in these statuses (comma-separated)', list)
    .option('--json', 'print the result as JSON')
    .allowUnknownOption(false)
    .action(async (options: { tenant: string; to: string; recipient?: string; passphrase?: boolean; passphraseFile?: string; json?: boolean } & Record<string, unknown>) => {
      const byPassphrase = options.passphrase === true || options.passphraseFile !== undefined;
      if (byPassphrase === (options.recipient !== undefined)) {
        throw new OutpostError('BAD_REQUEST', 'Choose one: --recipient <pubkeyfile> (a laptop) or --passphrase.');
      }
      const to = byPassphrase ? { passphrase: await readPassphrase({ passphraseFile: options.passphraseFile, confirm: true }) } : { recipient: recipientArgument(options.recipient ?? '') };
      const signer = await signingKey(keychain());
      const source = await deps.exportSource({ tenantId: options.tenant, flags: options });
      const started = performance.now();
      let sealed: SealResult;
      try {
        sealed = await sealBundle({
          file: options.to,
          header: source.header,
          rows: source.rows,
          to,
          signer,
          onProgress: throttled((bytes, rows) => progress(`export: ${rows} rows, ${(bytes / 1048576).toFixed(1)} MiB written`)),
        });
      } catch (error) {
        await source.close?.();
        throw error;
      }
      const signerFingerprint = fingerprintOf(signer.publicKey);
      await source.finish?.({ bundleId: sealed.bundleId, counts: sealed.counts, signerFingerprint, file: options.to, sealedFor: 'passphrase' in to ? 'passphrase' : 'recipient' });
      progress(null);
      const seconds = (performance.now() - started) / 1000;
      print(
        options.json
          ? JSON.stringify({ file: options.to, ...sealed, signer: signerFingerprint, seconds: Number(seconds.toFixed(2)) })
          : `Sealed ${options.to}: bundle ${sealed.bundleId}, signed by ${signerFingerprint}, ${sealed.bytes} bytes, ${describeCounts(sealed.counts)} (${seconds.toFixed(1)} s).`,
      );
    });

  bundle
    .command('import')
    .description('verify a bundle, then merge it into the tenant cache in one transaction')
    .argument('<file>', 'the bundle')
    .option('--tenant <id>', 'refuse the bundle unless it is for this tenant')
    .option('--passphrase-file <file>', 'read the passphrase from the first line of this file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { tenant?: string; passphraseFile?: string; json?: boolean }) => {
      const store = keychain();
      const target = await deps.importTarget({ tenantId: options.tenant });
      const trusted = (await trustedSigners(store)).map((signer) => signer.signingKey);
      const identity = await ageIdentity(store);
      let opened: OpenedBundle;
      try {
        // A scripted passphrase is read up front, so the file is verified once, not twice.
        const scripted = options.passphraseFile || process.env.OUTPOST_PASSPHRASE ? await readPassphrase({ passphraseFile: options.passphraseFile, confirm: false }) : undefined;
        opened = await openBundle({ file, identity, passphrase: scripted, trustedSigners: trusted, expect: target.expect });
      } catch (error) {
        if (!(error instanceof OutpostError) || error.code !== 'BUNDLE_WRONG_PASSPHRASE') throw error;
        // Sealed with a passphrase: only now ask for it, after signature and policy checks passed.
        const passphrase = await readPassphrase({ passphraseFile: options.passphraseFile, confirm: false });
        opened = await openBundle({ file, passphrase, trustedSigners: trusted, expect: target.expect });
      }
      try {
        const started = performance.now();
        const merged = await target.merge(opened, { onProgress: throttled((rows) => progress(`import: ${rows} rows read`)) });
        progress(null);
        const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
        const result = { file, ...merged, bundleId: opened.header.bundleId, signer: opened.signerFingerprint, tenantId: opened.header.tenantId, counts: merged.counts, seconds };
        const changed = merged.changed;
        const into = typeof merged.tenant === 'string' ? ` into tenant ${merged.tenant}${merged.created ? ' (new on this laptop)' : ''}` : '';
        print(
          options.json
            ? JSON.stringify(result)
            : `Imported bundle ${result.bundleId} from workstation ${result.signer}${into}: ${describeCounts(result.counts)}` +
                (changed ? `; changed here: ${Object.keys(changed).length > 0 ? describeCounts(changed) : 'nothing (already up to date)'}` : '') +
                ` (${seconds} s).`,
        );
      } finally {
        await opened.close();
      }
    });
}

/** At most one progress report every half second; the last one always goes through. */
function throttled<A extends unknown[]>(report: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args) => {
    const now = performance.now();
    if (now - last < 500) return;
    last = now;
    report(...args);
  };
}

/** A live line on a terminal; nothing in a log (the result line says it all). null ends the line. */
function progressLine(text: string | null): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(text === null ? '\r\x1b[2K' : `\r\x1b[2K${text}`);
}

function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([table, count]) => `${count} ${table}`);
  return parts.length > 0 ? parts.join(', ') : 'no rows';
}
