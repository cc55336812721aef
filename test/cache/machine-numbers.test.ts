import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../main/services/cache/engine';
import { forgetMachinesOutside } from '../../main/services/cache/forget-machines';
import { migrate } from '../../main/services/cache/migrate';
import { purgeOlderThan } from '../../main/services/cache/purge';
import { createWriter } from '../../main/services/cache/writer';
import { emptyEncryptedDb } from './migrations/helpers';

/*
 * Event rows name their machine by number (migration 0006, machine-numbers.ts). What must hold:
 * a row always reads back under its own DeviceId, whatever rolled back or was removed before it,
 * and a machine's id leaves the cache with its last event.
 */

// A null DeviceId is bad input the writer must refuse, which the row type does not allow.
const event = (device: string | null, report: number, day: number) => ({
  DeviceId: device as string, ReportId: report, Timestamp: `2024-05-${String(day).padStart(2, '0')}T00:00:00Z`, FileName: `f${report}.exe`,
});
const devicesOf = (db: Db) => db.prepare('SELECT DISTINCT device_id FROM process_events ORDER BY 1').pluck().all();
const numbered = (db: Db) => db.prepare('SELECT device_id FROM machine_numbers ORDER BY 1').pluck().all();

describe('machine numbers in the event rows', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  function cache() {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't');
    return { db: fixture.db, writer: createWriter(fixture.db) };
  }

  it('refuses a row without a DeviceId, rolls its batch back whole, and numbers the next batch afresh', () => {
    const { db, writer } = cache();
    // The first row numbers machine "new"; the second is refused, so that number rolls back.
    expect(() => writer.write({ processEvents: [event('new', 1, 1), event(null, 2, 1)] })).toThrow(/NOT NULL/);
    expect(numbered(db)).toEqual([]);
    // A number remembered from the rolled-back batch would leave this row under no machine.
    writer.write({ processEvents: [event('other', 3, 1), event('new', 4, 1)] });
    expect(db.prepare('SELECT report_id, device_id FROM process_events ORDER BY report_id').raw().all()).toEqual([[3, 'other'], [4, 'new']]);
  });

  it('forgets a rolled-back number in a transaction the worker opened as well (append / afterRollback)', () => {
    const { db, writer } = cache();
    db.exec('BEGIN IMMEDIATE');
    writer.append({ processEvents: [event('gone', 1, 1)] });
    db.exec('ROLLBACK');
    writer.afterRollback();
    db.exec('BEGIN IMMEDIATE');
    writer.append({ processEvents: [event('kept', 2, 1), event('gone', 3, 1)] });
    writer.beforeCommit();
    db.exec('COMMIT');
    expect(devicesOf(db)).toEqual(['gone', 'kept']);
  });

  it('drops the number of a machine whose last event the retention purge removed, and keeps the others', () => {
    const { db, writer } = cache();
    writer.write({ processEvents: [event('old', 1, 1), event('both', 2, 1), event('both', 3, 20)], networkEvents: [event('net-only', 4, 20)] });
    const purge = purgeOlderThan(db, '2024-05-10T00:00:00.0000000Z');
    expect(purge.removed.process_events).toBe(2);
    expect(numbered(db)).toEqual(['both', 'net-only']);
    // The same machine seen again gets a number again, and reads back under its id.
    writer.write({ processEvents: [event('old', 5, 21)] });
    expect(devicesOf(db)).toEqual(['both', 'old']);
  });

  it('drops the numbers of forgotten machines with their rows', () => {
    const { db, writer } = cache();
    writer.write({ processEvents: [event('a', 1, 1), event('b', 2, 1)], logonEvents: [event('c', 3, 1)] });
    const forgotten = forgetMachinesOutside(db, ['a']);
    expect(forgotten.machines).toBe(2);
    expect(numbered(db)).toEqual(['a']);
    expect(devicesOf(db)).toEqual(['a']);
    expect(db.prepare('SELECT count(*) FROM logon_events').pluck().get()).toBe(0);
  });
});
