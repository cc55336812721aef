import { huntingTables } from './columns';
import type { Db } from './engine';
import { afterPurge } from './key-machines';
import type { AuditRecord } from './records';
import { detailOf, removeEventRows, removeInOneTransaction } from './remove-rows';

/**
 * Removing what the tenant's retention no longer allows, by the time that fits each table:
 * events by their own time, alerts by their last update (evidence goes with them), pivots
 * and machines by when they were last seen. The search index follows (events' entries in
 * one statement per table, the rest through the delete triggers). secure_delete zeroes the
 * freed pages; the checkpoint then empties the WAL so no old page survives there, and the
 * incremental vacuum gives the pages back to the disk (remove-rows.ts).
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
  /** The audit log's new head, when the purge removed anything and was given its entry. */
  auditHead?: { seq: number; hash: string };
}

/** `audit`: the entry to record when anything goes; the cutoff and the counts join its detail. */
export function purgeOlderThan(db: Db, cutoff: string, audit?: AuditRecord): PurgeSummary {
  const { removed, freedPages, auditHead } = removeInOneTransaction(db, (removal) => {
    const removed: Record<string, number> = {};
    // One scan per event table finds its rows; none (the usual case) and it is left alone.
    const found = new Map<string, number[]>();
    for (const [table, where, searchKind] of byTime) {
      if (searchKind !== undefined) found.set(table, db.prepare(`SELECT rowid FROM ${table} WHERE ${where}`).pluck().all({ cutoff }) as number[]);
    }
    removal.expectEvents([...found.values()].reduce((sum, rowids) => sum + rowids.length, 0));
    for (const [table, where, searchKind] of byTime) {
      const changes = searchKind === undefined
        ? db.prepare(`DELETE FROM ${table} WHERE ${where}`).run({ cutoff }).changes
        : removeEventRows(db, table, searchKind, found.get(table) ?? []);
      if (changes > 0) removed[table] = changes;
    }
    if (byTime.some(([table, , searchKind]) => searchKind !== undefined && removed[table])) afterPurge(db, cutoff);
    return removed;
  }, audit && ((outcome) => ({ ...audit, detail: { ...detailOf(audit), cutoff, ...outcome } })));
  return { cutoff, removed, freedPages, auditHead };
}
