import type { Db } from './engine';

/*
 * The grouped entity pivots (file / account -> machines, IP / URL / domain -> connections),
 * computed from short index ranges of 0002-pivot-indexes so a page costs about its own size,
 * not the key's event count (the busiest keys have 50,000-130,000 events and every key of a
 * real fleet is busy: a handful of IPs, hashes and accounts carry most events).
 * Results and order are those of the plain GROUP BY they replace (test/investigate/pivots.test.ts
 * compares them), with three differences: ties are broken by device (and process); a device's
 * name is the one at its latest event, not the greatest; and a connection row is a process
 * (device, id, creation time), not also its image name and hash, which a process has one of.
 */

type Row = Record<string, unknown>;
type Page = { limit: number; offset: number };
type Paged = { rows: Row[]; hasMore: boolean };

const ids = (rows: Row[], column = 'id') => JSON.stringify(rows.map((row) => row[column]));

/**
 * The devices with events of a key in one table, each with its first and last event: a skip
 * scan over the (key..., device_id, timestamp) index, one seek per device and end, never the
 * events between. `match` is the key's equality on the leading columns.
 */
function deviceSpans(db: Db, table: string, match: string, params: Row): Row[] {
  return db.prepare(`WITH RECURSIVE d(id) AS (
      SELECT (SELECT device_id FROM ${table} WHERE ${match} ORDER BY device_id LIMIT 1)
      UNION ALL SELECT (SELECT device_id FROM ${table} WHERE ${match} AND device_id > d.id ORDER BY device_id LIMIT 1) FROM d WHERE d.id IS NOT NULL)
    SELECT id,
      (SELECT timestamp FROM ${table} WHERE ${match} AND device_id = d.id ORDER BY timestamp LIMIT 1) AS first_seen,
      (SELECT timestamp FROM ${table} WHERE ${match} AND device_id = d.id ORDER BY timestamp DESC LIMIT 1) AS last_seen
    FROM d WHERE id IS NOT NULL`).all(params) as Row[];
}

/**
 * Events per device for the page's devices only, counted in the index (and, for a list that
 * shows it, the name at the latest one). Counting is the one cost that grows with the key:
 * a page of SYSTEM's machines is 64,000 index entries, about 3 ms. A count table kept by
 * triggers made it constant but cost 35% of the ingest rate (measured), so it is not done.
 */
function deviceCounts(db: Db, table: string, match: string, params: Row, devices: Row[], withName = false): Map<string, { n: number; name: string | null }> {
  const name = withName ? `(SELECT device_name FROM ${table} WHERE ${match} AND device_id = value ORDER BY timestamp DESC LIMIT 1)` : 'NULL';
  const rows = db.prepare(`SELECT value AS id, (SELECT count(*) FROM ${table} WHERE ${match} AND device_id = value) AS n, ${name} AS name FROM json_each(@ids)`)
    .all({ ...params, ids: ids(devices) }) as Array<{ id: string; n: number; name: string | null }>;
  return new Map(rows.map((row) => [row.id, { n: row.n, name: row.name }]));
}

function machinesOf(db: Db, devices: Row[]): Map<string, Row> {
  const rows = db.prepare('SELECT id, computer_dns_name, rbac_group_name FROM machines WHERE id IN (SELECT value FROM json_each(?))').all(ids(devices)) as Row[];
  return new Map(rows.map((row) => [String(row.id), row]));
}

const earlier = (a: unknown, b: unknown) => (typeof a !== 'string' ? b : typeof b !== 'string' || a < b ? a : b);
const later = (a: unknown, b: unknown) => (typeof a !== 'string' ? b : typeof b !== 'string' || a > b ? a : b);

/** Folds spans of several sources into one row per device (first = earliest, last = latest). */
function mergeSpans(sources: Array<{ name: string; rows: Row[] }>): Map<string, Row & { sources: string[] }> {
  const merged = new Map<string, Row & { sources: string[] }>();
  for (const source of sources) {
    for (const row of source.rows) {
      const id = String(row.id);
      const seen = merged.get(id);
      if (!seen) merged.set(id, { id, first_seen: row.first_seen ?? null, last_seen: row.last_seen ?? null, sources: [source.name] });
      else {
        seen.first_seen = earlier(seen.first_seen, row.first_seen) ?? null;
        seen.last_seen = later(seen.last_seen, row.last_seen) ?? null;
        if (!seen.sources.includes(source.name)) seen.sources.push(source.name);
      }
    }
  }
  return merged;
}

