import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Tenant } from '../emulator/tenant/tenant';
import { openTenantCache, type CacheClient, type HuntingRow } from '../main/services/cache';
import { startCacheClient } from '../main/services/cache/client';
import type { Keychain } from '../main/services/keychain';
import { endpointsOf } from '../main/services/tenant/profiles';
import { benchProfile, entityBatches, slicePages, slicesOf } from './lib/data';
import { row, type BenchRow } from './lib/report';
import { cpuMs, nowMs } from './lib/stats';

export interface IngestResult {
  rows: BenchRow[];
  /** The encrypted cache, left open and full, for the query benchmarks. */
  encrypted: CacheClient;
  events: number;
}

const spent = { plain: 0, encrypted: 0 };

/** Wall milliseconds of one cache call, its CPU time (this process, all threads) added to its side. */
async function timed(which: keyof typeof spent, work: () => Promise<unknown>): Promise<number> {
  const start = nowMs();
  const cpu = cpuMs();
  try {
    await work();
    return nowMs() - start;
  } finally {
    spent[which] += cpuMs() - cpu;
  }
}

interface Answer {
  field: string;
  pages: HuntingRow[][];
  stream: string;
}

/**
 * Answers taken in turns per side. Within a turn the WAL copier copies an answer while the
 * writer appends the next, as in a sync; timing each answer through its copy (as the bench did
 * before the copier) would have made them take turns instead.
 */
const answersPerTurn = 4;

/** A turn of hunting answers through the sync writer exactly as syncHuntingTable drives it. */
async function writeTurn(client: CacheClient, answers: Answer[]): Promise<void> {
  for (const { field, pages, stream } of answers) {
    const transaction = await client.transaction();
    for (const page of pages) await transaction.append({ [field]: page });
    await transaction.commit({ checkpoints: [{ stream, cursor: null, detail: { bench: true } }] });
  }
  // The copies still in flight and what the writer does at its next idle moment would
  // otherwise run during the other cache's turn: its cost landed on the other side's clock
  // (encrypted, a decryption and an encryption per page). Timed here, each side carries its own.
  await client.settle();
}

/**
 * Ingest through the real sync writer (worker thread, transaction per hunting answer,
 * 1,000-row appends, the WAL copier beside it) into a plaintext cache and an encrypted one,
 * in turns of a few answers: each turn is generated once (not timed) and written to both, the
 * order alternating, so both caches see the same rows under the same machine load. Only the
 * cache calls are timed, each turn's through its copies and what the writer then does idle,
 * and the last copy of the WAL at the end.
 */
export async function benchIngest(options: { tenant: Tenant; home: string; tenantId: string; keychain: Keychain; log(line: string): void }): Promise<IngestResult> {
  const { tenant, home, tenantId, keychain, log } = options;
  mkdirSync(path.join(home, 'plain'), { recursive: true });
  const plain = await startCacheClient({ file: path.join(home, 'plain', 'cache.db'), tenantId, region: 'us', create: true, key: null, readers: 1 });
  const encrypted = await openTenantCache({ home, tenantId, region: endpointsOf(benchProfile(tenantId)).region.id, keychain, create: true, readers: 2 });
  for (const batch of entityBatches(tenant)) {
    await plain.write(batch);
    await encrypted.write(batch);
  }
  const slices = slicesOf(tenant);
  let events = 0;
  let plainMs = 0;
  let encryptedMs = 0;
  let lastLog = nowMs();
  for (let first = 0, turn = 0; first < slices.length; first += answersPerTurn, turn++) {
    const answers = slices.slice(first, first + answersPerTurn).map((slice, offset) => ({ field: slice.field, pages: [...slicePages(tenant, slice)], stream: `hunt:${slice.table}:${first + offset}` }));
    const writePlain = async () => (plainMs += await timed('plain', () => writeTurn(plain, answers)));
    const writeEncrypted = async () => (encryptedMs += await timed('encrypted', () => writeTurn(encrypted, answers)));
    if (turn % 2 === 0) {
      await writePlain();
      await writeEncrypted();
    } else {
      await writeEncrypted();
      await writePlain();
    }
    events += answers.reduce((sum, answer) => sum + answer.pages.reduce((rows, page) => rows + page.length, 0), 0);
    if (nowMs() - lastLog > 10_000) {
      log(`ingest: ${events.toLocaleString('en-US')} events (${Math.min(first + answersPerTurn, slices.length)}/${slices.length} slices)`);
      lastLog = nowMs();
    }
  }
  // The WAL the last answers left (under the 256 MiB the writer waits for) is copied as well,
  // on each side's clock, as the writer's quiet-spell checkpoint would: left out, up to a
  // quarter of a 1M-event cache's pages went uncharged, and the ratio moved with where the
  // last copy happened to fall (0.83 and 0.74 in two runs of the same code).
  plainMs += await timed('plain', () => plain.checkpoint());
  encryptedMs += await timed('encrypted', () => encrypted.checkpoint());
  await plain.close();
  const plainRate = events / (plainMs / 1000);
  const encryptedRate = events / (encryptedMs / 1000);
  const ratio = encryptedRate / plainRate;
  const cpuRate = (ms: number) => Math.round(events / (ms / 1000)).toLocaleString('en-US');
  const rows = [
    row({
      name: 'ingest encrypted (sync writer)',
      value: encryptedRate,
      unit: 'events/s',
      baseline: plainRate,
      ratio,
      target: '>= 0.85 x plaintext, >= 60000 events/s',
      met: ratio >= 0.85 && encryptedRate >= 60_000,
      detail: `${events.toLocaleString('en-US')} events in ${slices.length} hunting answers of <= 90,000 rows, 1,000-row appends, turns of ${answersPerTurn} answers a side; encrypted ${(encryptedMs / 1000).toFixed(1)} s, plaintext ${(plainMs / 1000).toFixed(1)} s wall; per CPU-second (this process, all threads): encrypted ${cpuRate(spent.encrypted)}, plaintext ${cpuRate(spent.plain)} events (ratio ${(spent.plain / spent.encrypted).toFixed(3)}); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`,
    }),
  ];
  return { rows, encrypted, events };
}
