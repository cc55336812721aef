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

async function measure(encrypted: boolean, data: CacheBatch[]): Promise<number> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-ingest-'));
  try {
    const client = await startCacheClient({ file: path.join(home, 'cache.db'), tenantId: 'bench', region: 'eu', create: true, key: encrypted ? new Uint8Array(randomBytes(32)) : null, readers: 1 });
    const started = process.hrtime.bigint();
    for (const batch of data) await client.write(batch);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.close();
    return total / seconds;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const data = ingestBatches(total, batchSize);
await measure(true, data.slice(0, 2)); // warm up the worker and the JIT
const plain: number[] = [];
const encrypted: number[] = [];
for (let round = 0; round < 3; round++) {
  plain.push(await measure(false, data));
  encrypted.push(await measure(true, data));
}
const best = (values: number[]) => Math.max(...values);
console.log(JSON.stringify({ events: total, batch: batchSize, plaintextPerSecond: Math.round(best(plain)), encryptedPerSecond: Math.round(best(encrypted)), ratio: +(best(encrypted) / best(plain)).toFixed(3), rounds: { plain: plain.map(Math.round), encrypted: encrypted.map(Math.round) } }));
