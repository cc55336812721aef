import { renameSync, writeFileSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { auditAnchorFile } from './paths';
import { purgeOlderThan } from './purge';
import { emptyWal } from './remove-rows';
import { forgetMachinesOutside } from './forget-machines';
import { OutpostError } from '../../../contract';
import { diagnose, openEngine, reencrypt, walBytes, walCopyBytes, type Db } from './engine';
import { cacheInfo } from './info';
import { migrate, schemaVersion } from './migrate';
import { latestSchemaVersion } from './migrations';
import { assertTenant, writeMeta } from './meta';
import { runQuery, type QueryName } from './queries';
import { createWriter, type CacheWriter } from './writer';
import type { WorkerRequest, WorkerResponse, WorkerSetup } from './protocol';

/*
 * A cache connection in its own thread. The writer thread owns the only connection that
 * writes (migrations, sync batches, rekey); reader threads serve queries from WAL
 * snapshots, so a long sync transaction never makes the UI wait.
 */

const setup = workerData as WorkerSetup;
function ownPort(): MessagePort {
  if (!parentPort) throw new Error('The cache worker must run in a worker thread.');
  return parentPort;
}
const port = ownPort();

let key: Uint8Array | null = setup.key;
let db = null as Db | null;
let writer = null as CacheWriter | null;

function toData(error: unknown): { code: OutpostError['code']; message: string } {
  const mapped = error instanceof OutpostError ? error : diagnose(setup.file, key, error, setup.tenantId);
  return { code: mapped.code, message: mapped.message };
}

/** Schema and owner in one transaction: a crash leaves no cache that forgot its tenant. */
function createSchema(created: Db, region: string): void {
  created.transaction(() => {
    migrate(created, setup.tenantId);
    writeMeta(created, { tenantId: setup.tenantId, region, createdAt: new Date().toISOString(), createdByVersion: setup.appVersion });
  }).immediate();
}

/**
 * A file with no table at all is a creation cut short: SQLite writes page 1 when the writer
 * switches to WAL, before the schema's transaction commits. It holds nothing of the tenant's,
 * and the key that opened it is this tenant's (it was in the keychain before the file existed).
 */
function unfinished(opened: Db): boolean {
  return opened.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0 && opened.pragma('user_version', { simple: true }) === 0;
}

function start(): void {
  db = openEngine({ file: setup.file, tenantId: setup.tenantId, key, role: setup.role, mustExist: !setup.create, maxPageCount: setup.maxPageCount });
  if (setup.role === 'writer') {
    const opened = db;
    if (setup.create) {
      createSchema(opened, setup.region ?? '');
    } else if (unfinished(opened)) {
      if (!setup.region) {
        throw new OutpostError('CACHE_NOT_FOUND', `The cache of tenant ${setup.tenantId} was never finished (its creation was interrupted). Sync the tenant to create it.`);
      }
      createSchema(opened, setup.region);
    } else {
      // Refuse a newer schema before reading anything else, then refuse another tenant's cache,
      // and one made for another region than the caller's (read from the meta row alone: the
      // cache info counts every table, which at 1M events was most of an open).
      migrate(opened, setup.tenantId, 0);
      const meta = assertTenant(opened, setup.tenantId);
      if (setup.region && meta.region.toLowerCase() !== setup.region.toLowerCase()) {
        throw new OutpostError('REGION_MISMATCH', `The cache of tenant ${setup.tenantId} was made for region ${meta.region}, not ${setup.region}. Nothing was changed.`);
      }
      const from = schemaVersion(opened);
      const to = latestSchemaVersion;
      if (from < to) port.postMessage({ type: 'upgrading', from, to } satisfies WorkerResponse);
      // Each whole percent is posted once: the opener shows how far a long upgrade is.
      let said = 0;
      migrate(opened, setup.tenantId, to, undefined, (fraction) => {
        const percent = Math.floor(fraction * 100);
        if (percent > said) port.postMessage({ type: 'upgrading', from, to, percent: (said = percent) } satisfies WorkerResponse);
      });
    }
    writer = createWriter(db);
  } else {
    migrate(db, setup.tenantId, 0);
    assertTenant(db, setup.tenantId);
  }
}

/*
 * A streamed transaction (begin, append..., commit) holds the writer: any other write that
 * arrives meanwhile waits its turn instead of joining (and perhaps rolling back with) it.
 */
let streamOpen = false;
const waiting: WorkerRequest[] = [];
const streamOps = new Set<WorkerRequest['op']>(['append', 'commit', 'rollback', 'query', 'info', 'close']);

/**
 * The audit log's newest entry, kept beside the cache file: cutting entries off the end of
 * the log (which leaves a valid chain) no longer matches it. It holds two hashes' worth of
 * text, nothing of the tenant's.
 */
function anchorAudit(head: { seq: number; hash: string }): void {
  const file = auditAnchorFile(setup.file);
  writeFileSync(`${file}.tmp`, `${head.seq} ${head.hash}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

function theWriter(): CacheWriter {
  if (!writer) throw new OutpostError('INTERNAL', 'Writes go to the writer thread.');
  return writer;
}

/** Ends an open stream without its rows, and the writer forgets what it tallied of them. */
function rollbackStream(): void {
  if (streamOpen && db?.inTransaction) db.exec('ROLLBACK');
  if (streamOpen) writer?.afterRollback();
  streamOpen = false;
}

/** A purge's or forget's audit entry anchored, and a WAL a reader kept from emptying noted. */
function afterRemoval<S extends { auditHead?: { seq: number; hash: string }; walEmptied: boolean }>(summary: S): S {
  if (summary.auditHead) anchorAudit(summary.auditHead);
  if (!summary.walEmptied) walToEmpty = true;
  return summary;
}

function handle(request: WorkerRequest): unknown {
  if (!db) throw new OutpostError('CACHE_CLOSED', 'The cache is closed.');
  switch (request.op) {
    case 'write': {
      const summary = theWriter().write(request.batch);
      if (summary.auditHead) anchorAudit(summary.auditHead);
      return summary;
    }
    case 'begin':
      theWriter();
      db.exec('BEGIN IMMEDIATE');
      streamOpen = true;
      return null;
    case 'append':
      if (!streamOpen) throw new OutpostError('INTERNAL', 'No transaction is open to append to.');
      return theWriter().append(request.batch);
    case 'commit': {
      if (!streamOpen) throw new OutpostError('INTERNAL', 'No transaction is open to commit.');
      const summary = request.batch ? theWriter().append(request.batch) : null;
      theWriter().beforeCommit();
      db.exec('COMMIT');
      streamOpen = false;
      // Entries committed by a stream (a bundle import's) are anchored here too, in order with
      // every other write, since this thread is the only writer.
      if (summary?.auditHead) anchorAudit(summary.auditHead);
      return summary;
    }
    case 'purge':
      theWriter();
      return afterRemoval(purgeOlderThan(db, request.cutoff, request.audit));
    case 'forgetMachinesOutside':
      theWriter();
      return afterRemoval(forgetMachinesOutside(db, request.keep, request.audit));
    case 'settle':
      theWriter();
      settle();
      return null;
    case 'checkpoint':
      theWriter();
      checkpointNow();
      return null;
    case 'copy': {
      // The copier's PASSIVE copy runs beside the writer's appends and never waits for a reader.
      const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
      return { busy: result?.busy === 1, frames: result?.log ?? 0, copied: result?.checkpointed ?? 0 };
    }
    case 'rollback':
      rollbackStream();
      return null;
    case 'query':
      return runQuery(db, request.name as QueryName, request.params as never);
    case 'info':
      return cacheInfo(db, setup.file, key !== null);
    case 'rekey': {
      // The caller has parked the new key in the keychain under the pending account first.
      const newKey = request.newKey;
      try {
        reencrypt(db, newKey);
      } finally {
        newKey.fill(0);
      }
      return null;
    }
    case 'close':
      rollbackStream();
      db.close();
      db = null;
      key?.fill(0);
      key = null;
      return null;
  }
}

try {
  start();
  port.postMessage({ type: 'ready' } satisfies WorkerResponse);
} catch (error) {
  port.postMessage({ type: 'failed', error: toData(error) } satisfies WorkerResponse);
  try {
    db?.close();
  } catch {
    // already failing; the original error is the one to report
  }
  key?.fill(0);
  port.close();
}

function answer(request: WorkerRequest): void {
  let response: WorkerResponse;
  try {
    response = { type: 'result', id: request.id, ok: true, value: handle(request) };
  } catch (error) {
    // A failed commit leaves nothing half-written: roll the stream back.
    if (streamOpen && (request.op === 'commit' || request.op === 'append') && db?.inTransaction) rollbackStream();
    response = { type: 'result', id: request.id, ok: false, error: toData(error) };
  }
  port.postMessage(response);
  if (request.op === 'close') port.close();
}

/*
 * The writer copies the WAL into the file (a checkpoint) at an idle moment once the WAL has
 * passed half its bound (256 of 512 MiB, engine.ts), or after a quiet spell. Each page a
 * checkpoint copies is decrypted from the WAL and encrypted again into the file (the cipher
 * sits in SQLite3 Multiple Ciphers' VFS), and a sync answer touches most index pages, so a
 * copy after every answer re-encrypted them every time. In-thread, 1M events, encrypted: a
 * checkpoint after every answer 16,900 events per CPU-second, the WAL's own 256 MiB bound
 * alone 25,400 (plaintext 25,700 either way). The bench, timing each answer through what the
 * writer then does idle: 0.71 of plaintext with a copy after every answer, 0.73 from 128 MiB,
 * 0.83, 0.74 and 0.75 from 256 MiB. Waiting lets one copy serve several answers; done idle,
 * it still runs while a sync waits on the network, not inside a commit. The engine's
 * wal_autocheckpoint bounds a writer that is never idle; the quiet spell bounds what a power
 * cut could take (synchronous=NORMAL makes the WAL durable at checkpoints). Where the client
 * runs a copier thread (wal-copier.ts: after each streamed commit, beside the next answer's
 * appends), these idle copies find little or nothing left, or find the copier busy and leave it.
 */
const idleMs = 100;
const quietMs = 5_000;
let idleTimer: NodeJS.Timeout | null = null;
let quietTimer: NodeJS.Timeout | null = null;
/** A purge or forget found a reader on the WAL: removed rows' older pages may still be there. */
let walToEmpty = false;

/** Empties the WAL a removal left, without waiting for readers; until it can, every quiet spell tries. */
function emptyWalNow(): void {
  if (!db) return;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout=0');
  try {
    walToEmpty = !emptyWal(db);
  } finally {
    db.pragma(`busy_timeout=${timeout}`);
  }
  if (walToEmpty) checkpointWhenQuiet();
}

function checkpointNow(): void {
  if (!db || streamOpen || db.inTransaction) return;
  if (walToEmpty) {
    emptyWalNow();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, never waits for one.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing: the next idle moment or the automatic checkpoint does it.
  }
}

/** What the writer does at an idle moment: the copy, once the WAL is big enough to be worth one. */
function settle(): void {
  if (walBytes(setup.file) >= walCopyBytes) checkpointNow();
}

/** The copy at the next quiet spell, the one timer of it (a pending one is replaced). */
function checkpointWhenQuiet(): void {
  if (quietTimer) clearTimeout(quietTimer);
  quietTimer = setTimeout(checkpointNow, quietMs);
  quietTimer.unref();
}

function checkpointWhenIdle(): void {
  if (setup.role !== 'writer') return;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(settle, idleMs);
  idleTimer.unref();
  checkpointWhenQuiet();
}

port.on('message', (request: WorkerRequest) => {
  if (streamOpen && !streamOps.has(request.op)) {
    waiting.push(request);
    return;
  }
  answer(request);
  while (!streamOpen && waiting.length > 0) answer(waiting.shift()!);
  checkpointWhenIdle();
});
