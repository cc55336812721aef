// The purge at open skips an event table whose kept bound says nothing in it is old enough
// (event-bounds.ts). A bound above a real event would let expired evidence outlive the tenant's
// retention, so this holds the bound to "never above the oldest event" through writes in any
// order (older events arriving later, repeats, streams rolled back) and purges, and checks
// each purge leaves nothing before its cutoff.
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../emulator/prng';
import { huntingTables } from '../../main/services/cache/columns';
import { migrate } from '../../main/services/cache/migrate';
import { purgeOlderThan } from '../../main/services/cache/purge';
import { createWriter } from '../../main/services/cache/writer';
import { emptyEncryptedDb } from './migrations/helpers';

const day = 86_400_000;
const start = Date.UTC(2024, 0, 1);
const fields = ['processEvents', 'networkEvents', 'logonEvents', 'deviceInfo'] as const;
const tableOf = { processEvents: huntingTables.processEvents.table, networkEvents: huntingTables.networkEvents.table, logonEvents: huntingTables.logonEvents.table, deviceInfo: huntingTables.deviceInfo.table };

describe('event bounds', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('stay at or below each table\'s oldest event through random writes, rollbacks and purges, and every purge removes all before its cutoff', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't');
    const writer = createWriter(db);
    const random = seededRandom(20261126);
    let reportId = 0;
    const rows = (count: number) =>
      Array.from({ length: count }, () => ({
        Timestamp: new Date(start + Math.floor(random() * 60 * day)).toISOString(),
        DeviceId: `d${Math.floor(random() * 7)}`,
        // Now and then a repeat of an event already written: it must not move anything.
        ReportId: random() < 0.1 && reportId > 0 ? Math.floor(random() * reportId) : ++reportId,
      }));
    const oldest = (table: string) => db.prepare(`SELECT min(timestamp) FROM ${table}`).pluck().get() as string | null;
    const bound = (table: string) => db.prepare('SELECT oldest FROM event_bounds WHERE table_name = ?').pluck().get(table) as string | undefined;
    let purges = 0;
    for (let step = 0; step < 120; step++) {
      const field = fields[Math.floor(random() * fields.length)]!;
      const choice = random();
      if (choice < 0.55) {
        writer.write({ [field]: rows(1 + Math.floor(random() * 40)) });
      } else if (choice < 0.75) {
        // A streamed answer, committed or rolled back as the worker does.
        db.exec('BEGIN IMMEDIATE');
        writer.append({ [field]: rows(1 + Math.floor(random() * 40)) });
        if (random() < 0.5) {
          writer.beforeCommit();
          db.exec('COMMIT');
        } else {
          db.exec('ROLLBACK');
          writer.afterRollback();
        }
      } else {
        const cutoff = new Date(start + Math.floor(random() * 60 * day)).toISOString();
        purgeOlderThan(db, cutoff);
        purges++;
        for (const table of Object.values(tableOf)) {
          expect(db.prepare(`SELECT count(*) FROM ${table} WHERE timestamp < ?`).pluck().get(cutoff), `${table} after purge at ${cutoff}`).toBe(0);
        }
      }
      for (const table of Object.values(tableOf)) {
        const real = oldest(table);
        if (real !== null) {
          expect(bound(table), `${table} at step ${step}`).toBeDefined();
          expect(bound(table)! <= real, `${table} at step ${step}: bound ${bound(table)} above ${real}`).toBe(true);
        }
      }
    }
    expect(purges).toBeGreaterThan(10);
  });
});
