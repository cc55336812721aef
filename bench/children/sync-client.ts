// The client side of the end-to-end sync benchmark: a fresh Outpost home, client-credentials
// sign-in, then syncTenant (the operation `outpost sync` runs) into a new encrypted cache.
// Prints one JSON line: rows, time, rate-limit waits, calls made and this process's peak RSS
// (the main thread and the cache worker threads together): VmHWM of /proc/self/status on
// Linux, since process.resourceUsage().maxRSS of a spawned child starts from its parent's
// (the kernel keeps the pre-exec high-water mark: a 643 MB parent gave a fresh 39 MB child a
// maxRSS of 604 MB), which in a full bench run is the suite's own memory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTenantCache } from '../../main/services/cache';
import { memoryKeychain, osKeychain, type Keychain } from '../../main/services/keychain';
import { syncTenant } from '../../main/services/operations/sync-tenant';
import { connectTenant } from '../../main/services/tenant/connect';
import { TenantProfile } from '../../main/services/tenant/profiles';
import type { TenantRegistration } from '../../emulator';
import { cpuMs } from '../lib/stats';

/** This process's own peak resident memory in KiB: VmHWM where /proc has it, else maxRSS (which may include the parent's). */
function peakRssKiB(): { kib: number; source: 'VmHWM' | 'maxRSS' } {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return { kib: Number(match[1]), source: 'VmHWM' };
  } catch {
    // not Linux
  }
  return { kib: process.resourceUsage().maxRSS, source: 'maxRSS' };
}

const info = JSON.parse(process.argv[2] ?? '{}') as { url: string; caCertPem: string; registration: TenantRegistration };
const host = new URL(info.url).host;
const profile = TenantProfile.parse({
  name: 'bench', tenantId: info.registration.tenantId, cloud: 'commercial', geo: 'us',
  clientId: info.registration.publicClientId, appClientId: info.registration.confidentialClientId,
  loginHost: host, apiHost: host, caPem: info.caCertPem, createdAt: new Date().toISOString(),
});
const keychain: Keychain = process.env.OUTPOST_BENCH_KEYCHAIN === 'os' ? osKeychain() : memoryKeychain();
const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-sync-'));
const connection = connectTenant(profile, keychain);
const calls = { entity: 0, hunting: 0 };
const makeApi = connection.api.bind(connection);
connection.api = (options) => {
  const api = makeApi(options);
  const hunt = api.hunt.bind(api);
  const getJson = api.getJson.bind(api);
  api.hunt = (query, consumer) => {
    calls.hunting++;
    return hunt(query, consumer);
  };
  api.getJson = (p) => {
    calls.entity++;
    return getJson(p);
  };
  return api;
};
const waits = { budget: 0, throttle: 0, retry: 0 };
// Where the peak is: resident memory sampled with the sync's phase (maxRSS gives only the peak).
let phase = 'sign-in';
const mib = (bytes: number) => Math.round(bytes / 1048576);
const peak = { rssMiB: 0, phase, heapMiB: 0, externalMiB: 0 };
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss() / 1048576;
  if (rss <= peak.rssMiB) return;
  const memory = process.memoryUsage();
  Object.assign(peak, { rssMiB: Math.round(rss), phase, heapMiB: mib(memory.heapTotal), externalMiB: mib(memory.external) });
}, 50);
let huntingStart = 0;
let huntingRowsAtStart = 0;
let huntingEnd = 0;
let huntingRowsAtEnd = 0;
let lastReport = { at: 0, rows: 0 };
try {
  await connection.signIn.signInWithClientCredentials(info.registration.confidentialClientSecret);
  const cache = await openTenantCache({ home, tenantId: profile.tenantId, region: 'us', keychain, create: true });
  const started = performance.now();
  const summary = await syncTenant({
    home, keychain, connection, cache,
    api: { onWait: (wait) => (waits[wait.kind] += wait.ms) },
    onProgress: (p) => {
      phase = p.phase;
      if (process.env.OUTPOST_BENCH_TRACE) process.stderr.write(`${new Date().toISOString()} ${p.phase} rss ${mib(process.memoryUsage.rss())}\n`);
      // The hunting phases run from the last report before them (planning counts come first)
      // to the first one after them: the logged-on users the entity limit held back, or files.
      const now = performance.now();
      if (p.phase === 'hunting' && huntingStart === 0) {
        huntingStart = lastReport.at;
        huntingRowsAtStart = lastReport.rows;
      } else if (p.phase !== 'hunting' && huntingStart !== 0 && huntingEnd === 0) {
        huntingEnd = now;
        huntingRowsAtEnd = p.rowsWritten;
      }
      lastReport = { at: now, rows: p.rowsWritten };
    },
  });
  const wallMs = performance.now() - started;
  phase = 'after the sync (cache info)';
  const info2 = await cache.info();
  phase = 'closing the cache';
  await cache.close();
  phase = 'after close';
  process.stdout.write(`${JSON.stringify({
    rowsWritten: summary.rowsWritten, wallMs, waits, calls, retries: summary.retries,
    hunting: { ms: huntingEnd - huntingStart, rows: huntingRowsAtEnd - huntingRowsAtStart },
    peakRss: peakRssKiB(), maxRssKiB: process.resourceUsage().maxRSS, peak, cpuMs: Math.round(cpuMs()), info: info2,
  })}\n`);
} finally {
  clearInterval(sampler);
  connection.close();
  rmSync(home, { recursive: true, force: true });
}
