// Measures sync-writer ingest: events/s into an encrypted cache and into a plaintext one,
// same writer, same batches. Usage: node --import tsx test/cache/children/ingest-rate.ts [events] [batch]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCacheClient } from '../../../main/services/cache/client';
import type { CacheBatch } from '../../../main/services/cache';
import { ingestBatches } from './ingest-data';

const total = Number(process.argv[2] ?? 200_000);
const batchSize = Number(process.argv[3] ?? 5_000);

/** Events per wall-clock second, and per CPU-second of the whole process (all threads): the
 * second is steadier on a shared machine. */
async function measure(encrypted: boolean, data: CacheBatch[]): Promise<{ wall: number; cpu: number }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-ingest-'));
  try {
    const client = await startCacheClient({ file: path.join(home, 'cache.db'), tenantId: 'bench', region: 'eu', create: true, key: encrypted ? new Uint8Array(randomBytes(32)) : null, readers: 1 });
    const started = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const batch of data) await client.write(batch);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    await client.close();
    return { wall: total / seconds, cpu: total / ((cpu.user + cpu.system) / 1e6) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const data = ingestBatches(total, batchSize);
await measure(true, data.slice(0, 2)); // warm up the worker and the JIT
const plain: Array<{ wall: number; cpu: number }> = [];
const encrypted: Array<{ wall: number; cpu: number }> = [];
for (let round = 0; round < 3; round++) {
  plain.push(await measure(false, data));
  encrypted.push(await measure(true, data));
}
const best = (values: Array<{ wall: number; cpu: number }>, of: 'wall' | 'cpu') => Math.round(Math.max(...values.map((value) => value[of])));
console.log(JSON.stringify({
  events: total,
  batch: batchSize,
  wall: { plaintext: best(plain, 'wall'), encrypted: best(encrypted, 'wall'), ratio: +(best(encrypted, 'wall') / best(plain, 'wall')).toFixed(3) },
  cpu: { plaintext: best(plain, 'cpu'), encrypted: best(encrypted, 'cpu'), ratio: +(best(encrypted, 'cpu') / best(plain, 'cpu')).toFixed(3) },
}));
