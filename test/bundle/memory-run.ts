/**
 * Seals or opens a large synthetic bundle in this process and prints one JSON line with
 * the peak RSS, so each phase is measured on its own:
 *
 *   npx tsx test/bundle/memory-run.ts seal FILE ROWS [recipient|passphrase]
 *   npx tsx test/bundle/memory-run.ts open FILE ROWS [recipient|passphrase]
 *
 * The keys are derived from a fixed seed file beside FILE, so the two phases agree.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { openBundle, sealBundle, type BundleRow } from '../../main/services/bundle';
import { ageIdentity, signingKey } from '../../main/services/identity';
import { memoryKeychain } from '../../main/services/keychain';

const [phase, file, rowsText, mode = 'recipient'] = process.argv.slice(2);
if (!phase || !file || !rowsText) throw new Error('usage: memory-run.ts seal|open FILE ROWS [recipient|passphrase]');
const rowCount = Number(rowsText);
const passphrase = 'memory test passphrase';

const keysFile = `${file}.keys.json`;
const keychain = memoryKeychain(existsSync(keysFile) ? (JSON.parse(readFileSync(keysFile, 'utf8')) as Record<string, string>) : {});
const identity = await ageIdentity(keychain);
const signer = await signingKey(keychain);
if (!existsSync(keysFile)) {
  const secrets: Record<string, string> = {};
  for (const account of (await keychain.list?.()) ?? []) secrets[account] = (await keychain.get(account)) ?? '';
  writeFileSync(keysFile, JSON.stringify(secrets), { mode: 0o600 });
}

/** A process event about the size of an advanced-hunting DeviceProcessEvents row. */
function* events(): Generator<BundleRow> {
  let seed = 0x2545f491;
  const hex = (n: number) => {
    let out = '';
    while (out.length < n) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      out += (seed >>> 0).toString(16).padStart(8, '0');
    }
    return out.slice(0, n);
  };
  for (let i = 0; i < rowCount; i += 1) {
    yield {
      table: i % 50 === 0 ? 'alerts' : 'processEvents',
      row: {
        id: `${i}-${hex(8)}`,
        timestamp: new Date(1_767_225_600_000 + i * 1000).toISOString(),
        deviceId: hex(40),
        deviceName: `ws-${i % 977}.corp.contoso.com`,
        actionType: 'ProcessCreated',
        fileName: ['powershell.exe', 'cmd.exe', 'rundll32.exe', 'svchost.exe'][i % 4],
        sha256: hex(64),
        processCommandLine: `"C:\\Windows\\System32\\cmd.exe" /c echo ${hex(12)}`,
        accountName: `user${i % 311}`,
        reportId: i,
      },
    };
  }
}

const started = performance.now();
let result: Record<string, unknown>;
if (phase === 'seal') {
  const sealed = await sealBundle({
    file,
    header: { tenantId: 'memory-tenant', region: 'commercial-us', scope: {}, policy: { retentionDays: 30, licenseState: 'active', graceEndsAt: null, maxOfflineDays: 7 } },
    rows: events(),
    to: mode === 'passphrase' ? { passphrase } : { recipient: identity.recipient },
    signer,
  });
  result = { rows: Object.values(sealed.counts).reduce((a, b) => a + b, 0), bytes: sealed.bytes };
} else {
  const opened = await openBundle({ file, identity, passphrase: mode === 'passphrase' ? passphrase : undefined, trustedSigners: [signer.publicKey] });
  let rows = 0;
  let jsonBytes = 0;
  for await (const { row } of opened.rows()) {
    rows += 1;
    // Yield to the event loop now and then, as an importer handing rows to a SQLite worker
    // does: a stage that reads ahead of its consumer would show up as memory here.
    if (rows % 2000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    if (rows % 100_000 === 0) jsonBytes += JSON.stringify(row).length; // touch the rows, sparsely
  }
  result = { rows, bytes: statSync(file).size, jsonBytes };
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ phase, mode, ...result, seconds: Number(seconds.toFixed(1)), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
