import { huntingTables } from './columns';
import type { Db } from './engine';
import { afterPurge, beforePurge } from './key-machines';

/**
 * Removing what the tenant's retention no longer allows, by the time that fits each table:
 * events by their own time, alerts by their last update (evidence goes with them), pivots
 * and machines by when they were last seen. The search index follows (events' entries in
 * one statement per table, the rest through the delete triggers). secure_delete zeroes the
 * freed pages; the checkpoint then empties the WAL so no old page survives there, and the
 * incremental vacuum gives the pages back to the disk.
 */
const byTime: ReadonlyArray<[table: string, where: string, searchKind?: number]> = [
  ['process_events', 'timestamp < @cutoff', huntingTables.processEvents.kind],
  ['file_events', 'timestamp < @cutoff', huntingTables.fileEvents.kind],
  ['registry_events', 'timestamp < @cutoff', huntingTables.registryEvents.kind],
  ['network_events', 'timestamp < @cutoff', huntingTables.networkEvents.kind],
  ['logon_events', 'timestamp < @cutoff', huntingTables.logonEvents.kind],
  ['device_info', 'timestamp < @cutoff'], // nothing of it is searchable
  ['alerts', 'coalesce(last_update_time, alert_creation_time) < @cutoff'],
  ['logon_users', 'last_seen < @cutoff'],
  ['machines', 'last_seen < @cutoff'],
  ['ip_addresses', 'last_seen < @cutoff'],
  ['urls', 'last_seen < @cutoff'],
  ['domains', 'last_seen < @cutoff'],
];

export interface PurgeSummary {
  cutoff: string;
  removed: Record<string, number>;
  freedPages: number;
}

/*
 * A purge at a cutoff in time touches nearly every page: a hunting answer holds all the days
 * of its machines, so old rows are spread through each table and index. With the writer's
 * 128 MiB cache most pages were read (decrypted), spilled (encrypted) and read again within
 * the transaction; 512 MiB measured 38.3 -> 28.1 CPU-seconds together with the bulk search
 * delete below (1M events, a third removed). Only once there is something to delete: the
 * purge after every sync and open usually finds nothing, and its scans would otherwise fill
 * the larger cache (the sync's peak RSS went from ~400 to 754 MB). SQLite hands the memory
 * back when the size is set back.
 */
const purgeCacheKiB = 512 * 1024;
/*
 * ...and only for a big purge. The purge that ends a sync usually removes the few rows that
 * aged out while it ran, but then rewrites the whole search index ('optimize' below), which
 * filled the larger cache: the sync's peak RSS was 851 MB at 1M events. A small purge keeps
 * the writer's cache and spills instead.
 */
const bigPurgeRows = 100_000;

export function purgeOlderThan(db: Db, cutoff: string): PurgeSummary {
  const removed: Record<string, number> = {};
  let freedPages = 0;
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  try {
    /*
     * Deletes, the index rewrite and the vacuum in one transaction: a page the vacuum moves or
     * the deletes changed reaches the WAL once, and freed pages past the new end of the file
     * are never written (each WAL page costs an encryption, and the checkpoint a decryption
     * and another encryption). Measured against committing the deletes first: 28.1 -> 23.6
     * CPU-seconds on the same 1M-event copy.
     */
    db.transaction(() => {
      // One scan per event table finds its rows; none (the usual case) and it is left alone.
      // The cache is sized on the whole purge: per table, a third of 1M events is 31,000-89,000
      // rows, so a per-table threshold never raised it (bench 29 s against 19 s in-thread).
      const found = new Map<string, number[]>();
      for (const [table, where, searchKind] of byTime) {
        if (searchKind !== undefined) found.set(table, db.prepare(`SELECT rowid FROM ${table} WHERE ${where}`).pluck().all({ cutoff }) as number[]);
      }
      if ([...found.values()].reduce((sum, rowids) => sum + rowids.length, 0) >= bigPurgeRows) db.pragma(`cache_size=-${purgeCacheKiB}`);
      for (const [table, where, searchKind] of byTime) {
        if (searchKind === undefined) {
          const { changes } = db.prepare(`DELETE FROM ${table} WHERE ${where}`).run({ cutoff });
          if (changes > 0) removed[table] = changes;
          continue;
        }
        const rowids = found.get(table) ?? [];
        if (rowids.length === 0) continue;
        const list = JSON.stringify(rowids);
        // Their search entries first, in one statement: the same deletes the row trigger
        // would make one sub-program at a time, measured about a fifth cheaper. The trigger
        // is set aside meanwhile: it would then look for each entry again and find nothing,
        // which measured 16% of the whole purge (22.0 -> 18.5 CPU-s, a third of 1M events).
        db.prepare(`DELETE FROM search WHERE rowid IN (SELECT value * 16 + ${searchKind} FROM json_each(?))`).run(list);
        beforePurge(db, table, list);
        const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE '%search_delete'").all(table) as Array<{ name: string; sql: string }>;
        for (const trigger of triggers) db.exec(`DROP TRIGGER ${trigger.name}`);
        const { changes } = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?))`).run(list);
        for (const trigger of triggers) db.exec(trigger.sql);
        if (changes > 0) removed[table] = changes;
      }
      if (byTime.some(([table, , searchKind]) => searchKind !== undefined && removed[table])) afterPurge(db, cutoff);
      // A file profile stays while anything kept still names its SHA-1.
      const { changes } = db
        .prepare(
          `DELETE FROM files WHERE sha1 NOT IN (SELECT sha1 FROM evidence WHERE sha1 IS NOT NULL)
             AND sha1 NOT IN (SELECT sha1 FROM process_events WHERE sha1 IS NOT NULL)
             AND sha1 NOT IN (SELECT initiating_process_sha1 FROM process_events WHERE initiating_process_sha1 IS NOT NULL)
             AND sha1 NOT IN (SELECT sha1 FROM file_events WHERE sha1 IS NOT NULL)`,
        )
        .run();
      if (changes > 0) removed.files = changes;
      // The contentless search index keeps a deleted row's words in its segments until they
      // are merged: rewrite them, so no purged command line or path survives in the index.
      if (Object.keys(removed).length > 0) db.prepare("INSERT INTO search(search) VALUES ('optimize')").run();
      const before = db.pragma('freelist_count', { simple: true }) as number;
      db.pragma('incremental_vacuum');
      freedPages = Math.max(0, before - (db.pragma('freelist_count', { simple: true }) as number));
    }).immediate();
    // Copies the new pages into the file and empties the WAL, where older versions of the
    // purged pages could otherwise survive.
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { cutoff, removed, freedPages };
  } finally {
    db.pragma(`cache_size=${cacheSize}`);
  }
}