/** SQLite's order for a text column: NULL first ascending, last descending; then by device. */
function pageBy(rows: Row[], column: 'first_seen' | 'last_seen', descending: boolean, page: Page): { rows: Row[]; hasMore: boolean } {
  const sign = descending ? -1 : 1;
  const sorted = [...rows].sort((a, b) => {
    const x = a[column] as string | null;
    const y = b[column] as string | null;
    if (x !== y) return x === null ? -sign : y === null ? sign : x < y ? -sign : sign;
    return String(a.id) < String(b.id) ? -1 : 1;
  });
  const slice = sorted.slice(page.offset, page.offset + page.limit + 1);
  return { rows: slice.slice(0, page.limit), hasMore: slice.length > page.limit };
}

/** Machines that ran or wrote a file: events, first and last sighting per machine, first seen first. */
export function fileMachines(db: Db, sha1: string, page: Page): Paged {
  const match = 'sha1 = @key';
  const params = { key: sha1 };
  const spans = mergeSpans([
    { name: 'process_events', rows: deviceSpans(db, 'process_events', match, params) },
    { name: 'file_events', rows: deviceSpans(db, 'file_events', match, params) },
  ]);
  const { rows, hasMore } = pageBy([...spans.values()], 'first_seen', false, page);
  const processes = deviceCounts(db, 'process_events', match, params, rows, true);
  // A name read is a row read (a page read when cold): the file events' name only where no process gave one.
  const files = deviceCounts(db, 'file_events', match, params, rows);
  const unnamed = rows.filter((row) => !processes.get(String(row.id))?.name);
  const fileNames = unnamed.length > 0 ? deviceCounts(db, 'file_events', match, params, unnamed, true) : new Map<string, { name: string | null }>();
  const machines = machinesOf(db, rows);
  return {
    rows: rows.map((row) => {
      const id = String(row.id);
      const m = machines.get(id);
      return {
        device_id: row.id, computer_dns_name: m?.computer_dns_name ?? null, device_name: processes.get(id)?.name ?? fileNames.get(id)?.name ?? null,
        rbac_group_name: m?.rbac_group_name ?? null, events: (processes.get(id)?.n ?? 0) + (files.get(id)?.n ?? 0),
        first_seen: row.first_seen, last_seen: row.last_seen,
      };
    }),
    hasMore,
  };
}

/** The account's domains as stored (any case), for a key without a domain; NULL is one of them. */
function accountDomains(db: Db, table: string, name: string): Array<string | null> {
  const out: Array<string | null> = [];
  if (db.prepare(`SELECT 1 FROM ${table} WHERE account_name = ? COLLATE NOCASE AND account_domain IS NULL LIMIT 1`).get(name)) out.push(null);
  const next = db.prepare(`SELECT account_domain FROM ${table} WHERE account_name = @name COLLATE NOCASE AND account_domain > @after COLLATE NOCASE
    ORDER BY account_domain COLLATE NOCASE LIMIT 1`).pluck();
  const first = db.prepare(`SELECT account_domain FROM ${table} WHERE account_name = ? COLLATE NOCASE AND account_domain IS NOT NULL
    ORDER BY account_domain COLLATE NOCASE LIMIT 1`).pluck().get(name) as string | undefined;
  for (let domain = first; domain !== undefined && out.length < 1000; domain = next.get({ name, after: domain }) as string | undefined) out.push(domain);
  return out;
}

