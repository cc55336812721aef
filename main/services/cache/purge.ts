import type { Db } from './engine';

/**
 * Removing what the tenant's retention no longer allows, by the time that fits each table:
 * events by their own time, alerts by their last update (evidence goes with them), pivots
 * and machines by when they were last seen. The search index follows through the delete
 * triggers. secure_delete zeroes the freed pages; the checkpoint then empties the WAL so no
 * old page survives there, and the incremental vacuum gives the pages back to the disk.
 */
const byTime: ReadonlyArray<[table: string, where: string]> = [
  ['process_events', 'timestamp < @cutoff'],
  ['file_events', 'timestamp < @cutoff'],
  ['registry_events', 'timestamp < @cutoff'],
  ['network_events', 'timestamp < @cutoff'],
  ['logon_events', 'timestamp < @cutoff'],
  ['device_info', 'timestamp < @cutoff'],
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

export function purgeOlderThan(db: Db, cutoff: string): PurgeSummary {
  const removed: Record<string, number> = {};
  db.transaction(() => {
    for (const [table, where] of byTime) {
      const { changes } = db.prepare(`DELETE FROM ${table} WHERE ${where}`).run({ cutoff });
      if (changes > 0) removed[table] = changes;
    }
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
  }).immediate();
  // The contentless search index keeps a deleted row's words in its segments until they are
  // merged: rewrite them, so no purged command line or path survives in the index.
  if (Object.keys(removed).length > 0) db.prepare("INSERT INTO search(search) VALUES ('optimize')").run();
  const before = db.pragma('freelist_count', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('incremental_vacuum');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const after = db.pragma('freelist_count', { simple: true }) as number;
  return { cutoff, removed, freedPages: Math.max(0, before - after) };
}
