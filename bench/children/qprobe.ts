// Query probe (not part of the suite): times the pivot queries in-thread on an existing plaintext cache.
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { runQuery } from '../../main/services/cache/queries';
import { benchTenant } from '../lib/data';
import { pivots, sampleKeys } from '../queries';
import { percentile } from '../lib/stats';

const db = new Sqlite(process.argv[2]!, { readonly: true });
db.pragma('cache_size=-131072');
const samples = sampleKeys(benchTenant(Number(process.argv[3] ?? 1_000_000)));
const fake = { query: async (name: string, params: unknown) => runQuery(db, name as never, params as never) } as never;
for (const pivot of pivots(samples)) {
  const times: number[] = [];
  let worst = { ms: 0, i: 0 };
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await pivot.run(fake, i);
    const ms = performance.now() - t;
    times.push(ms);
    if (ms > worst.ms) worst = { ms, i };
  }
  console.log(pivot.name, 'p50', percentile(times, 50).toFixed(1), 'p95', percentile(times, 95).toFixed(1), 'worst', worst.ms.toFixed(0), 'at', worst.i);
}
const times: number[] = [];
for (let i = 0; i < 40; i++) {
  const t = performance.now();
  runQuery(db, 'invSearch' as never, { text: samples.words[(i * 7919) % samples.words.length] } as never);
  times.push(performance.now() - t);
}
console.log('search p50', percentile(times, 50).toFixed(1), 'p95', percentile(times, 95).toFixed(1));
