import { eventRows, huntingTables } from './columns';
import type { Db } from './engine';
import { dropUnusedMachineNumbers } from './machine-numbers';
import type { AuditRecord } from './records';
import { appendAudit } from './writer-analyst';

/*
 * What every removal of cached rows shares, whatever chose the rows (the retention purge by
 * time, purge.ts; a narrowed sync scope by machine, forget-machines.ts): event rows go by
 * rowid with their search entries and their share of the file / account summaries, file
 * profiles nothing kept names go with them, the search index is rewritten, the freed pages
 * are handed back and the WAL is emptied, so no removed row survives anywhere in the file.
 */

/*
 * A removal touches nearly every page when its rows are spread through each table and index
 * (a hunting answer holds all the days of its machines). With the writer's 128 MiB cache most
 * pages were read (decrypted), spilled (encrypted) and read again within the transaction;
 * 512 MiB measured 38.3 -> 28.1 CPU-seconds together with the bulk search delete below (1M
 * events, a third removed). Only once there is something to delete: the purge after every
 * sync and open usually finds nothing, and its scans would otherwise fill the larger cache
 * (the sync's peak RSS went from ~400 to 754 MB). SQLite hands the memory back when the size
 * is set back.
 */
const bigRemovalCacheKiB = 512 * 1024;
/*
 * ...and only for a big removal. The purge that ends a sync usually removes the few rows that
 * aged out while it ran, but then rewrites the whole search index ('optimize' below), which
 * filled the larger cache: the sync's peak RSS was 851 MB at 1M events. A small removal keeps
 * the writer's cache and spills instead. The size is decided on the whole removal: per table,
 * a third of 1M events is 31,000-89,000 rows, so a per-table threshold never raised it (bench
 * 29 s against 19 s in-thread).
 */
const bigRemovalRows = 100_000;

export interface Removal {
  /** The event rows found to remove, all tables together: a big removal gets a larger page cache. */
  expectEvents(rows: number): void;
}

/** An entry's own detail, when it is an object, to add the removal's counts to. */
export function detailOf(audit: AuditRecord): Record<string, unknown> {
  return typeof audit.detail === 'object' && audit.detail !== null ? (audit.detail as Record<string, unknown>) : {};
}

export interface RemovalOutcome {
  removed: Record<string, number>;
  freedPages: number;
}

/**
 * Runs `remove` in one write transaction, then removes the file profiles nothing kept names,
 * rewrites the search index when anything went, vacuums, and empties the WAL. When anything
 * went, `record` makes the audit entry that says so, chained in the same transaction: no
 * removal without its entry, no entry for a removal that rolled back.
 * Deletes, the index rewrite and the vacuum share the transaction: a page the vacuum moves or
 * the deletes changed reaches the WAL once, and freed pages past the new end of the file are
 * never written (each WAL page costs an encryption, and the checkpoint a decryption and
 * another encryption). Measured against committing the deletes first: 28.1 -> 23.6
 * CPU-seconds on the same 1M-event copy.
 */
export function removeInOneTransaction(
  db: Db,
  remove: (removal: Removal) => Record<string, number>,
  record?: (outcome: RemovalOutcome) => AuditRecord,
): RemovalOutcome & { auditHead?: { seq: number; hash: string }; walEmptied: boolean } {
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  try {
    let removed: Record<string, number> = {};
    let freedPages = 0;
    let auditHead: { seq: number; hash: string } | undefined;
    db.transaction(() => {
      removed = remove({
        expectEvents: (rows) => {
          if (rows >= bigRemovalRows) db.pragma(`cache_size=-${bigRemovalCacheKiB}`);
        },
      });
      // Nothing went (the purge at every open, usually): no profile lost its last name, no page
      // holds a removed row, so no tidying, vacuum or checkpoint (the file profiles' check alone
      // reads four indexes whole).
      if (Object.keys(removed).length === 0) return;
      dropUnusedMachineNumbers(db, storedEvents);
      const files = forgetUnnamedFiles(db);
      if (files > 0) removed.files = files;
      // The contentless search index keeps a deleted row's words in its segments until they
      // are merged: rewrite them, so no removed command line or path survives in the index.
      db.prepare("INSERT INTO search(search) VALUES ('optimize')").run();
      const before = db.pragma('freelist_count', { simple: true }) as number;
      db.pragma('incremental_vacuum');
      freedPages = Math.max(0, before - (db.pragma('freelist_count', { simple: true }) as number));
      if (record) auditHead = appendAudit(db, [record({ removed, freedPages })]) ?? undefined;
    }).immediate();
    // Copies the new pages into the file and empties the WAL, where older versions of the
    // removed pages could otherwise survive.
    const walEmptied = Object.keys(removed).length === 0 || emptyWal(db);
    return { removed, freedPages, auditHead, walEmptied };
  } finally {
    db.pragma(`cache_size=${cacheSize}`);
  }
}

/**
 * Copies the WAL into the file and empties it (TRUNCATE). False when a reader still held an
 * older snapshot past the busy timeout: SQLite then reports busy instead of failing, and the
 * WAL, with whatever older pages it holds, stays (the writer tries again, worker.ts).
 */
export function emptyWal(db: Db): boolean {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
  return result?.busy === 0;
}

const storedEvents = Object.values(huntingTables).map(({ table }) => eventRows(table));

/**
 * Removes these rows of one event table (`searchKind`: its kind in the search index's rowid),
 * inside the caller's transaction; returns how many went. The caller takes them off the file /
 * account summaries before, and settles the pairs left with none after (key-machines.ts: by
 * time for the purge, by rows for a forgotten machine).
 */
export function removeEventRows(db: Db, table: string, searchKind: number, rowids: readonly number[]): number {
  if (rowids.length === 0) return 0;
  const list = JSON.stringify(rowids);
  // Their search entries first, in one statement: the same deletes the row trigger would make
  // one sub-program at a time, measured about a fifth cheaper. The trigger is set aside
  // meanwhile: it would then look for each entry again and find nothing, which measured 16% of
  // the whole purge (22.0 -> 18.5 CPU-s, a third of 1M events).
  db.prepare(`DELETE FROM search WHERE rowid IN (SELECT value * 16 + ${searchKind} FROM json_each(?))`).run(list);
  const rows = eventRows(table);
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%search_delete'").all(rows) as Array<{ name: string; sql: string }>;
  for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
  const { changes } = db.prepare(`DELETE FROM ${rows} WHERE rowid IN (SELECT value FROM json_each(?))`).run(list);
  for (const trigger of triggers) db.exec(trigger.sql);
  return changes;
}

/** A file profile stays while anything kept still names its SHA-1. */
function forgetUnnamedFiles(db: Db): number {
  return db
    .prepare(
      `DELETE FROM files WHERE sha1 NOT IN (SELECT sha1 FROM evidence WHERE sha1 IS NOT NULL)
         AND sha1 NOT IN (SELECT sha1 FROM process_events_rows WHERE sha1 IS NOT NULL)
         AND sha1 NOT IN (SELECT initiating_process_sha1 FROM process_events_rows WHERE initiating_process_sha1 IS NOT NULL)
         AND sha1 NOT IN (SELECT sha1 FROM file_events_rows WHERE sha1 IS NOT NULL)`,
    )
    .run().changes;
}
