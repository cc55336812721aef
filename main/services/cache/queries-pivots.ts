import type { Db } from './engine';
import { keySources } from './key-machines';
import { deviceIdOfMachine } from './machine-numbers';

/*
 * The grouped entity pivots (file / account -> machines, IP / URL / domain -> connections):
 * file and account from the per-(key, machine) summaries of 0003 (key-machines.ts), the
 * connections from short index ranges of 0002-pivot-indexes (URLs: 0005), so a page costs about its own
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


/*
 * File and account -> machines: a key's rows of the summaries the writer keeps
 * (key-machines.ts), one per source table and machine, grouped, ordered and paged in SQL, so
 * only the page's rows become objects: a SHA-1 seen on every machine of a 10M-event fleet is
 * thousands of summary rows (p95 36 ms when they were merged in JS). Machine details are
 * joined to the page only.
 */

/** Machines that ran or wrote a file: events, first and last sighting per machine, first seen first. */
export function fileMachines(db: Db, sha1: string, page: Page): Paged {
  const rows = db.prepare(`SELECT p.device_id, m.computer_dns_name, p.device_name, m.rbac_group_name, p.events, p.first_seen, p.last_seen FROM (
      SELECT device_id, sum(events) AS events, min(first_seen) AS first_seen, max(last_seen) AS last_seen,
        -- the name from the processes that ran it, else from the file events (one row per source and machine)
        coalesce(max(CASE WHEN source = @processes THEN device_name END), max(CASE WHEN source = @files THEN device_name END)) AS device_name
      FROM file_machines WHERE sha1 = @sha1 GROUP BY device_id ORDER BY first_seen, device_id LIMIT @limit OFFSET @offset) p
    LEFT JOIN machines m ON m.id = p.device_id ORDER BY p.first_seen, p.device_id`)
    .all({ sha1, processes: keySources.fileProcesses.source, files: keySources.fileEvents.source, limit: page.limit + 1, offset: page.offset }) as Row[];
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

/** Machines an account logged on to or ran processes on, latest first (logged-on users, logons, processes). */
export function accountMachines(db: Db, account: { name: string; domain: string | null }, page: Page): Paged {
  const rows = db.prepare(`SELECT p.device_id, m.computer_dns_name, m.rbac_group_name, p.first_seen, p.last_seen, p.seen_in, p.events FROM (
      SELECT device_id, min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(events) AS events,
        substr(CASE WHEN max(source = 0) THEN ',logged-on users' ELSE '' END || CASE WHEN max(source = @logons) THEN ',logons' ELSE '' END
          || CASE WHEN max(source = @processes) THEN ',processes' ELSE '' END, 2) AS seen_in
      FROM (SELECT machine_id AS device_id, first_seen, last_seen, 0 AS events, 0 AS source FROM logon_users
          WHERE account_name = @name COLLATE NOCASE AND (@domain IS NULL OR account_domain = @domain COLLATE NOCASE)
        UNION ALL SELECT device_id, first_seen, last_seen, events, source FROM account_machines
          WHERE account_name = @name AND (@domain IS NULL OR account_domain = @domain))
      GROUP BY device_id ORDER BY last_seen DESC, device_id LIMIT @limit OFFSET @offset) p
    LEFT JOIN machines m ON m.id = p.device_id ORDER BY p.last_seen DESC, p.device_id`)
    .all({ ...account, logons: keySources.accountLogons.source, processes: keySources.accountProcesses.source, limit: page.limit + 1, offset: page.offset }) as Row[];
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}

export type ConnectionKey = 'remote_ip' | 'remote_url';

/*
 * Network events of one URL, or of a domain's URLs, bound as `param`. The URL indexes hold
 * only connections that have a URL (0005-url-indexes): SQLite uses a partial index only when
 * the query names its condition, hence `remote_url <> ''` beside the key.
 */
export const urlIs = (param: string) => `remote_url = ${param} AND remote_url <> ''`;
export const domainIs = (param: string) => `remote_url IN (SELECT url FROM urls WHERE domain = ${param}) AND remote_url <> ''`;
const matching: Record<ConnectionKey, string> = { remote_ip: 'remote_ip = @key', remote_url: urlIs('@key') };

/**
 * A domain's connections are those of its URLs that connections were seen under (the urls
 * table also lists URLs from file origins and alert evidence). Nearly always that is one URL,
 * the host itself, and its page is one index range; otherwise every URL of the domain is read
 * through domainIs's IN list (the newest window is then sorted, not read in order).
 */
export function domainConnections(db: Db, domain: string, page: Page): Paged {
  const urls = db.prepare(`SELECT url FROM urls WHERE domain = @domain AND EXISTS (SELECT 1 FROM network_events WHERE ${urlIs('urls.url')})`)
    .pluck().all({ domain: domain.toLowerCase() }) as string[];
  if (urls.length === 0) return { rows: [], hasMore: false };
  if (urls.length === 1) return connections(db, 'remote_url', urls[0]!, page);
  return connectionsWhere(db, domainIs('@key'), domain.toLowerCase(), page);
}

/**
 * Connections to an IP or URL (or a domain's URLs), one row per machine and initiating
 * process, latest first. A process's newest connection is its last sighting, so the page's
 * processes are the first distinct ones among the key's newest 256 connections (the busiest
 * IPs have 5,000-9,000 processes), and their counts, first sightings and ports come from
 * each one's own range of the process index. When those do not fill the page (a key with few
 * processes, each connecting often), the newest 2,048 are tried (0.7 ms; 59 processes for
 * the 523 of an IP with 21,000 connections, enough for a page of 50, not of 100), then one
 * pass over the key's process index groups all of it, counts included (5.5-6 ms for that IP,
 * warm). Windows growing by four up to 16,384 read and sorted up to twice the key's entries
 * (8-10 ms).
 */
export function connections(db: Db, column: ConnectionKey, key: string, page: Page): Paged {
  return connectionsWhere(db, matching[column], key, page);
}

/**
 * `match`: the key's condition on network_events, with the key bound as @key. Connections are
 * read from the stored rows (0006), grouped by machine number in the indexes' order; a group's
 * device id is looked up once, for the order and the page. Through the view, each connection
 * would seek its machine's id and the grouping would need a sort.
 */
function connectionsWhere(db: Db, match: string, key: string, page: Page): Paged {
  const want = page.offset + page.limit + 1;
  const newest = db.prepare(`SELECT machine, ${deviceIdOfMachine}, pid, ct, max(timestamp) AS last_seen, rid FROM (
      SELECT machine, initiating_process_id AS pid, initiating_process_creation_time AS ct, timestamp, rowid AS rid
      FROM network_events_rows WHERE ${match} ORDER BY timestamp DESC LIMIT @window)
    GROUP BY machine, pid, ct ORDER BY last_seen DESC, device_id, pid, ct LIMIT @want`);
  let groups: Row[] = [];
  for (const window of [256, 2048]) {
    groups = newest.all({ key, want, window }) as Row[];
    if (groups.length >= want) break;
  }
  const counted = groups.length < want;
  if (counted) {
    groups = db.prepare(`SELECT machine, ${deviceIdOfMachine}, initiating_process_id AS pid, initiating_process_creation_time AS ct, max(timestamp) AS last_seen, rowid AS rid,
        count(*) AS connections, group_concat(DISTINCT remote_port) AS remote_ports
      FROM network_events_rows WHERE ${match} GROUP BY machine, pid, ct ORDER BY last_seen DESC, device_id, pid, ct LIMIT @want`).all({ key, want }) as Row[];
  }
  const slice = groups.slice(page.offset, page.offset + page.limit);
  const same = `${match} AND machine = g.machine AND initiating_process_id IS g.pid AND initiating_process_creation_time IS g.ct`;
  // The first sighting is a seek either way; a min() beside the max() would make the row the
  // process's details and device name are read from (rid) any of its rows, not its latest.
  const first = `(SELECT timestamp FROM network_events_rows WHERE ${same} ORDER BY timestamp LIMIT 1) AS first_seen`;
  const tally = counted
    ? `g.connections, ${first}, g.last_seen, g.remote_ports`
    : `(SELECT count(*) FROM network_events_rows WHERE ${same}) AS connections, ${first}, g.last_seen,
      (SELECT group_concat(DISTINCT remote_port) FROM network_events_rows WHERE ${same}) AS remote_ports`;
  const rows = db.prepare(`WITH g AS (SELECT key AS ord, value ->> 'machine' AS machine, value ->> 'device_id' AS device_id, value ->> 'pid' AS pid, value ->> 'ct' AS ct,
        value ->> 'last_seen' AS last_seen, value ->> 'rid' AS rid, value ->> 'connections' AS connections,
        value ->> 'remote_ports' AS remote_ports FROM json_each(@groups))
    SELECT g.device_id, n.device_name, m.computer_dns_name, n.initiating_process_file_name, n.initiating_process_sha1, g.pid AS initiating_process_id,
      g.ct AS initiating_process_creation_time, n.initiating_process_command_line, ${tally}
    FROM g JOIN network_events_rows n ON n.rowid = g.rid LEFT JOIN machines m ON m.id = g.device_id ORDER BY g.ord`).all({ key, groups: JSON.stringify(slice) }) as Row[];
  return { rows, hasMore: groups.length > page.offset + page.limit };
}
