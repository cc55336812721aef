// Query probe (not part of the suite): times the pivot queries in-thread on an existing plaintext cache.
// node --import tsx bench/children/qprobe.ts <cache file> [events 1000000] [runs 40] [pivot name filter]
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { runQuery } from '../../main/services/cache/queries';
import { benchTenant } from '../lib/data';
import { pivots, sampleKeys } from '../queries';
import { percentile } from '../lib/stats';

const db = new Sqlite(process.argv[2]!, { readonly: true });
db.pragma('cache_size=-131072');
const samples = sampleKeys(benchTenant(Number(process.argv[3] ?? 1_000_000)));
const runs = Number(process.argv[4] ?? 40);
const only = process.argv[5] ?? '';
const fake = { query: async (name: string, params: unknown) => runQuery(db, name as never, params as never) } as never;
const search = { name: 'search', run: async (_: unknown, i: number) => runQuery(db, 'invSearch' as never, { text: samples.words[(i * 7919) % samples.words.length] } as never) };
for (const pivot of [...pivots(samples), search].filter((p) => p.name.includes(only))) {
  for (let i = 0; i < 3; i++) await pivot.run(fake, runs + i); // as the suite does: prepare, warm
  const times: number[] = [];
  let worst = { ms: 0, i: 0 };
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await pivot.run(fake, i);
    const ms = performance.now() - t;
    times.push(ms);
    if (ms > worst.ms) worst = { ms, i };
  }
  console.log(pivot.name, 'p50', percentile(times, 50).toFixed(1), 'p95', percentile(times, 95).toFixed(1), 'worst', worst.ms.toFixed(0), 'at', worst.i);
}
