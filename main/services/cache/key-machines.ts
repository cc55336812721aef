import { eventRows } from './columns';
import type { Db } from './engine';
import { deviceIdOfMachine, machineIs } from './machine-numbers';

/*
 * "Which machines saw this file / this account, how often, first and last when": the file and
 * account pivots read it from two small tables (migration 0003) instead of counting every event
 * of the key, which grows with the key (SYSTEM has 130,000 processes at a million events) and
 * with the fleet. The writer keeps them: it tallies the events it inserts per (key, source,
 * machine) over one transaction (a 90,000-row sync answer holds about 1,300 distinct file ×
 * machine pairs, so the tables cost an upsert per 70 events, not one per event as the triggers
 * measured in 0002 did), and writes the tally just before the transaction commits. The purge
 * takes the removed events off in one grouped statement per table.
 */

/** Where a key was seen: the event table it came from. */
export const keySources = {
  fileProcesses: { table: 'process_events', summary: 'file_machines', source: 1 },
  fileEvents: { table: 'file_events', summary: 'file_machines', source: 2 },
  accountProcesses: { table: 'process_events', summary: 'account_machines', source: 1 },
  accountLogons: { table: 'logon_events', summary: 'account_machines', source: 2 },
} as const;
export type KeySource = keyof typeof keySources;

/*
 * Each summary's key: its columns, how an event row gives them (an account's missing domain is
 * stored as '', since a key column cannot be NULL), and the conditions that match a summary
 * row's key in its events (either of them; the machine is matched beside them), which the
 * (key..., machine, timestamp) indexes of 0002 serve.
 */
const keyOf = {
  file_machines: {
    columns: ['sha1'],
    fromRow: ['sha1'],
    groupBy: 'sha1',
    present: "sha1 IS NOT NULL AND sha1 <> ''",
    keyIn: (s: string) => [`sha1 = ${s}.sha1`],
  },
  account_machines: {
    columns: ['account_name', 'account_domain'],
    fromRow: ['account_name', "ifnull(account_domain, '')"],
    groupBy: "account_name COLLATE NOCASE, ifnull(account_domain, '') COLLATE NOCASE",
    present: "account_name IS NOT NULL AND account_name <> ''",
    keyIn: (s: string) => {
      const name = `account_name = ${s}.account_name COLLATE NOCASE`;
      return [`${name} AND account_domain = ${s}.account_domain COLLATE NOCASE`, `${s}.account_domain = '' AND ${name} AND account_domain IS NULL`];
    },
  },
} as const;

interface Tally {
  summary: 'file_machines' | 'account_machines';
  key: string[];
  source: number;
  device: string;
  events: number;
  first: string;
  last: string;
  name: string | null;
}

export class KeyMachineTally {
  private readonly tallies = new Map<string, Tally>();

  /** One inserted event. Keys compare exactly here; the tables' NOCASE columns merge account spellings. */
  add(from: KeySource, key: Array<unknown>, device: string, time: string, name: unknown): void {
    if (typeof key[0] !== 'string' || key[0] === '') return;
    const { summary, source } = keySources[from];
    const parts = summary === 'account_machines' ? [key[0], typeof key[1] === 'string' ? key[1] : ''] : [key[0]];
    const id = `${summary}\u0000${source}\u0000${device}\u0000${parts.join('\u0000')}`;
    const tally = this.tallies.get(id);
    const deviceName = typeof name === 'string' ? name : null;
    if (!tally) {
      this.tallies.set(id, { summary, key: parts, source, device, events: 1, first: time, last: time, name: deviceName });
      return;
    }
    tally.events++;
    if (time < tally.first) tally.first = time;
    if (time >= tally.last) {
      tally.last = time;
      tally.name = deviceName;
    }
  }

  /** Writes the tally into the open transaction and starts a new one. */
  flush(db: Db): void {
    if (this.tallies.size === 0) return;
    const statements = {
      file_machines: upsert(db, 'file_machines'),
      account_machines: upsert(db, 'account_machines'),
    };
    for (const t of this.tallies.values()) statements[t.summary].run(...t.key, t.source, t.device, t.events, t.first, t.last, t.name);
    this.tallies.clear();
  }

  /** The transaction rolled back: its events were never written. */
  discard(): void {
    this.tallies.clear();
  }
}

function upsert(db: Db, summary: keyof typeof keyOf) {
  const key = keyOf[summary].columns;
  // SET sees the row as it was, so the name follows the later of the two last sightings.
  return db.prepare(`INSERT INTO ${summary} (${key.join(', ')}, source, device_id, events, first_seen, last_seen, device_name)
    VALUES (${key.map(() => '?').join(', ')}, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO UPDATE SET events = events + excluded.events, first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen),
      device_name = CASE WHEN excluded.last_seen >= last_seen THEN excluded.device_name ELSE device_name END`);
}

