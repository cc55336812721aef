import { eventRows, huntingTables } from './columns';
import type { Db } from './engine';
import { afterForget, beforeRemoval } from './key-machines';
import type { AuditRecord } from './records';
import { detailOf, removeEventRows, removeInOneTransaction } from './remove-rows';

/**
 * After the analyst narrows the sync scope, the cache holds only the new scope's machines:
 * everything of any other machine goes, in one transaction, the way the retention purge
 * removes rows (remove-rows.ts: search entries, file / account summaries, file profiles
 * nothing kept names, the index rewrite, the vacuum, the emptied WAL). A field laptop then
 * carries nothing of the devices it no longer investigates.
 */
export interface ForgetSummary {
  /** Machines the cache held anything of and now holds nothing of. */
  machines: number;
  /** Rows removed per table. */
  removed: Record<string, number>;
  freedPages: number;
  /** The audit log's new head, when anything went and the entry was given. */
  auditHead?: { seq: number; hash: string };
  /** As for the purge (purge.ts). */
  walEmptied: boolean;
}

/*
 * What hangs off a machine besides its events, by the column naming it. Evidence goes with its
 * alert, tags and IP addresses with their machine (ON DELETE CASCADE); they are counted first
 * so the summary says what went.
 */
const byMachine: ReadonlyArray<[table: string, column: string, cascades?: ReadonlyArray<[table: string, where: string]>]> = [
  ['alerts', 'machine_id', [['evidence', 'alert_id IN (SELECT id FROM alerts WHERE machine_id NOT IN (SELECT value FROM json_each(@keep)))']]],
  ['logon_users', 'machine_id'],
  ['machines', 'id', [
    ['machine_tags', 'machine_id NOT IN (SELECT value FROM json_each(@keep))'],
    ['machine_ip_addresses', 'machine_id NOT IN (SELECT value FROM json_each(@keep))'],
  ]],
];

/**
 * Removes every row of a machine not in `keep` (machine ids); see above. `audit`: the entry to
 * record when anything goes; how many machines and rows join its detail, never which.
 */
export function forgetMachinesOutside(db: Db, keep: readonly string[], audit?: AuditRecord): ForgetSummary {
  const params = { keep: JSON.stringify(keep) };
  const outside = (column: string) => `${column} NOT IN (SELECT value FROM json_each(@keep))`;
  const forgotten = new Set<string>();
  const result = removeInOneTransaction(db, (removal) => {
    const removed: Record<string, number> = {};
    const count = (table: string, n: number) => {
      if (n > 0) removed[table] = (removed[table] ?? 0) + n;
    };
    // The forgotten machines' ranges of each event table's key (machine first) are the rows.
    const found = new Map<string, number[]>();
    for (const { table } of Object.values(huntingTables)) {
      const rows = db.prepare(`SELECT event.rowid, machine.device_id FROM machine_numbers AS machine CROSS JOIN ${eventRows(table)} AS event
        ON event.machine = machine.number WHERE ${outside('machine.device_id')}`).raw().all(params) as Array<[number, string]>;
      for (const [, device] of rows) forgotten.add(device);
      found.set(table, rows.map(([rowid]) => rowid));
    }
    removal.expectEvents([...found.values()].reduce((sum, rowids) => sum + rowids.length, 0));
    for (const { table, kind } of Object.values(huntingTables)) {
      const rowids = found.get(table) ?? [];
      if (rowids.length > 0) beforeRemoval(db, table, JSON.stringify(rowids));
      count(table, removeEventRows(db, table, kind, rowids));
    }
    afterForget(db);

    for (const [table, column, cascades] of byMachine) {
      const ids = db.prepare(`SELECT DISTINCT ${column} FROM ${table} WHERE ${outside(column)}`).pluck().all(params) as string[];
      for (const id of ids) forgotten.add(id);
      for (const [cascade, where] of cascades ?? []) count(cascade, db.prepare(`SELECT count(*) FROM ${cascade} WHERE ${where}`).pluck().get(params) as number);
      count(table, db.prepare(`DELETE FROM ${table} WHERE ${outside(column)}`).run(params).changes);
    }
    // A group's name stays only while a kept machine is in it.
    count('device_groups', db.prepare('DELETE FROM device_groups WHERE rbac_group_id NOT IN (SELECT rbac_group_id FROM machines WHERE rbac_group_id IS NOT NULL)').run().changes);
    // The logged-on users' fetch marks name the machine: one back in a later scope fetches again.
    db.prepare(`DELETE FROM sync_checkpoints WHERE stream LIKE 'logon-users:%' AND ${outside("substr(stream, length('logon-users:') + 1)")}`).run(params);
    forgetUnnamedPivots(db, count);
    return removed;
  }, audit && ((outcome) => ({ ...audit, detail: { ...detailOf(audit), machines: forgotten.size, ...outcome } })));
  return { machines: forgotten.size, ...result };
}

/**
 * The IP addresses, URLs and domains only forgotten rows named. Their first and last
 * sightings may still span the forgotten machines' rows; the purge ages them out.
 */
function forgetUnnamedPivots(db: Db, count: (table: string, n: number) => void): void {
  count('ip_addresses', db.prepare(`DELETE FROM ip_addresses WHERE address NOT IN (
      SELECT remote_ip FROM network_events_rows WHERE remote_ip IS NOT NULL UNION ALL
      SELECT remote_ip FROM logon_events_rows WHERE remote_ip IS NOT NULL UNION ALL
      SELECT file_origin_ip FROM file_events_rows WHERE file_origin_ip IS NOT NULL UNION ALL
      SELECT ip_address FROM evidence WHERE ip_address IS NOT NULL)`).run().changes);
  count('urls', db.prepare(`DELETE FROM urls WHERE url NOT IN (
      SELECT remote_url FROM network_events_rows WHERE remote_url <> '' UNION ALL
      SELECT file_origin_url FROM file_events_rows WHERE file_origin_url IS NOT NULL UNION ALL
      SELECT url FROM evidence WHERE url IS NOT NULL)`).run().changes);
  count('domains', db.prepare('DELETE FROM domains WHERE domain NOT IN (SELECT domain FROM urls WHERE domain IS NOT NULL)').run().changes);
}
