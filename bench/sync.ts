import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { row, type BenchRow } from './lib/report';

/*
 * End-to-end sync over HTTPS: the emulator (documented rate limits) in one child process,
 * the client (syncTenant into a new encrypted cache) in another, so the client's peak RSS
 * is its own. The children are bundled beside this script (see scripts/bench.mjs).
 */

interface ClientReport {
  rowsWritten: number;
  wallMs: number;
  waits: { budget: number; throttle: number; retry: number };
  calls: { entity: number; hunting: number };
  retries: number;
  hunting: { ms: number; rows: number };
  /** The client's own peak (VmHWM on Linux). */
  peakRss: { kib: number; source: 'VmHWM' | 'maxRSS' };
  /** getrusage's maxRSS, which for a spawned child starts from the parent's: shown, not judged. */
  maxRssKiB: number;
  peak: { rssMiB: number; phase: string; heapMiB: number; externalMiB: number };
  cpuMs: number;
  info: { rowCounts: Record<string, number>; sizeBytes: number };
}

function firstLine(child: ReturnType<typeof spawn>, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before answering: ${stderr}`)));
  });
}

/** CPU seconds a child has used so far, from /proc (Linux); null elsewhere. */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

export async function benchSync(options: { events: number; keychainName: string; here: string; log(line: string): void }): Promise<BenchRow[]> {
  const script = (name: string) => path.join(options.here, `${name}.mjs`);
  const emulator = spawn(process.execPath, [script('emulator'), String(options.events)], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const info = await firstLine(emulator, 'the emulator');
    options.log('sync: emulator ready, syncing');
    const client = spawn(process.execPath, [script('sync-client'), info], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OUTPOST_BENCH_KEYCHAIN: options.keychainName.startsWith('OS') ? 'os' : 'memory' },
    });
    const report = JSON.parse(await firstLine(client, 'the sync client')) as ClientReport;
    const emulatorCpu = cpuSecondsOf(emulator.pid);
    await new Promise((resolve) => (client.exitCode === null ? client.once('exit', resolve) : resolve(null)));
    const events = Object.entries(report.info.rowCounts).filter(([table]) => /_events$|^device_info$/.test(table)).reduce((sum, [, n]) => sum + n, 0);
    const waitedMs = report.waits.budget + report.waits.throttle;
    const workSeconds = (report.wallMs - waitedMs) / 1000;
    const rate = events / workSeconds;
    const huntingRate = report.hunting.rows / (report.hunting.ms / 1000);
    const rssMb = report.peakRss.kib / 1024;
    const calls = `${report.calls.hunting} hunting calls (limit 45/min, 1,500/h), ${report.calls.entity} entity calls (limit 100/min, 1,500/h), ${report.retries} retries`;
    return [
      row({ name: 'sync end-to-end over HTTPS', value: rate, unit: 'events/s', target: '>= 15000 events/s', met: rate >= 15_000,
        detail: `${events.toLocaleString('en-US')} events (${report.rowsWritten.toLocaleString('en-US')} rows with entities) in ${(report.wallMs / 1000).toFixed(1)} s wall, of which ${(waitedMs / 1000).toFixed(1)} s waiting on the documented rate limits (not counted); hunting phases alone ${Math.round(huntingRate).toLocaleString('en-US')} rows/s; ${calls}; CPU: client ${(report.cpuMs / 1000).toFixed(0)} s (all threads), emulator ${emulatorCpu === null ? 'not measured' : `${emulatorCpu.toFixed(0)} s`}` }),
      row({ name: 'sync peak RSS (client process)', value: rssMb, unit: 'MB', target: '<= 400 MB', met: rssMb <= 400,
        detail: `${report.peakRss.source === 'VmHWM' ? 'VmHWM (/proc/self/status)' : 'process.resourceUsage().maxRSS'} of the client child (main + cache worker threads); maxRSS ${(report.maxRssKiB / 1024).toFixed(0)} MB (a spawned child's starts from its parent's); emulator in its own process; sampled every 50 ms, highest ${report.peak.rssMiB} MiB during ${report.peak.phase} (V8 heap ${report.peak.heapMiB} MiB, external ${report.peak.externalMiB} MiB; the rest is SQLite's page caches and native memory); cache ${(report.info.sizeBytes / 1024 / 1024).toFixed(0)} MB` }),
    ];
  } finally {
    emulator.kill('SIGTERM');
  }
}
