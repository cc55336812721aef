// Tuning probe (not part of the suite): the retention purge in this thread, on a copy of one
// encrypted cache built once, so variants of the purge compare on the same file.
// node --import tsx bench/children/purge-probe.ts <events> <folder> build   (writes <folder>/base.db)
// node --import tsx bench/children/purge-probe.ts <events> <folder> purge [pragma ...]
import { copyFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { openEngine } from '../../main/services/cache/engine';
import { purgeOlderThan } from '../../main/services/cache/purge';
import { benchTenant, dataSpan, slicePages, slicesOf } from '../lib/data';
import { probeCache } from '../lib/probe-cache';
import { cpuMs } from '../lib/stats';

const events = Number(process.argv[2] ?? 100_000);
const folder = process.argv[3] ?? '.';
const mode = process.argv[4] ?? 'purge';
const key = new Uint8Array(32).fill(7); // a probe's throwaway cache of generated data
const tenant = benchTenant(events);
const base = path.join(folder, 'base.db');

if (mode === 'build') {
  rmSync(base, { force: true });
  const { db, writer } = probeCache(base, key, tenant);
  for (const slice of slicesOf(tenant)) {
    db.exec('BEGIN IMMEDIATE');
    for (const page of slicePages(tenant, slice)) writer.append({ [slice.field]: page });
    writer.beforeCommit();
    db.exec('COMMIT');
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(JSON.stringify({ built: base, pages: statSync(base).size / 4096 }));
} else {
  const file = path.join(folder, 'purged.db');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  copyFileSync(base, file);
  const db = openEngine({ file, tenantId: 't', key, role: 'writer', mustExist: true });
  for (const pragma of process.argv.slice(5)) db.pragma(pragma);
  const span = dataSpan(tenant);
  const cpu = cpuMs();
  const start = performance.now();
  const summary = purgeOlderThan(db, new Date(span.from + (span.to - span.from) / 3).toISOString());
  const wallS = +((performance.now() - start) / 1000).toFixed(1);
  const cpuS = +((cpuMs() - cpu) / 1000).toFixed(2);
  db.close();
  rmSync(file, { force: true });
  const removed = Object.values(summary.removed).reduce((sum, n) => sum + n, 0);
  console.log(JSON.stringify({ pragmas: process.argv.slice(5), wallS, cpuS, removed, freedPages: summary.freedPages }));
}
