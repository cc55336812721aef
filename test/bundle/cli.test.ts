import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBundleCommands, type BundleCommandDeps } from '../../main/cli/bundle';
import { registerIdentityCommands } from '../../main/cli/identity';
import type { BundleRow } from '../../main/services/bundle';
import { memoryKeychain, type Keychain } from '../../main/services/keychain';
import { policy, region, sampleRows, tenantId, workDir } from './fixtures';

/** One machine's CLI over its own keychain, with a cache stand-in. */
function machine(keychain: Keychain, imported: BundleRow[] = []) {
  const deps: BundleCommandDeps = {
    keychain: () => keychain,
    exportSource: async () => ({ header: { tenantId, region, scope: {}, policy, createdAt: new Date() }, rows: sampleRows(100) }),
    importTarget: async () => ({
      expect: { tenantId, region },
      async merge(bundle) {
        const rows: BundleRow[] = [];
        for await (const row of bundle.rows()) rows.push(row);
        imported.push(...rows); // "commit" only after the whole bundle was read
        return { counts: bundle.header.counts };
      },
    }),
  };
  return async (...args: string[]) => {
    const lines: string[] = [];
    const program = new Command('outpost').exitOverride();
    registerIdentityCommands(program, { keychain: () => keychain, print: (text) => lines.push(text) });
    registerBundleCommands(program, { ...deps, print: (text) => lines.push(text) });
    await program.parseAsync(['node', 'outpost', ...args]);
    return lines.join('\n');
  };
}

describe('outpost bundle export/import', () => {
  it('carries a slice from a workstation to a trusting laptop, by recipient file and by passphrase file', async () => {
    const dir = workDir();
    const imported: BundleRow[] = [];
    const workstation = machine(memoryKeychain());
    const laptop = machine(memoryKeychain(), imported);

    writeFileSync(join(dir, 'laptop.json'), await laptop('identity', 'show', '--json'));
    writeFileSync(join(dir, 'workstation.json'), await workstation('identity', 'show', '--json'));
    await laptop('trust', 'add', join(dir, 'workstation.json'));

    await workstation('bundle', 'export', '--tenant', tenantId, '--to', join(dir, 'a.outpost'), '--recipient', join(dir, 'laptop.json'));
    const result = JSON.parse(await laptop('bundle', 'import', join(dir, 'a.outpost'), '--json')) as { counts: Record<string, number> };
    expect(result.counts).toEqual({ machines: 10, events: 90 });
    expect(imported).toEqual(sampleRows(100));

    writeFileSync(join(dir, 'pass.txt'), 'long enough passphrase\n');
    await workstation('bundle', 'export', '--tenant', tenantId, '--to', join(dir, 'b.outpost'), '--passphrase-file', join(dir, 'pass.txt'));
    await laptop('bundle', 'import', join(dir, 'b.outpost'), '--passphrase-file', join(dir, 'pass.txt'));
    expect(imported).toHaveLength(200);
  }, 60_000);

  it('refuses an import from a workstation the laptop has not trusted', async () => {
    const dir = workDir();
    const imported: BundleRow[] = [];
    const workstation = machine(memoryKeychain());
    const laptop = machine(memoryKeychain(), imported);
    writeFileSync(join(dir, 'laptop.json'), await laptop('identity', 'show', '--json'));
    await workstation('bundle', 'export', '--tenant', tenantId, '--to', join(dir, 'a.outpost'), '--recipient', join(dir, 'laptop.json'));
    await expect(laptop('bundle', 'import', join(dir, 'a.outpost'))).rejects.toMatchObject({ code: 'BUNDLE_UNTRUSTED_SIGNER' });
    expect(imported).toEqual([]);
  });
});
