import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../main/services/cache/migrate';
import { emptyEncryptedDb } from './helpers';

describe('migration 0004: the oldest event time per event table', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('is filled from the events a version 3 cache holds, one bound per table that has any', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't', 3);
    const insert = db.prepare('INSERT INTO process_events (device_id, report_id, timestamp) VALUES (?, ?, ?)');
    // The oldest is on neither the first nor the last machine.
    insert.run('d1', 1, '2024-03-01T00:00:00.0000000Z');
    insert.run('d2', 2, '2024-01-15T08:00:00.0000000Z');
    insert.run('d2', 3, '2024-04-01T00:00:00.0000000Z');
    insert.run('d3', 4, '2024-02-01T00:00:00.0000000Z');
    db.prepare('INSERT INTO logon_events (device_id, report_id, timestamp) VALUES (?, ?, ?)').run('d9', 1, '2023-12-31T23:59:59.0000000Z');
    expect(migrate(db, 't', 4)).toBe(4);
    expect(db.prepare('SELECT table_name, oldest FROM event_bounds ORDER BY table_name').raw().all()).toEqual([
      ['logon_events', '2023-12-31T23:59:59.0000000Z'],
      ['process_events', '2024-01-15T08:00:00.0000000Z'],
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
