import type { Db } from './engine';
import { keySources } from './key-machines';

/*
 * The grouped entity pivots (file / account -> machines, IP / URL / domain -> connections):
 * file and account from the per-(key, machine) summaries of 0003 (key-machines.ts), the
 * connections from short index ranges of 0002-pivot-indexes, so a page costs about its own
 * size, not the key's event count (the busiest keys have 50,000-130,000 events and every key of a
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

/** A key's machines per source, from the summaries the writer keeps (key-machines.ts). */
type Sighting = { device_id: string; source: number; events: number; first_seen: string; last_seen: string; device_name: string | null };

function fileSightings(db: Db, sha1: string): Sighting[] {
  return db.prepare('SELECT device_id, source, events, first_seen, last_seen, device_name FROM file_machines WHERE sha1 = ?').all(sha1) as Sighting[];
}

function accountSightings(db: Db, account: { name: string; domain: string | null }): Sighting[] {
  return db.prepare(`SELECT device_id, source, events, first_seen, last_seen, device_name FROM account_machines
    WHERE account_name = @name AND (@domain IS NULL OR account_domain = @domain)`).all(account) as Sighting[];
}

const bySource = (sightings: Sighting[], name: string, source: number) => ({ name, rows: sightings.filter((s) => s.source === source).map((s) => ({ ...s, id: s.device_id })) });

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
  const sightings = fileSightings(db, sha1);
  const { fileProcesses, fileEvents } = keySources;
  const spans = mergeSpans([bySource(sightings, 'processes', fileProcesses.source), bySource(sightings, 'files', fileEvents.source)]);
  const { rows, hasMore } = pageBy([...spans.values()], 'first_seen', false, page);
  const bySourceAndDevice = new Map(sightings.map((s) => [`${s.source}:${s.device_id}`, s]));
  const machines = machinesOf(db, rows);
  return {
    rows: rows.map((row) => {
      const id = String(row.id);
      const m = machines.get(id);
      const processes = bySourceAndDevice.get(`${fileProcesses.source}:${id}`);
      const files = bySourceAndDevice.get(`${fileEvents.source}:${id}`);
      return {
        device_id: row.id, computer_dns_name: m?.computer_dns_name ?? null, device_name: processes?.device_name ?? files?.device_name ?? null,
        rbac_group_name: m?.rbac_group_name ?? null, events: (processes?.events ?? 0) + (files?.events ?? 0),
        first_seen: row.first_seen, last_seen: row.last_seen,
      };
    }),
    hasMore,
  };
}

/** Machines an account logged on to or ran processes on, latest first (logged-on users, logons, processes). */
export function accountMachines(db: Db, account: { name: string; domain: string | null }, page: Page): Paged {
  const users = db.prepare(`SELECT machine_id AS id, first_seen, last_seen FROM logon_users
    WHERE account_name = @name COLLATE NOCASE AND (@domain IS NULL OR account_domain = @domain COLLATE NOCASE)`).all(account) as Row[];
  const sightings = accountSightings(db, account);
  const spans = mergeSpans([
    { name: 'logged-on users', rows: users },
    bySource(sightings, 'logons', keySources.accountLogons.source),
    bySource(sightings, 'processes', keySources.accountProcesses.source),
  ]);
  const { rows, hasMore } = pageBy([...spans.values()], 'last_seen', true, page);
  const events = new Map<string, number>();
  for (const s of sightings) events.set(s.device_id, (events.get(s.device_id) ?? 0) + s.events);
  const machines = machinesOf(db, rows);
  return {
    rows: rows.map((row) => {
      const m = machines.get(String(row.id));
      return {
        device_id: row.id, computer_dns_name: m?.computer_dns_name ?? null, rbac_group_name: m?.rbac_group_name ?? null,
        first_seen: row.first_seen, last_seen: row.last_seen, seen_in: (row.sources as string[]).join(','),
        events: events.get(String(row.id)) ?? 0,
      };
    }),
    hasMore,
  };
}

export type ConnectionKey = 'remote_ip' | 'remote_url' | 'remote_domain';

/**
 * Connections to an IP, URL or domain, one row per machine and initiating process, latest
 * first. A process's newest connection is its last sighting, so the page's processes are the
 * first distinct ones among the key's newest 256 connections (the busiest IPs have 5,000-9,000
 * processes), and their counts, first sightings and ports come from
 * each one's own range of the process index. When those do not fill the page (a key with few
 * processes, each connecting often), one pass over the key's process index groups all of it,
 * counts included; windows growing by four up to 16,384 first read and sorted up to twice the
 * key's entries (8-10 ms at 21,000 connections of 523 processes, warm; now 5.5-6; a middle
 * window of 2,048 did not fill for that key either and made it 6.5).
 */
export function connections(db: Db, column: ConnectionKey, key: string, page: Page): Paged {
  const want = page.offset + page.limit + 1;
  const newest = db.prepare(`SELECT device_id, pid, ct, max(timestamp) AS last_seen, rid FROM (
      SELECT device_id, initiating_process_id AS pid, initiating_process_creation_time AS ct, timestamp, rowid AS rid
      FROM network_events WHERE ${column} = @key ORDER BY timestamp DESC LIMIT @window)
    GROUP BY device_id, pid, ct ORDER BY last_seen DESC, device_id, pid, ct LIMIT @want`);
  let groups = newest.all({ key, want, window: 256 }) as Row[];
  const counted = groups.length < want;
  if (counted) {
    groups = db.prepare(`SELECT device_id, initiating_process_id AS pid, initiating_process_creation_time AS ct, max(timestamp) AS last_seen, rowid AS rid,
        count(*) AS connections, group_concat(DISTINCT remote_port) AS remote_ports
      FROM network_events WHERE ${column} = @key GROUP BY device_id, pid, ct ORDER BY last_seen DESC, device_id, pid, ct LIMIT @want`).all({ key, want }) as Row[];
  }
  const slice = groups.slice(page.offset, page.offset + page.limit);
  const same = `${column} = @key AND device_id = g.device_id AND initiating_process_id IS g.pid AND initiating_process_creation_time IS g.ct`;
  // The first sighting is a seek either way; a min() beside the max() would make the row the
  // process's details and device name are read from (rid) any of its rows, not its latest.
  const first = `(SELECT timestamp FROM network_events WHERE ${same} ORDER BY timestamp LIMIT 1) AS first_seen`;
  const tally = counted
    ? `g.connections, ${first}, g.last_seen, g.remote_ports`
    : `(SELECT count(*) FROM network_events WHERE ${same}) AS connections, ${first}, g.last_seen,
      (SELECT group_concat(DISTINCT remote_port) FROM network_events WHERE ${same}) AS remote_ports`;
  const rows = db.prepare(`WITH g AS (SELECT key AS ord, value ->> 'device_id' AS device_id, value ->> 'pid' AS pid, value ->> 'ct' AS ct,
        value ->> 'last_seen' AS last_seen, value ->> 'rid' AS rid, value ->> 'connections' AS connections,
        value ->> 'remote_ports' AS remote_ports FROM json_each(@groups))
    SELECT g.device_id, n.device_name, m.computer_dns_name, n.initiating_process_file_name, n.initiating_process_sha1, g.pid AS initiating_process_id,
      g.ct AS initiating_process_creation_time, n.initiating_process_command_line, ${tally}
    FROM g JOIN network_events n ON n.rowid = g.rid LEFT JOIN machines m ON m.id = g.device_id ORDER BY g.ord`).all({ key, groups: JSON.stringify(slice) }) as Row[];
  return { rows, hasMore: groups.length > page.offset + page.limit };
}
