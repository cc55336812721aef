import { eventRows, huntingTables } from './columns';
import type { Db } from './engine';
import { mayHoldEventsBefore, raiseBound } from './event-bounds';
import { afterPurge, beforePurge } from './key-machines';
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
const eventTables: ReadonlyArray<[table: string, searchKind: number | null]> = [
  ['process_events', huntingTables.processEvents.kind],
  ['file_events', huntingTables.fileEvents.kind],
  ['registry_events', huntingTables.registryEvents.kind],
  ['network_events', huntingTables.networkEvents.kind],
  ['logon_events', huntingTables.logonEvents.kind],
  ['device_info', null], // nothing of it is searchable
];
const byTime: ReadonlyArray<[table: string, where: string]> = [
  ['alerts', 'coalesce(last_update_time, alert_creation_time) < @cutoff'],
  ['logon_users', 'last_seen < @cutoff'],
  ['machines', 'last_seen < @cutoff'],
  ['ip_addresses', 'last_seen < @cutoff'],
  ['urls', 'last_seen < @cutoff'],
  ['domains', 'last_seen < @cutoff'],
];

/**
 * The rowids of a table's events before the cutoff. The event bounds (event-bounds.ts) say
 * first whether the table can hold any: at every open it usually cannot, and is not read.
 * Otherwise one index seek per machine: the events' key leads with (machine, time), so each
 * machine's old events are the start of its range, and the machines are the numbered ones
 * (machine-numbers.ts; CROSS JOIN keeps them the outer loop). `WHERE timestamp < cutoff` read
 * every page of every event table.
 */
function eventsBefore(db: Db, table: string, cutoff: string): number[] {
  if (!mayHoldEventsBefore(db, table, cutoff)) return [];
  return db
    .prepare(
      `SELECT event.rowid FROM machine_numbers AS machine CROSS JOIN ${eventRows(table)} AS event ON event.machine = machine.number AND event.timestamp < @cutoff`,
    )
    .pluck()
    .all({ cutoff }) as number[];
}

export interface PurgeSummary {
  cutoff: string;
  removed: Record<string, number>;
  freedPages: number;
  /** The audit log's new head, when the purge removed anything and was given its entry. */
  auditHead?: { seq: number; hash: string };
  /** false: a reader held the WAL, where older versions of removed pages survive; the writer empties it later (remove-rows.ts emptyWal). */
  walEmptied: boolean;
}

/** `audit`: the entry to record when anything goes; the cutoff and the counts join its detail. */
export function purgeOlderThan(db: Db, cutoff: string, audit?: AuditRecord): PurgeSummary {
  const { removed, freedPages, auditHead, walEmptied } = removeInOneTransaction(db, (removal) => {
    const removed: Record<string, number> = {};
    // One pass per event table finds its rows; none (the usual case) and it is left alone.
    const found = new Map(eventTables.map(([table]) => [table, eventsBefore(db, table, cutoff)]));
    removal.expectEvents([...found.values()].reduce((sum, rowids) => sum + rowids.length, 0));
    const count = (table: string, changes: number) => {
      if (changes > 0) removed[table] = changes;
    };
    const summarized = eventTables.some(([table, searchKind]) => searchKind !== null && found.get(table)!.length > 0);
    if (summarized) beforePurge(db, cutoff);
    for (const [table, searchKind] of eventTables) {
      const rowids = found.get(table)!;
      if (rowids.length === 0) continue;
      if (searchKind !== null) count(table, removeEventRows(db, table, searchKind, rowids));
      else count(table, db.prepare(`DELETE FROM ${eventRows(table)} WHERE rowid IN (SELECT value FROM json_each(?))`).run(JSON.stringify(rowids)).changes);
      raiseBound(db, table, cutoff);
    }
    if (summarized) afterPurge(db, cutoff);
    for (const [table, where] of byTime) count(table, db.prepare(`DELETE FROM ${table} WHERE ${where}`).run({ cutoff }).changes);
    return removed;
  }, audit && ((outcome) => ({ ...audit, detail: { ...detailOf(audit), cutoff, ...outcome } })));
  return { cutoff, removed, freedPages, auditHead, walEmptied };
}
