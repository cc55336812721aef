// Tuning probe (not part of the suite): the writer in this thread, the WAL copy in another
// (copier: after every commit, waiting at the bound) or in the writer past the bound (serial).
// cpuRate counts every thread of the process (process.cpuUsage cannot tell threads apart).
// node --import tsx bench/children/copier-probe.ts <events> <serial|copier> <encrypted 0|1> [boundMiB]
// Variants by environment: PER_TX=n answers per transaction; WCACHE=KiB the writer's page
// cache; JOURNAL=TRUNCATE a rollback journal instead of the WAL (run it `serial` with a bound
// past the file, so nothing is copied: each page is encrypted once, as the file's floor). `pages` is the file's size in pages.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { walBytes } from '../../main/services/cache/engine';
import { benchTenant, slicePages, slicesOf } from '../lib/data';
import { probeCache } from '../lib/probe-cache';
import { cpuMs } from '../lib/stats';

const events = Number(process.argv[2] ?? 100_000);
const mode = process.argv[3] ?? 'serial';
const encrypted = process.argv[4] === '1';
const bound = Number(process.argv[5] ?? 256) * 1024 * 1024;
const tenant = benchTenant(events);
const slices = slicesOf(tenant).map((slice) => ({ field: slice.field, pages: [...slicePages(tenant, slice)] }));
const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-'));
const file = path.join(dir, 'c.db');
const key = new Uint8Array(randomBytes(32));
const hex = Buffer.from(key).toString('hex');
const { db, writer } = probeCache(file, encrypted ? new Uint8Array(key) : null, tenant, (db) => {
  db.pragma('wal_autocheckpoint=0');
  if (process.env.WCACHE) db.pragma(`cache_size=-${process.env.WCACHE}`);
  if (process.env.JOURNAL) db.pragma(`journal_mode=${process.env.JOURNAL}`);
});

const sqlite = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');
const copier = new Worker(`
const { parentPort } = require('node:worker_threads');
const Db = require(${JSON.stringify(sqlite)});
const db = new Db(${JSON.stringify(file)}, { timeout: 10000 });
if (${encrypted}) { db.pragma("cipher='sqlcipher'"); db.pragma('legacy=4'); db.pragma("key=\\"x'${hex}'\\""); }
db.pragma('query_only=ON');
if (process.env.COPIER_SYNC) db.pragma('synchronous=' + process.env.COPIER_SYNC);
db.prepare('select count(*) from sqlite_master').get();
parentPort.on('message', () => { const w = performance.now(); const r = db.pragma('wal_checkpoint(PASSIVE)')[0]; parentPort.postMessage({ ...r, wall: performance.now() - w }); });
`, { eval: true });
let copying: Promise<{ busy: number; log: number; checkpointed: number; wall: number }> | null = null;
let copierWall = 0;
let waitMs = 0;
let waits = 0;
const copy = () => {
  copying = new Promise((resolve) => copier.once('message', (r) => { copierWall += r.wall; resolve(r); }));
  copier.postMessage('copy');
  return copying;
};
let maxWal = 0;
const c0 = cpuMs();
const w0 = performance.now();
const perTx = Number(process.env.PER_TX ?? 1);
const groups: typeof slices[] = [];
for (let i = 0; i < slices.length; i += perTx) groups.push(slices.slice(i, i + perTx));
for (const group of groups) {
  if (mode === 'serial') {
    if (walBytes(file) >= bound) db.pragma('wal_checkpoint(PASSIVE)');
  } else if (walBytes(file) >= bound) {
    // Wait for the copy in flight so this BEGIN finds the WAL fully copied and restarts it.
    const t = performance.now();
    let r = await (copying ?? copy());
    if (r.log !== r.checkpointed) r = await copy();
    waitMs += performance.now() - t;
    waits++;
  }
  db.exec('BEGIN IMMEDIATE');
  for (const s of group) for (const page of s.pages) writer.append({ [s.field]: page });
  writer.append({ checkpoints: [{ stream: 'x', cursor: null }] });
  writer.beforeCommit();
  db.exec('COMMIT');
  maxWal = Math.max(maxWal, walBytes(file));
  if (mode === 'copier') {
    if (copying) await copying; // never two at once
    void copy();
  }
}
if (copying) await copying;
db.pragma('wal_checkpoint(TRUNCATE)');
const wall = performance.now() - w0;
const pages = db.pragma('page_count', { simple: true });
const cpu = cpuMs() - c0;
db.close();
await copier.terminate();
rmSync(dir, { recursive: true, force: true });
const n = slices.reduce((s, x) => s + x.pages.reduce((a, p) => a + p.length, 0), 0);
console.log(JSON.stringify({ mode, encrypted, bound: bound / 1048576, events: n, answers: slices.length, wallRate: Math.round(n / (wall / 1000)), cpuRate: Math.round(n / (cpu / 1000)), wallS: +(wall / 1000).toFixed(1), copierWallS: +(copierWall / 1000).toFixed(1), waits, waitS: +(waitMs / 1000).toFixed(1), maxWalMB: Math.round(maxWal / 1048576), pages }));
