import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/services/cache/migrate';
import { domainIs, urlIs } from '../../../main/services/cache/queries-pivots';
import { emptyEncryptedDb, indexedColumns, queryPlan as plan } from './helpers';

describe('migration 0005: URL indexes', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('upgrades a version 4 cache: every row kept, the URL pair holds only connections with a URL, the domain pair is gone', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't', 4);
    const insert = db.prepare(`INSERT INTO network_events (device_id, report_id, timestamp, remote_ip, remote_url, remote_domain, remote_port, initiating_process_id,
      initiating_process_creation_time) VALUES (?, ?, ?, '10.0.0.1', ?, ?, 443, 7, '2024-01-01T00:00:00.0000000Z')`);
    for (let i = 0; i < 60; i++) {
      const url = [null, '', 'a.example', 'https://a.example/x'][i % 4]!;
      insert.run(`d${i % 5}`, i, `2024-01-02T00:00:${String(i).padStart(2, '0')}.0000000Z`, url, url ? 'a.example' : null);
    }
    expect(migrate(db, 't', 5)).toBe(5);
    expect(db.prepare('SELECT count(*) FROM network_events').pluck().get()).toBe(60);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const network = indexedColumns(db, 'network_events');
    expect(network).toContainEqual(['remote_url', 'timestamp', 'device_id', 'initiating_process_id', 'initiating_process_creation_time']);
    expect(network).toContainEqual(['remote_url', 'device_id', 'initiating_process_id', 'initiating_process_creation_time', 'timestamp', 'remote_port']);
    expect(network.filter((columns) => columns.includes('remote_domain'))).toEqual([]);
    const partial = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'network_events' AND sql LIKE '%WHERE%' ORDER BY name").all() as Array<{ name: string; sql: string }>;
    expect(partial.map((index) => index.name)).toEqual(['network_events_by_remote_url_process', 'network_events_by_remote_url_time']);
    for (const index of partial) expect(index.sql).toMatch(/WHERE remote_url <> ''$/);
    expect(db.prepare(`SELECT count(*) FROM network_events WHERE ${urlIs("'a.example'")}`).pluck().get()).toBe(15);
  });

  it('is read by the URL and domain pivots, which name the index condition; a bare URL equality is not', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't');
    expect(plan(db, `SELECT timestamp FROM network_events WHERE ${urlIs("'u'")} ORDER BY timestamp DESC LIMIT 5`)).toMatch(/COVERING INDEX network_events_by_remote_url_time/);
    expect(plan(db, `SELECT count(*) FROM network_events WHERE ${urlIs("'u'")} AND device_id = 'd' AND initiating_process_id IS 1 AND initiating_process_creation_time IS 'c'`))
      .toMatch(/COVERING INDEX network_events_by_remote_url_process/);
    expect(plan(db, `SELECT count(*) FROM network_events WHERE ${domainIs("'a.example'")}`)).toMatch(/INDEX network_events_by_remote_url_(time|process)/);
    // Why urlIs exists: without the condition SQLite may not use a partial index.
    expect(plan(db, "SELECT count(*) FROM network_events WHERE remote_url = 'u'")).not.toMatch(/network_events_by_remote_url/);
  });
});
