import type { Db } from '../engine';
import type { Migration } from './migration';

/*
 * Event rows name their machine by a number instead of its 40-character DeviceId.
 *
 * - Why: the DeviceId was stored in every event row, in each table's key and in every index
 *   that leads to a machine (file / account / IP / URL / process-tree), about a sixth of the
 *   file. Each page costs an encryption when written and a decryption when read, so the
 *   ingest, the retention purge and the checkpoint all pay for those bytes. Measured with the
 *   ids shortened (bench/children/copier-probe.ts and purge-probe.ts, 1M events, in-thread):
 *   232,717 -> 192,488 pages; encrypted ingest 41,810 -> 48,153 events/s; the purge of a third
 *   13.2 / 13.5 -> 10.6 / 10.7 s.
 * - How: `machine_numbers` gives each DeviceId a number. Each event table's rows move to
 *   `<table>_rows` with `machine` in place of `device_id` (same rowids, so search entries still
 *   point at their rows; the same indexes, the device column renamed). A view under the old
 *   name joins the id back and exposes the rowid, so every read, the search's hit lookup and
 *   the bundle export read events as before. Writes and deletes go to `<table>_rows`
 *   (columns.ts eventRows).
 * - The view's join is a LEFT JOIN on the number's INTEGER PRIMARY KEY: a read that names no
 *   device id skips it (SQLite drops a LEFT JOIN to a unique key nothing uses; aggregates still
 *   seek it per row, a table of a few hundred rows), and a lookup by device id becomes an inner
 *   join that seeks the number first, then the events' key.
 *
 * The freed pages of the old tables are handed back at the end. Never edit once shipped.
 */
const eventTables = ['device_info', 'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events'];

interface Column {
  name: string;
  type: string;
  notnull: number;
}

/** About how many rows a table has: its largest rowid (counting a big table would take a while). */
function rowsOf(db: Db, table: string): number {
  return Number(db.prepare(`SELECT coalesce(max(rowid), 0) FROM ${table}`).pluck().get());
}

/** A table's share of the upgrade's work: moving its rows, then each index built again, each about as long. */
function workOf(db: Db, table: string): number {
  const indexes = Number(db.prepare("SELECT count(*) FROM sqlite_master WHERE tbl_name = ? AND type = 'index' AND sql IS NOT NULL").pluck().get(table));
  return rowsOf(db, table) * (1 + indexes);
}

/** Moves a table's rows and builds its indexes again; `done(work)` after each of those steps. */
function moveRows(db: Db, table: string, done: (work: number) => void): void {
  const share = rowsOf(db, table);
  const rows = `${table}_rows`;
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Column[];
  const rest = columns.filter((column) => column.name !== 'device_id');
  const schema = db.prepare('SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN (\'index\', \'trigger\') AND sql IS NOT NULL')
    .all(table) as Array<{ type: string; name: string; sql: string }>;
  const definitions = rest.map((column) => `${column.name} ${column.type}${column.notnull ? ' NOT NULL' : ''}`);
  db.exec(`CREATE TABLE ${rows} (machine INTEGER NOT NULL, ${definitions.join(', ')}, PRIMARY KEY (machine, timestamp, report_id))`);
  const names = rest.map((column) => column.name).join(', ');
  db.exec(`INSERT INTO ${rows} (rowid, machine, ${names})
    SELECT e.rowid, n.number, ${rest.map((column) => `e.${column.name}`).join(', ')} FROM ${table} AS e JOIN machine_numbers AS n ON n.device_id = e.device_id ORDER BY e.rowid`);
  done(share);
  // Dropped before the table, so no trigger runs for the rows going (they moved).
  for (const { type, name } of schema) db.exec(`DROP ${type.toUpperCase()} ${name}`);
  db.exec(`DROP TABLE ${table}`);
  for (const { type, sql } of schema) {
    const on = sql.replace(new RegExp(`\\bON ${table}\\b`), `ON ${rows}`);
    db.exec(type === 'index' ? on.replace(/\bdevice_id\b/g, 'machine') : on);
    if (type === 'index') done(share);
  }
  const exposed = columns.map((column) => (column.name === 'device_id' ? 'n.device_id AS device_id' : `e.${column.name} AS ${column.name}`));
  db.exec(`CREATE VIEW ${table} AS SELECT e.rowid AS rowid, ${exposed.join(', ')} FROM ${rows} AS e LEFT JOIN machine_numbers AS n ON n.number = e.machine`);
}

export const migration0006: Migration = {
  version: 6,
  name: 'machine-numbers',
  up(db, progress = () => undefined) {
    // The move rewrites every event page and builds every index: a larger page cache took a 1M
    // cache's upgrade from 32.4 to 22.7 s (1 GiB) or 24.6 s (512 MiB, with the next line), in-thread.
    // Zeroing the old tables' freed pages buys nothing here: the vacuum below leaves no free page
    // (each is cut off the end of the file or overwritten by a page moved into it), and their
    // rows are the moved rows (27.5 s without it at the default cache).
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    const secureDelete = db.pragma('secure_delete', { simple: true }) as number;
    db.pragma('cache_size=-524288');
    db.pragma('secure_delete=OFF');
    try {
      db.exec('CREATE TABLE machine_numbers (number INTEGER PRIMARY KEY, device_id TEXT NOT NULL UNIQUE)');
      db.exec(`INSERT INTO machine_numbers (device_id) ${eventTables.map((table) => `SELECT device_id FROM ${table}`).join(' UNION ')} ORDER BY 1`);
      // Shares of the time, measured on a 1M-event cache (23.9 s in-thread): the moves and index
      // builds half, the vacuum a sixth, the commit (every page into the WAL) and the checkpoint
      // after it the rest, which no step can report as it goes.
      const total = eventTables.reduce((sum, table) => sum + workOf(db, table), 0);
      let moved = 0;
      for (const table of eventTables) moveRows(db, table, (work) => progress((0.5 * (moved += work)) / Math.max(1, total)));
      db.pragma('incremental_vacuum');
      progress(0.67);
    } finally {
      db.pragma(`secure_delete=${secureDelete}`);
      db.pragma(`cache_size=${cacheSize}`);
    }
  },
};
