import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/services/cache/migrate';
import { fileMachines } from '../../../main/services/cache/queries-pivots';
import { emptyEncryptedDb } from './helpers';

describe('migration 0003: file and account summaries', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('builds them from the events of a version 2 cache', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't', 2);
    const insert = db.prepare(`INSERT INTO process_events (device_id, report_id, timestamp, device_name, sha1, account_name, account_domain)
      VALUES (?, ?, ?, ?, 'ab', ?, ?)`);
    for (let i = 0; i < 30; i++) insert.run(`d${i % 3}`, i, `2024-01-02T00:00:${String(i).padStart(2, '0')}.0000000Z`, `name${i}`, i % 2 ? 'System' : 'SYSTEM', i % 5 ? 'NT AUTHORITY' : null);
    expect(migrate(db, 't', 3)).toBe(3);
    expect(fileMachines(db, 'ab', { limit: 10, offset: 0 }).rows.map((row) => [row.device_id, row.events, row.first_seen, row.device_name])).toEqual([
      ['d0', 10, '2024-01-02T00:00:00.0000000Z', 'name27'],
      ['d1', 10, '2024-01-02T00:00:01.0000000Z', 'name28'],
      ['d2', 10, '2024-01-02T00:00:02.0000000Z', 'name29'],
    ]);
    expect(db.prepare("SELECT account_domain, sum(events) FROM account_machines WHERE account_name = 'system' GROUP BY 1 ORDER BY 1").raw().all()).toEqual([['', 6], ['NT AUTHORITY', 24]]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
