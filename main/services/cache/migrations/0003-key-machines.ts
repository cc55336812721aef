import { rebuildKeyMachines } from '../key-machines';
import type { Migration } from './migration';

/*
 * Per (file, machine) and (account, machine): how many events, first and last sighting, and
 * the machine's name at the last, for each event table the key comes from (`source`, see
 * key-machines.ts, which keeps them). The file and account pivots then read one short range
 * of a key instead of counting its events, which at a million events was the one pivot cost
 * that grew with the key (p95 17-22 ms, SYSTEM's machines a 64,000-entry count).
 * Clustered on the key (WITHOUT ROWID), so a key's machines are a few adjacent pages.
 * A missing account domain is '' here: a key column cannot be NULL. Never edit once shipped.
 */
const sql = `
CREATE TABLE file_machines (
  sha1 TEXT NOT NULL,
  source INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  events INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  device_name TEXT,
  PRIMARY KEY (sha1, source, device_id)
) WITHOUT ROWID;

CREATE TABLE account_machines (
  account_name TEXT NOT NULL COLLATE NOCASE,
  account_domain TEXT NOT NULL COLLATE NOCASE,
  source INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  events INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  device_name TEXT,
  PRIMARY KEY (account_name, account_domain, source, device_id)
) WITHOUT ROWID;
`;

export const migration0003: Migration = {
  version: 3,
  name: 'key-machines',
  up(db) {
    db.exec(sql);
    rebuildKeyMachines(db);
  },
};
