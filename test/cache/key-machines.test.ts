import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../main/services/cache/migrate';
import { purgeOlderThan } from '../../main/services/cache/purge';
import { rebuildKeyMachines } from '../../main/services/cache/key-machines';
import { createWriter } from '../../main/services/cache/writer';
import type { HuntingRow } from '../../main/services/cache/records';
import { emptyEncryptedDb } from './migrations/helpers';

/*
 * The per-(file / account, machine) summaries the writer keeps must be exactly what the events
 * say: the same as computing them from the rows, after repeats, case variants of an account,
 * missing and empty domains, a rolled-back answer, and a purge.
 */

let fixture: ReturnType<typeof emptyEncryptedDb>;
afterEach(() => fixture?.remove());

const time = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 37_003).toISOString().replace('Z', '0000Z');
const accounts = [['System', 'NT AUTHORITY'], ['SYSTEM', 'nt authority'], ['alice', null], ['Alice', ''], ['bob', 'FABRIKAM'], [null, null]] as const;

function events(from: number, to: number): { processEvents: HuntingRow[]; fileEvents: HuntingRow[]; logonEvents: HuntingRow[] } {
  const out = { processEvents: [] as HuntingRow[], fileEvents: [] as HuntingRow[], logonEvents: [] as HuntingRow[] };
  for (let i = from; i < to; i++) {
    const d = (i * 7) % 9;
    const [name, domain] = accounts[i % accounts.length]!;
    const common = { DeviceId: `dev${d}`, DeviceName: `host${d}-${i % 2}`, ReportId: i, Timestamp: time(i) };
    out.processEvents.push({ ...common, SHA1: i % 11 === 0 ? null : i % 13 === 0 ? '' : `sha${i % 5}`, AccountName: i % 17 === 0 ? '' : name, AccountDomain: domain });
    if (i % 2) out.fileEvents.push({ ...common, SHA1: `sha${i % 3}` });
    if (i % 3) out.logonEvents.push({ ...common, AccountName: name, AccountDomain: domain });
  }
  return out;
}

const snapshot = (db: typeof fixture.db) => ({
  files: db.prepare('SELECT * FROM file_machines ORDER BY sha1, source, device_id').all(),
  accounts: db.prepare('SELECT lower(account_name) AS name, lower(account_domain) AS domain, source, device_id, events, first_seen, last_seen, device_name FROM account_machines ORDER BY 1, 2, source, device_id').all(),
});

describe('file and account summaries kept by the writer', () => {
  it('equal the events: repeats, case, missing domains, a rolled-back answer, a purge', () => {
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't');
    const writer = createWriter(db);
    writer.write(events(0, 400));
    writer.write(events(200, 600)); // half repeats: counted once
    // A streamed answer, as the worker runs it: appends, then the tally, then COMMIT.
    db.exec('BEGIN IMMEDIATE');
    writer.append(events(600, 900));
    writer.append(events(850, 1000));
    writer.beforeCommit();
    db.exec('COMMIT');
    // One rolled back: none of it may count.
    db.exec('BEGIN IMMEDIATE');
    writer.append(events(1000, 1300));
    db.exec('ROLLBACK');
    writer.afterRollback();
    writer.write(events(1300, 1310));

    const kept = snapshot(db);
    expect(kept.files.length).toBeGreaterThan(40);
    expect(db.prepare('SELECT sum(events) FROM file_machines WHERE source = 1').pluck().get()).toBe(db.prepare("SELECT count(*) FROM process_events WHERE sha1 <> ''").pluck().get());
    // Both spellings of SYSTEM are one account.
    expect(db.prepare("SELECT sum(events) FROM account_machines WHERE account_name = 'system' AND account_domain = 'NT Authority'").pluck().get())
      .toBe(db.prepare("SELECT (SELECT count(*) FROM process_events WHERE account_name = 'system' COLLATE NOCASE) + (SELECT count(*) FROM logon_events WHERE account_name = 'system' COLLATE NOCASE)").pluck().get());
    rebuildKeyMachines(db);
    expect(kept).toEqual(snapshot(db));

    // A purge takes its events off: counts, first sightings, and pairs left with none.
    const summary = purgeOlderThan(db, time(500));
    expect(summary.removed.process_events).toBeGreaterThan(0);
    const purged = snapshot(db);
    expect(purged.files.every((row) => (row as { first_seen: string }).first_seen >= time(500))).toBe(true);
    rebuildKeyMachines(db);
    expect(purged).toEqual(snapshot(db));
  });
});

describe('the files a sync still has to profile', () => {
  it('evidence first, then by how often events name them, without those already profiled', async () => {
    const { runQuery } = await import('../../main/services/cache/queries');
    fixture = emptyEncryptedDb();
    const db = fixture.db;
    migrate(db, 't');
    const writer = createWriter(db);
    const sha = (c: string) => c.repeat(40);
    const row = (i: number, sha1: string) => ({ DeviceId: `dev${i % 3}`, ReportId: i, Timestamp: time(i), SHA1: sha1 });
    writer.write({
      processEvents: [row(1, sha('a')), row(2, sha('a').toUpperCase()), row(3, sha('b')), row(4, sha('c')), row(5, 'short')],
      fileEvents: [row(6, sha('b')), row(7, sha('b')), row(8, sha('d'))],
      alerts: [{ id: 'da1', evidence: [{ entityType: 'File', sha1: sha('d') }] } as never],
      files: [{ sha1: sha('c') } as never],
    });
    expect(runQuery(db, 'filesWithoutProfile', { limit: 10 })).toEqual([sha('d'), sha('b'), sha('a')]);
  });
});