/** A summary row's figures from its events; the name is the one at the latest event. */
const spans = `count(*) AS n, min(timestamp) AS first_seen,
  nullif(substr(max(timestamp || '|' || ifnull(device_name, '')), length(max(timestamp)) + 2), '') AS device_name, max(timestamp) AS last_seen`;

/** How a grouped read names the machine: by device id (an event table's view), or by number from its stored rows. */
const byDeviceId = { select: 'device_id', group: 'device_id' };
const byNumber = { select: deviceIdOfMachine, group: 'machine' };

/** A table's events grouped by a summary's key and machine (only the count, for a purge: it only subtracts). */
const grouped = (table: string, summary: keyof typeof keyOf, where: string, figures = spans, device = byDeviceId) => {
  const { columns, fromRow, groupBy, present } = keyOf[summary];
  return `SELECT ${fromRow.map((f, i) => `${f} AS ${columns[i]}`).join(', ')}, ${device.select}, ${figures}
    FROM ${table} WHERE ${present} AND ${where} GROUP BY ${groupBy}, ${device.group}`;
};

/**
 * The summaries computed from the events themselves: for a cache written before 0003, and to
 * check the writer's. It reads the tables by their names, which are views from 0006 on.
 */
export function rebuildKeyMachines(db: Db): void {
  db.exec('DELETE FROM file_machines; DELETE FROM account_machines;');
  for (const { table, summary, source } of Object.values(keySources)) {
    const { columns } = keyOf[summary];
    db.exec(`INSERT INTO ${summary} (${columns.join(', ')}, source, device_id, events, first_seen, last_seen, device_name)
      SELECT ${columns.join(', ')}, ${source}, device_id, n, first_seen, last_seen, device_name FROM (${grouped(table, summary, 'true')})`);
  }
}

/** A summary row's events in `table`'s stored rows, each key condition with the row's machine number beside it. */
function eventsOfPair(table: string, summary: keyof typeof keyOf, where: string): string[] {
  return keyOf[summary].keyIn(summary).map((key) => `FROM ${eventRows(table)} WHERE ${key} AND ${machineIs(`${summary}.device_id`)} AND ${where}`);
}

/**
 * Before rows of `table` are removed by machine (forget-machines.ts): their events come off each
 * (key, machine)'s count in one grouped statement, read from the stored rows (a machine's id is
 * looked up once per group, not joined to each row). `afterForget` then drops the pairs left
 * with none.
 */
export function beforeRemoval(db: Db, table: string, rowids: string): void {
  for (const { table: from, summary, source } of Object.values(keySources)) {
    if (from !== table) continue;
    const { columns } = keyOf[summary];
    db.prepare(`WITH gone AS (${grouped(eventRows(table), summary, 'rowid IN (SELECT value FROM json_each(?))', 'count(*) AS n', byNumber)})
      UPDATE ${summary} SET events = events - gone.n FROM gone
      WHERE ${columns.map((c) => `${summary}.${c} = gone.${c}`).join(' AND ')} AND ${summary}.source = ${source} AND ${summary}.device_id = gone.device_id`).run(rowids);
  }
}

/**
 * Before the retention purge removes every event older than the cutoff: each (key, machine)
 * first seen before it loses its events before it, counted on its own range of the (key,
 * machine, time) index. Grouping the removed rows instead read each of them from its table
 * page and sorted them, twice for the process events (1.3 s of a 1M purge).
 */
export function beforePurge(db: Db, cutoff: string): void {
  for (const { table, summary, source } of Object.values(keySources)) {
    const older = eventsOfPair(table, summary, 'timestamp < @cutoff').map((events) => `(SELECT count(*) ${events})`).join(' + ');
    db.prepare(`UPDATE ${summary} SET events = events - (${older}) WHERE source = ${source} AND first_seen < @cutoff`).run({ cutoff });
  }
}

/** After the purge: the pairs left with no events go, and those that lost some get their new first sighting (a seek each). */
export function afterPurge(db: Db, cutoff: string): void {
  for (const { table, summary, source } of Object.values(keySources)) {
    db.prepare(`DELETE FROM ${summary} WHERE source = ${source} AND (events <= 0 OR last_seen < ?)`).run(cutoff);
    const first = eventsOfPair(table, summary, 'true').map((events) => `SELECT min(timestamp) AS t ${events}`).join(' UNION ALL ');
    db.prepare(`UPDATE ${summary} SET first_seen = (SELECT min(t) FROM (${first})) WHERE source = ${source} AND first_seen < ?`).run(cutoff);
  }
}

/**
 * After machines were forgotten (forget-machines.ts): every event of theirs came off by
 * `beforeRemoval`, so their pairs are left with none, and the kept machines' pairs are untouched
 * (a pair is one machine's), first sightings included.
 */
export function afterForget(db: Db): void {
  for (const summary of Object.keys(keyOf)) db.prepare(`DELETE FROM ${summary} WHERE events <= 0`).run();
}
