import type { Migration } from './migration';

/*
 * Indexes that let the entity pivots read a page from a short index range instead of every
 * event of the key (the emulator's busiest IP has 57,000 connections, the SYSTEM account
 * 130,000 processes; 0001's one-column indexes made each pivot a table lookup per event).
 *
 * - file / account -> machines: (key, device_id, timestamp) answers a device's first and last
 *   sighting with one seek each and its count from the index alone; the page is ordered on
 *   those, so only the page's devices are counted.
 * - IP / URL / domain -> connections: (key, timestamp) finds the newest connections, whose
 *   processes are the page (ordered by last seen); (key, device, process, timestamp, port)
 *   then gives each of those processes its count, first sighting and ports without the rows.
 * - process tree: (device_id, initiating_process_id, timestamp) finds a process's children
 *   directly instead of walking every later event of the machine.
 *
 * - events per (account, device) and (file, device), kept by triggers in the transaction
 *   that inserts or deletes the event: a page of SYSTEM's 183 machines counted 64,000 index
 *   entries (4 ms) otherwise. Counts only: they stay exact under any insert or delete, while
 *   first and last sightings come from the indexes above. A NULL domain counts as ''.
 * - search: search_terms (fts5vocab, stores nothing) lists the index's terms in order, so a
 *   word typed as a prefix is expanded to its terms with a seek each (search-match.ts).
 *
 * Each replaces the one-column index it extends (a prefix serves the same lookups). Every
 * index costs ingest, so only what a pivot reads is here. Never edit once shipped.
 */
/** One count kept by a trigger: the row's key columns (from new. or old.) and the table it counts into. */
interface Count {
  table: string;
  when: (row: string) => string;
  key: (row: string) => string[];
  columns: string[];
}
const accountCount = (source: number): Count => ({
  table: 'account_device_counts', when: (row) => `${row}.account_name IS NOT NULL`, columns: ['account_name', 'account_domain', 'device_id', 'source'],
  key: (row) => [`${row}.account_name`, `coalesce(${row}.account_domain, '')`, `${row}.device_id`, String(source)],
});
const fileCount = (source: number): Count => ({
  table: 'file_device_counts', when: (row) => `${row}.sha1 IS NOT NULL`, columns: ['sha1', 'device_id', 'source'],
  key: (row) => [`${row}.sha1`, `${row}.device_id`, String(source)],
});
const counted = (table: string, counts: Count[]) => `
CREATE TRIGGER ${table}_counts_insert AFTER INSERT ON ${table} BEGIN
${counts.map((c) => `  INSERT INTO ${c.table} SELECT ${c.key('new').join(', ')}, 1 WHERE ${c.when('new')} ON CONFLICT DO UPDATE SET events = events + 1;`).join('\n')}
END;
CREATE TRIGGER ${table}_counts_delete AFTER DELETE ON ${table} BEGIN
${counts.map((c) => `  UPDATE ${c.table} SET events = events - 1 WHERE ${c.when('old')} AND ${c.columns.map((col, i) => `${col} = ${c.key('old')[i]}`).join(' AND ')};`).join('\n')}
END;`;

const sql = `
DROP INDEX process_events_by_sha1;
CREATE INDEX process_events_by_sha1_device ON process_events (sha1, device_id, timestamp);
DROP INDEX file_events_by_sha1;
CREATE INDEX file_events_by_sha1_device ON file_events (sha1, device_id, timestamp);

DROP INDEX process_events_by_account;
CREATE INDEX process_events_by_account_device ON process_events (account_name COLLATE NOCASE, account_domain COLLATE NOCASE, device_id, timestamp);
DROP INDEX logon_events_by_account;
CREATE INDEX logon_events_by_account_device ON logon_events (account_name COLLATE NOCASE, account_domain COLLATE NOCASE, device_id, timestamp);

CREATE INDEX process_events_by_parent ON process_events (device_id, initiating_process_id, timestamp);

DROP INDEX network_events_by_remote_ip;
CREATE INDEX network_events_by_remote_ip_time ON network_events (remote_ip, timestamp);
CREATE INDEX network_events_by_remote_ip_process ON network_events (remote_ip, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);
DROP INDEX network_events_by_remote_url;
CREATE INDEX network_events_by_remote_url_time ON network_events (remote_url, timestamp);
CREATE INDEX network_events_by_remote_url_process ON network_events (remote_url, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);
DROP INDEX network_events_by_remote_domain;
CREATE INDEX network_events_by_remote_domain_time ON network_events (remote_domain, timestamp);
CREATE INDEX network_events_by_remote_domain_process ON network_events (remote_domain, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);

CREATE TABLE account_device_counts (
  account_name TEXT NOT NULL COLLATE NOCASE,
  account_domain TEXT NOT NULL COLLATE NOCASE,
  device_id TEXT NOT NULL,
  source INTEGER NOT NULL, -- 1 logon_events, 2 process_events
  events INTEGER NOT NULL,
  PRIMARY KEY (account_name, account_domain, device_id, source)
) WITHOUT ROWID;
CREATE TABLE file_device_counts (
  sha1 TEXT NOT NULL,
  device_id TEXT NOT NULL,
  source INTEGER NOT NULL, -- 1 process_events, 2 file_events
  events INTEGER NOT NULL,
  PRIMARY KEY (sha1, device_id, source)
) WITHOUT ROWID;
${counted('logon_events', [accountCount(1)])}
${counted('process_events', [accountCount(2), fileCount(1)])}
${counted('file_events', [fileCount(2)])}
INSERT INTO account_device_counts SELECT account_name, coalesce(account_domain, ''), device_id, 1, count(*) FROM logon_events
  WHERE account_name IS NOT NULL GROUP BY account_name COLLATE NOCASE, coalesce(account_domain, '') COLLATE NOCASE, device_id
  ON CONFLICT DO UPDATE SET events = events + excluded.events;
INSERT INTO account_device_counts SELECT account_name, coalesce(account_domain, ''), device_id, 2, count(*) FROM process_events
  WHERE account_name IS NOT NULL GROUP BY account_name COLLATE NOCASE, coalesce(account_domain, '') COLLATE NOCASE, device_id
  ON CONFLICT DO UPDATE SET events = events + excluded.events;
INSERT INTO file_device_counts SELECT sha1, device_id, 1, count(*) FROM process_events WHERE sha1 IS NOT NULL GROUP BY sha1, device_id;
INSERT INTO file_device_counts SELECT sha1, device_id, 2, count(*) FROM file_events WHERE sha1 IS NOT NULL GROUP BY sha1, device_id;

CREATE VIRTUAL TABLE search_terms USING fts5vocab(search, 'instance');
`;

export const migration0002: Migration = {
  version: 2,
  name: 'pivot-indexes',
  up(db) {
    db.exec(sql);
  },
};
