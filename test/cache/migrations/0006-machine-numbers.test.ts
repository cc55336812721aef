import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/services/cache/migrate';
import { searchHitKey } from '../../../main/services/cache/search';
import type { Db } from '../../../main/services/cache/engine';
import { columnsOf, emptyEncryptedDb, indexedColumns, queryPlan as plan } from './helpers';

const device = (i: number) => `${String(i).padStart(2, '0')}${'c'.repeat(38)}`;
const time = (i: number) => `2024-01-02T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.0000000Z`;

/** A version 5 cache with events of six machines in three tables, some of them searchable. */
function version5(db: Db): void {
  migrate(db, 't', 5);
  const process = db.prepare(`INSERT INTO process_events (device_id, report_id, timestamp, device_name, sha1, file_name, initiating_process_id)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const network = db.prepare(`INSERT INTO network_events (device_id, report_id, timestamp, remote_ip, remote_url, remote_port, initiating_process_id)
    VALUES (?, ?, ?, '10.0.0.1', ?, 443, 7)`);
  const search = db.prepare('INSERT INTO search (rowid, text) VALUES (?, ?)');
  for (let i = 0; i < 300; i++) {
    const { lastInsertRowid } = process.run(device(i % 6), i, time(i), `host${i % 6}`, `sha${i % 4}`, `tool${i}.exe`, 100 + (i % 3));
    if (i % 10 === 0) search.run(Number(lastInsertRowid) * 16 + 5, `tool${i}.exe`);
    if (i % 2) network.run(device((i + 1) % 6), i, time(i), i % 4 ? 'a.example' : '');
  }
  db.prepare("INSERT INTO device_info (device_id, report_id, timestamp, device_name) VALUES (?, 1, ?, 'host0')").run(device(0), time(0));
}

const everything = (db: Db, table: string) => db.prepare(`SELECT rowid AS r, * FROM ${table} ORDER BY rowid`).all() as Array<Record<string, unknown>>;

describe('migration 0006: machines numbered in the event rows', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('upgrades a version 5 cache: every row, rowid and search entry kept, read under the same names', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    version5(db);
    const before = Object.fromEntries(['process_events', 'network_events', 'device_info', 'file_events'].map((table) => [table, everything(db, table)]));
    const processColumns = columnsOf(db, 'process_events');
    const hit = searchHitKey(db, 'processEvent', 11);
    expect(hit?.key.device_id).toBe(device(10 % 6));

    expect(migrate(db, 't', 6)).toBe(6);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    for (const [table, rows] of Object.entries(before)) {
      // The view adds the rowid as a column; everything else is as it was.
      expect(everything(db, table).map(({ rowid, ...row }) => (expect(rowid).toBe(row.r), row))).toEqual(rows);
    }
    expect(columnsOf(db, 'process_events')).toEqual(['rowid', ...processColumns]);
    expect(searchHitKey(db, 'processEvent', 11)).toEqual(hit);
    expect(db.prepare('SELECT device_id FROM machine_numbers ORDER BY number').pluck().all()).toEqual([0, 1, 2, 3, 4, 5].map(device));
  });

  it('says how far it is as it goes: rising fractions, one per moved table and rebuilt index, the vacuum, ending at 1', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    version5(db);
    const fractions: number[] = [];
    migrate(db, 't', 6, undefined, (fraction) => fractions.push(fraction));
    // Six tables moved; process events alone have five indexes to build again.
    expect(fractions.length).toBeGreaterThan(10);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.every((fraction) => fraction > 0 && fraction <= 1)).toBe(true);
    expect(fractions.at(-3)).toBeCloseTo(0.5);
    expect(fractions.at(-2)).toBeCloseTo(0.67);
    expect(fractions.at(-1)).toBe(1);
  });

  it('stores the number where the id was, in the key and in every index, and hands the old pages back', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    version5(db);
    const indexesBefore = indexedColumns(db, 'process_events');
    const pagesBefore = db.pragma('page_count', { simple: true }) as number;
    migrate(db, 't', 6);
    expect(columnsOf(db, 'process_events_rows')[0]).toBe('machine');
    expect(columnsOf(db, 'process_events_rows')).not.toContain('device_id');
    const renamed = indexesBefore.map((columns) => columns.map((column) => (column === 'device_id' ? 'machine' : column)));
    expect(indexedColumns(db, 'process_events_rows').sort()).toEqual(renamed.sort());
    expect(indexedColumns(db, 'process_events_rows')).toContainEqual(['machine', 'timestamp', 'report_id']);
    // The move zeroes no freed page (the rows are the same rows); none may stay free, and zeroing is back on after.
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('page_count', { simple: true }) as number).toBeLessThanOrEqual(pagesBefore + 12); // the new tables' roots, nothing of the old
  });

  it('keeps the search entries following their rows: deleting stored rows deletes their entries', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    version5(db);
    migrate(db, 't', 6);
    const entries = () => db.prepare("SELECT count(*) FROM search WHERE search MATCH 'tool*'").pluck().get();
    expect(entries()).toBe(30);
    db.prepare('DELETE FROM process_events_rows WHERE report_id < 100').run();
    expect(entries()).toBe(20);
  });

  it('reads by device through the number: the number first, then the events key; a read without a device skips the join', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't');
    expect(plan(db, "SELECT * FROM process_events WHERE device_id = 'd' AND timestamp >= '2024' ORDER BY timestamp DESC LIMIT 50"))
      .toMatch(/^SEARCH n USING COVERING INDEX sqlite_autoindex_machine_numbers_1 \(device_id=\?\); SEARCH e USING INDEX sqlite_autoindex_process_events_rows_1 \(machine=\? AND timestamp>\?\)$/);
    expect(plan(db, "SELECT sha1 FROM process_events WHERE sha1 IS NOT NULL")).not.toMatch(/machine_numbers| n /);
    expect(plan(db, "SELECT count(*) FROM process_events WHERE sha1 = 'x' AND device_id = 'd'")).toMatch(/COVERING INDEX process_events_by_sha1_device \(sha1=\? AND machine=\?\)/);
  });
});
