import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/services/cache/migrate';
import { emptyEncryptedDb, indexedColumns, queryPlan } from './helpers';

describe('migration 0002: pivot indexes', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('upgrades a version 1 cache with events in it, keeping every row', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't', 1);
    const insert = db.prepare(`INSERT INTO network_events (device_id, report_id, timestamp, remote_ip, remote_url, remote_domain, remote_port, initiating_process_id,
      initiating_process_creation_time) VALUES (?, ?, ?, '10.0.0.1', 'https://a.example/x', 'a.example', 443, 7, '2024-01-01T00:00:00.0000000Z')`);
    for (let i = 0; i < 50; i++) insert.run(`d${i % 5}`, i, `2024-01-02T00:00:${String(i).padStart(2, '0')}.0000000Z`);
    db.prepare("INSERT INTO process_events (device_id, report_id, timestamp, sha1, account_name, account_domain) VALUES ('d1', 1, '2024-01-02T00:00:00.0000000Z', 'ab', 'System', 'NT AUTHORITY')").run();
    expect(migrate(db, 't', 2)).toBe(2);
    expect(db.prepare('SELECT count(*) FROM network_events').pluck().get()).toBe(50);
    expect(db.prepare("SELECT count(*) FROM process_events WHERE account_name = 'system' COLLATE NOCASE").pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('gives each pivot an index it can read without the rows, and drops the one-column ones they extend', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't', 2); // 0005 replaces the URL and domain pairs
    const has = (table: string, columns: string[]) => expect(indexedColumns(db, table), `${table}(${columns.join(', ')})`).toContainEqual(columns);
    has('process_events', ['sha1', 'device_id', 'timestamp']);
    has('file_events', ['sha1', 'device_id', 'timestamp']);
    has('process_events', ['account_name', 'account_domain', 'device_id', 'timestamp']);
    has('logon_events', ['account_name', 'account_domain', 'device_id', 'timestamp']);
    has('process_events', ['device_id', 'initiating_process_id', 'timestamp']);
    for (const column of ['remote_ip', 'remote_url', 'remote_domain']) {
      has('network_events', [column, 'timestamp', 'device_id', 'initiating_process_id', 'initiating_process_creation_time']);
      has('network_events', [column, 'device_id', 'initiating_process_id', 'initiating_process_creation_time', 'timestamp', 'remote_port']);
      expect(indexedColumns(db, 'network_events')).not.toContainEqual([column]);
    }
    expect(indexedColumns(db, 'process_events')).not.toContainEqual(['sha1']);
    expect(indexedColumns(db, 'file_events')).not.toContainEqual(['sha1']);
    const plan = (sql: string) => queryPlan(db, sql);
    expect(plan("SELECT count(*) FROM process_events WHERE account_name = 'a' COLLATE NOCASE AND account_domain IS 'b' COLLATE NOCASE AND device_id = 'd'")).toMatch(/COVERING INDEX process_events_by_account_device/);
    expect(plan("SELECT count(*) FROM network_events WHERE remote_ip = 'a' AND device_id = 'd' AND initiating_process_id IS 1 AND initiating_process_creation_time IS 'c'")).toMatch(/COVERING INDEX network_events_by_remote_ip_process/);
    // The search index's terms in order, for expanding a typed prefix.
    db.prepare("INSERT INTO search (rowid, text) VALUES (21, 'svchost.exe netsvcs')").run();
    expect(db.prepare("SELECT DISTINCT term FROM search_terms WHERE term >= 'svc' AND term < 'svd'").pluck().all()).toEqual(['svchost']);
    expect(plan("SELECT timestamp FROM file_events WHERE sha1 = 'a' AND device_id = 'd' ORDER BY timestamp DESC LIMIT 1")).toMatch(/COVERING INDEX file_events_by_sha1_device/);
  });
});
