// Tuning probe (not part of the suite): one cache writer in this thread, CPU time per variant.
// node --import tsx bench/children/probe.ts <events> <variant> <encrypted 0|1>
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEngine } from '../../main/services/cache/engine';
import { migrate } from '../../main/services/cache/migrate';
import { writeMeta } from '../../main/services/cache/meta';
import { createWriter } from '../../main/services/cache/writer';
import { purgeOlderThan } from '../../main/services/cache/purge';
import { benchTenant, dataSpan, entityBatches, slicePages, slicesOf } from '../lib/data';
import { cpuMs } from '../lib/stats';

const events = Number(process.argv[2] ?? 100_000);
const variant = process.argv[3] ?? 'base';
const encrypted = process.argv[4] === '1';
const tenant = benchTenant(events);
const slices = slicesOf(tenant).map((slice) => ({ field: slice.field, pages: [...slicePages(tenant, slice)] }));
const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const file = path.join(dir, 'c.db');
const db = openEngine({ file, tenantId: 't', key: encrypted ? new Uint8Array(randomBytes(32)) : null, role: 'writer', mustExist: false });
for (const v of variant.split('+')) {
  if (v.startsWith('pragma:')) db.pragma(v.slice(7));
}
db.transaction(() => { migrate(db, 't'); writeMeta(db, { tenantId: 't', region: 'us', createdAt: '', createdByVersion: '0' }); }).immediate();
for (const v of variant.split('+')) if (v.startsWith('sql:')) db.exec(v.slice(4));
const writer = createWriter(db);
for (const b of entityBatches(tenant)) writer.write(b);
const c0 = cpuMs();
const w0 = performance.now();
// ckpt:N copies the WAL into the file after every N answers, as the writer's idle checkpoint does after each.
const every = Number(variant.split('+').find((v) => v.startsWith('ckpt:'))?.slice(5) ?? 0);
for (const [index, s] of slices.entries()) {
  if (every > 0 && index > 0 && index % every === 0) db.pragma('wal_checkpoint(PASSIVE)');
  db.exec('BEGIN IMMEDIATE');
  for (const page of s.pages) writer.append({ [s.field]: page });
  writer.append({ checkpoints: [{ stream: 'x', cursor: null }] });
  writer.beforeCommit();
  db.exec('COMMIT');
}
const ingestCpu = cpuMs() - c0;
const ingestWall = performance.now() - w0;
const size = statSync(file).size;
const span = dataSpan(tenant);
const c1 = cpuMs();
const w1 = performance.now();
const summary = purgeOlderThan(db, new Date(span.from + (span.to - span.from) / 3).toISOString());
const purgeCpu = cpuMs() - c1;
const purgeWall = performance.now() - w1;
db.close();
rmSync(dir, { recursive: true, force: true });
const n = slices.reduce((s, x) => s + x.pages.reduce((a, p) => a + p.length, 0), 0);
console.log(JSON.stringify({ variant, encrypted, events: n, ingestCpuRate: Math.round(n / (ingestCpu / 1000)), ingestWallS: +(ingestWall / 1000).toFixed(1), sizeMB: Math.round(size / 1048576), purgeCpuS: +(purgeCpu / 1000).toFixed(2), purgeWallS: +(purgeWall / 1000).toFixed(1), removed: Object.values(summary.removed).reduce((a, b) => a + b, 0) }));
