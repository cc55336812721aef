import type { Migration } from './migration';

/*
 * Indexes that let the entity pivots read a page from a short index range instead of every
 * event of the key (the emulator's busiest IP has 57,000 connections, the SYSTEM account
 * 130,000 processes; 0001's one-column indexes made each pivot a table lookup per event).
 *
 * - file / account -> machines: (key, device_id, timestamp) answers a device's first and last
 *   sighting with one seek each and its count from the index alone; the page is ordered on
 *   those, so only the page's devices are counted.
 * - IP / URL / domain -> connections: (key, timestamp, device, process) finds the newest
 *   connections and their processes, which are the page (ordered by last seen), without the
 *   rows (each would be a page read: a machine's rows are spread over its sync answer);
 *   (key, device, process, timestamp, port) then gives each of those processes its count,
 *   first sighting and ports, again without the rows.
 * - process tree: (device_id, initiating_process_id, timestamp) finds a process's children
 *   directly instead of walking every later event of the machine.
 * - search: search_terms (fts5vocab, stores nothing) lists the index's terms in order, so a
 *   word typed as a prefix is expanded to its terms with a seek each (search-match.ts).
 *
 * Each replaces the one-column index it extends (a prefix serves the same lookups). Every
 * index costs ingest, so only what a pivot reads is here (measured in-thread, 200k events,
 * plaintext: 34,800 events per CPU-second at version 1, 31,400 with these; a count table per
 * account/file and machine kept by triggers made counting free but dropped it to 20,600,
 * so it is not here). Never edit once shipped.
 */
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
CREATE INDEX network_events_by_remote_ip_time ON network_events (remote_ip, timestamp, device_id, initiating_process_id, initiating_process_creation_time);
CREATE INDEX network_events_by_remote_ip_process ON network_events (remote_ip, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);
DROP INDEX network_events_by_remote_url;
CREATE INDEX network_events_by_remote_url_time ON network_events (remote_url, timestamp, device_id, initiating_process_id, initiating_process_creation_time);
CREATE INDEX network_events_by_remote_url_process ON network_events (remote_url, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);
DROP INDEX network_events_by_remote_domain;
CREATE INDEX network_events_by_remote_domain_time ON network_events (remote_domain, timestamp, device_id, initiating_process_id, initiating_process_creation_time);
CREATE INDEX network_events_by_remote_domain_process ON network_events (remote_domain, device_id, initiating_process_id, initiating_process_creation_time, timestamp, remote_port);

CREATE VIRTUAL TABLE search_terms USING fts5vocab(search, 'instance');
`;

export const migration0002: Migration = {
  version: 2,
  name: 'pivot-indexes',
  up(db) {
    db.exec(sql);
  },
};
