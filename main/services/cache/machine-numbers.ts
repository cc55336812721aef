import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Db } from './engine';

/*
 * Event rows name their machine by number (migration 0006); the writer turns each row's
 * DeviceId into it. Numbers are remembered for one transaction only: a number made in a
 * transaction that rolls back, or dropped by a later removal of the machine's last events
 * (remove-rows.ts), must not be used after it. A sync answer holds a few hundred machines, so
 * looking them up again per transaction costs a few hundred seeks against tens of thousands of
 * inserts.
 */
export class MachineNumbers {
  private readonly known = new Map<string, number>();
  private readonly find: Sqlite.Statement;
  private readonly add: Sqlite.Statement;

  constructor(db: Db) {
    this.find = db.prepare('SELECT number FROM machine_numbers WHERE device_id = ?').pluck();
    this.add = db.prepare('INSERT INTO machine_numbers (device_id) VALUES (?) RETURNING number').pluck();
  }

  /** The machine's number, made when it is new; null for a row without a DeviceId (its insert is refused: NOT NULL). */
  of(deviceId: unknown): number | null {
    if (deviceId === null || deviceId === undefined) return null;
    const id = String(deviceId);
    let number = this.known.get(id);
    if (number === undefined) {
      number = ((this.find.get(id) ?? this.add.get(id)) as number);
      this.known.set(id, number);
    }
    return number;
  }

  /** The transaction ended (committed or rolled back). */
  forget(): void {
    this.known.clear();
  }
}

/** SQL: a stored event row's machine is this device (`device`: an SQL expression); its number is looked up once per statement. */
export const machineIs = (device: string) => `machine = (SELECT number FROM machine_numbers WHERE device_id = ${device})`;

/** SQL: a stored row's device id from its machine number, as `device_id` (once per group in a grouped read, not per row). */
export const deviceIdOfMachine = '(SELECT device_id FROM machine_numbers WHERE number = machine) AS device_id';

/**
 * After a removal: the numbers of machines no event names any more go, so a forgotten machine's
 * id leaves the cache with its rows. One seek per machine and table.
 */
export function dropUnusedMachineNumbers(db: Db, tables: readonly string[]): number {
  const unused = tables.map((rows) => `NOT EXISTS (SELECT 1 FROM ${rows} WHERE machine = machine_numbers.number)`).join(' AND ');
  return db.prepare(`DELETE FROM machine_numbers WHERE ${unused}`).run().changes;
}
