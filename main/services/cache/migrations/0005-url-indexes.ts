import type { Migration } from './migration';

/*
 * Connections by URL and by domain from one pair of indexes instead of two, and only for
 * connections that have a URL.
 *
 * - Most connections have none: 705 of the 749 DeviceNetworkEvents rows of the real lab
 *   export in ../shared/data (the emulator gives one in five an empty RemoteUrl). 0002's URL
 *   and domain pairs held an entry for each of them under '' or NULL, which no pivot reads
 *   (an entity key is never empty). The URL pair is now partial: a query names
 *   `remote_url <> ''` beside its key so SQLite may use it (queries-pivots.ts, urlIs).
 * - A domain's connections are its URLs' connections: remote_domain is domainOf(remote_url),
 *   and the urls table lists every URL the writer stored with its domain. A RemoteUrl is
 *   nearly always the host alone, so a domain is one URL range of this index; a domain seen
 *   under several URLs reads each of their ranges (queries-pivots.ts, domainIs). The domain
 *   pair went: on every network event it cost as much as the URL pair.
 *
 * Measured in-thread (bench/children/probe.ts, 1M events, two runs each): encrypted ingest
 * 21,191 / 23,518 -> 25,077 / 29,546 events per CPU-second, plaintext 31,680 / 38,370 ->
 * 43,749 / 45,168; the purge of a third 15.0 / 15.3 s -> 13.5 / 13.4 s wall (encrypted).
 * Never edit once shipped.
 */
const connectionColumns = 'device_id, initiating_process_id, initiating_process_creation_time';
const sql = `
DROP INDEX network_events_by_remote_domain_time;
DROP INDEX network_events_by_remote_domain_process;
DROP INDEX network_events_by_remote_url_time;
DROP INDEX network_events_by_remote_url_process;
CREATE INDEX network_events_by_remote_url_time ON network_events (remote_url, timestamp, ${connectionColumns}) WHERE remote_url <> '';
CREATE INDEX network_events_by_remote_url_process ON network_events (remote_url, ${connectionColumns}, timestamp, remote_port) WHERE remote_url <> '';
`;

export const migration0005: Migration = {
  version: 5,
  name: 'url-indexes',
  up(db) {
    db.exec(sql);
  },
};
