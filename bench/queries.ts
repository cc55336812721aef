import { seededRandom } from '../emulator/prng';
import type { Tenant } from '../emulator/tenant/tenant';
import type { CacheClient, HuntingRow } from '../main/services/cache';
import { accountKey } from '../main/services/cache/queries-investigate';
import { benchTenant, slicePages, slicesOf } from './lib/data';
import { row, type BenchRow } from './lib/report';
import { nowMs, percentile } from './lib/stats';

/*
 * Pivots and search as the UI runs them: the named investigate queries, through the cache
 * client (reader worker thread, structured clone of the answer), on keys sampled from the
 * data itself, so popular keys come up as often as an analyst meets them.
 */

export interface Samples {
  devices: string[];
  sha1s: string[];
  ips: string[];
  urls: string[];
  accounts: string[];
  processes: Array<{ deviceId: string; processId: number; creationTime: string }>;
  alerts: string[];
  words: string[];
}

/** Keys picked from the generated rows: one row in `every` of each table. */
export function sampleKeys(tenant: Tenant, every = 997): Samples {
  const s: Samples = { devices: tenant.fleet.map((p) => p.machine.id), sha1s: [], ips: [], urls: [], accounts: [], processes: [], alerts: tenant.alerts.map((a) => a.id), words: [] };
  const random = seededRandom(42);
  let n = 0;
  for (const slice of slicesOf(tenant, ['DeviceProcessEvents', 'DeviceNetworkEvents', 'DeviceLogonEvents', 'DeviceFileEvents'])) {
    for (const page of slicePages(tenant, slice)) {
      for (const r of page) {
        if (n++ % every !== 0) continue;
        const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
        if (slice.table === 'DeviceProcessEvents') {
          if (text(r.SHA1)) s.sha1s.push(r.SHA1 as string);
          if (text(r.ProcessCreationTime)) s.processes.push({ deviceId: r.DeviceId, processId: Number(r.ProcessId), creationTime: r.ProcessCreationTime as string });
          if (text(r.AccountName)) s.accounts.push(accountKey(r.AccountName as string, text(r.AccountDomain)));
          const name = text(r.FileName)?.replace(/\.[a-z0-9]+$/i, '');
          if (name) s.words.push(random() < 0.5 ? name : name.slice(0, Math.max(3, Math.ceil(name.length / 2))));
        } else if (slice.table === 'DeviceNetworkEvents') {
          if (text(r.RemoteIP)) s.ips.push(r.RemoteIP as string);
          if (text(r.RemoteUrl)) {
            s.urls.push(r.RemoteUrl as string);
            s.words.push((r.RemoteUrl as string).replace(/^[a-z]+:\/\//, '').split(/[./]/)[0]!);
          }
        } else if (slice.table === 'DeviceLogonEvents') {
          if (text(r.AccountName)) s.accounts.push(accountKey(r.AccountName as string, text(r.AccountDomain)));
          if (text(r.RemoteIP)) s.ips.push(r.RemoteIP as string);
        } else if (slice.table === 'DeviceFileEvents') {
          if (text(r.SHA1)) s.sha1s.push(r.SHA1 as string);
          const folder = text(r.FolderPath)?.split('\\').filter((part) => part.length > 3);
          if (folder && folder.length > 0) s.words.push(folder[Math.floor(random() * folder.length)]!);
        }
      }
    }
  }
  return s;
}

interface Pivot {
  name: string;
  run(client: CacheClient, i: number): Promise<unknown>;
}

function pick<T>(list: T[], i: number): T {
  if (list.length === 0) throw new Error('no sample keys for a pivot');
  return list[(i * 7919) % list.length]!;
}

export function pivots(s: Samples): Pivot[] {
  return [
    { name: 'machine timeline (first page)', run: (c, i) => c.query('invTimeline', { deviceId: pick(s.devices, i) }) },
    { name: 'file -> machines', run: (c, i) => c.query('invList', { list: 'fileMachines', key: pick(s.sha1s, i) }) },
    { name: 'ip -> machines', run: (c, i) => c.query('invList', { list: 'ipConnections', key: pick(s.ips, i) }) },
    { name: 'url -> machines', run: (c, i) => c.query('invList', { list: 'urlConnections', key: pick(s.urls, i) }) },
    { name: 'account -> machines', run: (c, i) => c.query('invList', { list: 'accountMachines', key: pick(s.accounts, i) }) },
    { name: 'alert -> evidence + process trees', run: (c, i) => c.query('invAlert', { id: pick(s.alerts, i) }) },
    { name: 'process tree', run: (c, i) => { const p = pick(s.processes, i); return c.query('invProcessTree', p); } },
  ];
}

/** Up to `iterations` runs, or as many as fit in `budgetMs` (at least 20): a slow pivot must not stall the suite. */
async function latencies(client: CacheClient, run: (c: CacheClient, i: number) => Promise<unknown>, iterations: number, budgetMs = 15_000): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(client, iterations + i); // prepare statements, warm pages
  const out: number[] = [];
  const started = nowMs();
  for (let i = 0; i < iterations && (i < 20 || nowMs() - started < budgetMs); i++) {
    const start = nowMs();
    await run(client, i);
    out.push(nowMs() - start);
  }
  return out;
}

/** A sync writing while the pivots run: answers of another tenant's rows, committed back to back. */
/**
 * The load adds at most a quarter of the cache's events as new rows (so the purge and wipe
 * that follow still see about the asked-for size); past that it replays the same rows, which
 * the writer parses, binds and checks against the key but skips as duplicates.
 */
function writerLoad(client: CacheClient, events: number): { stop(): Promise<{ events: number; seconds: number }> } {
  const loadTenant = benchTenant(Math.max(20_000, Math.min(200_000, Math.round(events / 5))), 8);
  const slices = slicesOf(loadTenant, ['DeviceProcessEvents', 'DeviceNetworkEvents', 'DeviceFileEvents']).slice(0, 3);
  const answers = slices.map((slice) => ({ field: slice.field, pages: [...slicePages(loadTenant, slice)] }));
  let running = true;
  let written = 0;
  const started = nowMs();
  const loop = (async () => {
    const perRound = answers.reduce((sum, answer) => sum + answer.pages.reduce((n, page) => n + page.length, 0), 0);
    const newRounds = Math.max(1, Math.floor(events / 4 / perRound));
    for (let round = 1; running; round++) {
      const id = Math.min(round, newRounds);
      for (const answer of answers) {
        if (!running) break;
        const transaction = await client.transaction();
        for (const page of answer.pages) {
          if (!running) break;
          for (const r of page) (r as HuntingRow).ReportId = Number(r.ReportId) % 1e12 + id * 1e12;
          await transaction.append({ [answer.field]: page });
          written += page.length;
        }
        await transaction.commit({ checkpoints: [{ stream: 'bench:load', cursor: String(round), detail: null }] });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { events: written, seconds: (nowMs() - started) / 1000 };
    },
  };
}

export async function benchQueries(options: { client: CacheClient; samples: Samples; events: number; iterations: number; log(line: string): void; scaleLabel: string; idleTarget: number }): Promise<BenchRow[]> {
  const { client, samples, iterations, log } = options;
  const rows: BenchRow[] = [];
  const list = pivots(samples);
  // Idle means after the sync: the writer's quiet-spell checkpoint has run (worker.ts); the
  // ingest before this leaves up to 512 MiB of WAL that the checkpoint would otherwise copy
  // on the other core while the first pivots run.
  await client.checkpoint();
  const idle = new Map<string, number[]>();
  for (const pivot of list) idle.set(pivot.name, await latencies(client, pivot.run, iterations));
  const searchIdle = await latencies(client, (c, i) => c.query('invSearch', { text: pick(samples.words, i) }), iterations);
  log('queries: idle done, starting the writer load');

  const load = writerLoad(client, options.events);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const busy = new Map<string, number[]>();
  for (const pivot of list) busy.set(pivot.name, await latencies(client, pivot.run, iterations));
  const searchBusy = await latencies(client, (c, i) => c.query('invSearch', { text: pick(samples.words, i) }), Math.min(iterations, 100));
  const loadDone = await load.stop();
  const loadRate = Math.round(loadDone.events / loadDone.seconds);

  for (const pivot of list) {
    const values = idle.get(pivot.name)!;
    const p95 = percentile(values, 95);
    rows.push(row({ name: `pivot ${pivot.name}${options.scaleLabel} p95`, value: p95, unit: 'ms', target: `<= ${options.idleTarget} ms`, met: p95 <= options.idleTarget,
      detail: `${values.length} runs, p50 ${percentile(values, 50).toFixed(2)} ms, max ${Math.max(...values).toFixed(1)} ms` }));
  }
  for (const pivot of list) {
    const values = busy.get(pivot.name)!;
    const p95 = percentile(values, 95);
    rows.push(row({ name: `pivot ${pivot.name}${options.scaleLabel} while syncing p95`, value: p95, unit: 'ms', target: '<= 25 ms', met: p95 <= 25,
      detail: `${values.length} runs, p50 ${percentile(values, 50).toFixed(2)} ms; writer load ${loadRate.toLocaleString('en-US')} events/s during the run` }));
  }
  const p95 = percentile(searchIdle, 95);
  rows.push(row({ name: `search (FTS5)${options.scaleLabel} p95`, value: p95, unit: 'ms', target: '<= 30 ms', met: p95 <= 30,
    detail: `${searchIdle.length} searches of sampled names, prefixes, folders and hosts; p50 ${percentile(searchIdle, 50).toFixed(2)} ms; while syncing p95 ${percentile(searchBusy, 95).toFixed(1)} ms` }));
  return rows;
}