/** Machines an account logged on to or ran processes on, latest first (logged-on users, logons, processes). */
export function accountMachines(db: Db, account: { name: string; domain: string | null }, page: Page): Paged {
  const match = 'account_name = @name COLLATE NOCASE AND account_domain IS @domain COLLATE NOCASE';
  const per = (table: string) => (account.domain === null ? accountDomains(db, table, account.name) : [account.domain]).map((domain) => ({ name: account.name, domain }));
  const tables = [{ table: 'logon_events', source: 'logons', keys: per('logon_events') }, { table: 'process_events', source: 'processes', keys: per('process_events') }];
  const users = db.prepare(`SELECT machine_id AS id, first_seen, last_seen FROM logon_users
    WHERE account_name = @name COLLATE NOCASE AND (@domain IS NULL OR account_domain = @domain COLLATE NOCASE)`).all(account) as Row[];
  const spans = mergeSpans([
    { name: 'logged-on users', rows: users },
    ...tables.map(({ table, source, keys }) => ({ name: source, rows: keys.flatMap((key) => deviceSpans(db, table, match, key)) })),
  ]);
  const { rows, hasMore } = pageBy([...spans.values()], 'last_seen', true, page);
  const counts = tables.flatMap(({ table, keys }) => keys.map((key) => deviceCounts(db, table, match, key, rows)));
  const machines = machinesOf(db, rows);
  return {
    rows: rows.map((row) => {
      const m = machines.get(String(row.id));
      return {
        device_id: row.id, computer_dns_name: m?.computer_dns_name ?? null, rbac_group_name: m?.rbac_group_name ?? null,
        first_seen: row.first_seen, last_seen: row.last_seen, seen_in: (row.sources as string[]).join(','),
        events: counts.reduce((sum, count) => sum + (count.get(String(row.id))?.n ?? 0), 0),
      };
    }),
    hasMore,
  };
}

export type ConnectionKey = 'remote_ip' | 'remote_url' | 'remote_domain';

/**
 * Connections to an IP, URL or domain, one row per machine and initiating process, latest
 * first. A process's newest connection is its last sighting, so the page's processes are the
 * first distinct ones in the newest connections: read newest first in growing windows until
 * the page is full (a key with few processes reads them all, grouped in the index). Counts,
 * first sightings and ports then come from each process's own range of the index.
 */
export function connections(db: Db, column: ConnectionKey, key: string, page: Page): Paged {
  const want = page.offset + page.limit + 1;
  let groups: Row[] = [];
  for (let window = Math.max(256, want * 4); ; window *= 4) {
    const all = window > 16_384;
    groups = db.prepare(`SELECT device_id, pid, ct, max(timestamp) AS last_seen, rid FROM (
        SELECT device_id, initiating_process_id AS pid, initiating_process_creation_time AS ct, timestamp, rowid AS rid
        FROM network_events WHERE ${column} = @key ${all ? '' : 'ORDER BY timestamp DESC LIMIT @window'})
      GROUP BY device_id, pid, ct ORDER BY last_seen DESC, device_id, pid, ct LIMIT @want`).all({ key, want, ...(all ? {} : { window }) }) as Row[];
    if (all || groups.length >= want) break;
  }
  const slice = groups.slice(page.offset, page.offset + page.limit);
  const same = `${column} = @key AND device_id = g.device_id AND initiating_process_id IS g.pid AND initiating_process_creation_time IS g.ct`;
  const rows = db.prepare(`WITH g AS (SELECT key AS ord, value ->> 'device_id' AS device_id, value ->> 'pid' AS pid, value ->> 'ct' AS ct,
        value ->> 'last_seen' AS last_seen, value ->> 'rid' AS rid FROM json_each(@groups))
    SELECT g.device_id, n.device_name, m.computer_dns_name, n.initiating_process_file_name, n.initiating_process_sha1, g.pid AS initiating_process_id,
      g.ct AS initiating_process_creation_time, n.initiating_process_command_line,
      (SELECT count(*) FROM network_events WHERE ${same}) AS connections,
      (SELECT timestamp FROM network_events WHERE ${same} ORDER BY timestamp LIMIT 1) AS first_seen, g.last_seen,
      (SELECT group_concat(DISTINCT remote_port) FROM network_events WHERE ${same}) AS remote_ports
    FROM g JOIN network_events n ON n.rowid = g.rid LEFT JOIN machines m ON m.id = g.device_id ORDER BY g.ord`).all({ key, groups: JSON.stringify(slice) }) as Row[];
  return { rows, hasMore: groups.length > page.offset + page.limit };
}
