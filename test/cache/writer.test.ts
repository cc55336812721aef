import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutpostError } from '../../contract';
import { openTenantCache, type CacheClient } from '../../main/services/cache';
import { startCacheClient } from '../../main/services/cache/client';
import { memoryKeychain } from '../../main/services/keychain';
import { markedBatch, tempHome, uniqueTenant } from './helpers';

// Real SQLCipher, a real keyring and child processes: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 240_000 });

describe('the sync write path and the named reads', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function fresh(): Promise<CacheClient> {
    const { home, remove } = tempHome();
    const cache = await openTenantCache({ home, tenantId: uniqueTenant(), region: 'eu', keychain: memoryKeychain(), create: true });
    cleanups.push(remove, () => cache.close());
    return cache;
  }

  it('is idempotent: the same page written twice adds nothing', async () => {
    const cache = await fresh();
    const first = await cache.write(markedBatch('idem', 500));
    expect(first.written.process_events).toBe(500);
    const again = await cache.write(markedBatch('idem', 500));
    expect(again.written.process_events).toBe(0);
    expect(again.duplicates).toBe(1000); // 500 process + 500 network events
    const info = await cache.info();
    expect(info.rowCounts.process_events).toBe(500);
    expect(info.rowCounts.network_events).toBe(500);
    expect(info.rowCounts.evidence).toBe(1);
    expect(info.rowCounts.machine_ip_addresses).toBe(1);
    // The same instant spelled two ways is one event.
    await cache.write({ processEvents: [{ Timestamp: '2024-05-01T00:00:00Z', DeviceId: 'machine-idem', ReportId: 0 }] });
    expect((await cache.info()).rowCounts.process_events).toBe(500);
  });

  it('keys events per device: the same ReportId on two machines is two events', async () => {
    const cache = await fresh();
    const row = { Timestamp: '2024-05-01T00:00:00Z', ReportId: 42, FileName: 'a.exe' };
    const summary = await cache.write({ processEvents: [{ ...row, DeviceId: 'one' }, { ...row, DeviceId: 'two' }] });
    expect(summary.written.process_events).toBe(2);
  });

  it('updates entities in place and replaces an alert’s evidence only when evidence is given', async () => {
    const cache = await fresh();
    await cache.write({ alerts: [{ id: 'a1', title: 'First title', evidence: [{ entityType: 'File', sha1: 'aaa' }, { entityType: 'Ip', ipAddress: '192.0.2.1' }] }] });
    await cache.write({ alerts: [{ id: 'a1', title: 'Second title', evidence: [] }] });
    const page = (await cache.query('invAlert', { id: 'a1' }))!;
    expect(page.alert.title).toBe('Second title');
    expect(page.evidence.length).toBe(2);
    await cache.write({ alerts: [{ id: 'a1', title: 'Second title', evidence: [{ entityType: 'File', sha1: 'bbb' }] }] });
    expect((await cache.query('invAlert', { id: 'a1' }))!.evidence.map((item) => item.sha1)).toEqual(['bbb']);
    // The old title no longer finds the alert; the new one does.
    expect(await cache.query('search', { text: 'First' })).toEqual([]);
    expect((await cache.query('search', { text: 'Second title' })).map((hit) => hit.kind)).toEqual(['alert']);
  });

  it('serves the pivots the pages read: file, IP, domain, account and the machine timeline', async () => {
    const cache = await fresh();
    await cache.write(markedBatch('pivot', 20));
    await cache.write({
      files: [{ sha1: 'sha1pivot', sha256: 'f'.repeat(64), fileType: 'PE' }],
      logonEvents: [{ Timestamp: '2024-05-02T00:00:00Z', DeviceId: 'machine-pivot', ReportId: 1, AccountName: 'user-pivot', AccountDomain: 'CONTOSO', RemoteIP: '198.51.100.7' }],
      logonUsers: [{ machineId: 'machine-pivot', accountName: 'user-pivot', accountDomain: 'CONTOSO', isDomainAdmin: false }],
    });
    const facts = async (type: 'file' | 'ip' | 'domain' | 'account', key: string) => (await cache.query('invEntity', { entity: { type, key } })).facts;
    const list = async (name: 'fileMachines' | 'fileAlerts' | 'ipMachines', key: string) => (await cache.query('invList', { list: name, key })).rows;
    expect(await facts('file', 'sha1pivot')).toMatchObject({ file_type: 'PE', process_count: 20, cache_machines: 1 });
    expect((await list('fileMachines', 'sha1pivot')).length).toBe(1);
    expect((await list('fileAlerts', 'sha1pivot')).length).toBe(1);
    expect(await facts('ip', '198.51.100.7')).toMatchObject({
      connections: 20, machines_connected: 1, logons_from: 1, first_seen: '2024-05-01T00:00:00.0000000Z', last_seen: '2024-05-02T00:00:00.0000000Z',
    });
    expect((await list('ipMachines', '10.9.8.7')).map((machine) => machine.id)).toEqual(['machine-pivot']);
    expect(await facts('domain', 'pivot.example.net')).toMatchObject({ connections: 20, urls: 1 });
    // Names are matched without regard to case, as Windows treats them.
    expect(await facts('account', 'contoso\\USER-PIVOT')).toMatchObject({ processes: 0, logons: 1, logged_on_machines: 1 });
    expect(await facts('account', '\\USER-PIVOT')).toMatchObject({ processes: 20 });
    const timeline = await cache.query('invTimeline', { deviceId: 'machine-pivot', limit: 100 });
    expect(timeline.rows.length).toBe(41);
    expect(timeline.rows[0]!.timestamp).toBe('2024-05-02T00:00:00.0000000Z');
  });

  it('finds names, paths, command lines, URLs and titles, and says what and where each hit is', async () => {
    const cache = await fresh();
    await cache.write(markedBatch('findme', 3));
    await cache.write({ notes: [{ entityType: 'machine', entityKey: 'machine-findme', body: 'Analyst remark about lateral movement' }] });
    const kinds = async (text: string) => [...new Set((await cache.query('search', { text })).map((hit) => hit.kind))].sort();
    expect(await kinds('proc-findme.exe')).toEqual(['processEvent']);
    expect(await kinds('findme.example.net')).toEqual(['networkEvent']);
    expect(await kinds('ws-findme')).toEqual(['machine']);
    expect(await kinds('Alert findme')).toEqual(['alert']);
    expect(await kinds('evidence-findme.exe')).toEqual(['evidence']);
    expect(await kinds('lateral')).toEqual(['note']);
    const [hit] = await cache.query('search', { text: '--secret findme 2' });
    expect(hit).toMatchObject({ kind: 'processEvent', key: { device_id: 'machine-findme', report_id: 2 }, label: 'proc-findme.exe' });
    // What the analyst types is never FTS syntax.
    expect(await cache.query('search', { text: 'NEAR( "unbalanced' })).toEqual([]);
  });

  it('answers reads while a write transaction is open, from the last committed state', async () => {
    const cache = await fresh();
    await cache.write(markedBatch('before', 10));
    const transaction = await cache.transaction();
    await transaction.append(markedBatch('during', 5000));
    // The writer holds an open transaction; a reader is not blocked and does not see it.
    const during = await cache.info();
    expect(during.rowCounts.process_events).toBe(10);
    expect(await cache.query('search', { text: 'proc-during.exe' })).toEqual([]);
    await transaction.commit();
    expect((await cache.info()).rowCounts.process_events).toBe(5010);
  });

  it('reports a full disk as CACHE_DISK_FULL and keeps what was committed', async () => {
    const { home, remove } = tempHome();
    cleanups.push(remove);
    // A page budget makes SQLite answer SQLITE_FULL exactly as a full disk does.
    const cache = await startCacheClient({ file: path.join(home, 'cache.db'), tenantId: 'full', region: 'eu', create: true, key: new Uint8Array(randomBytes(32)), maxPageCount: 400 });
    cleanups.push(() => cache.close());
    await cache.write(markedBatch('small', 10));
    const error = await cache.write(markedBatch('huge', 20_000)).catch((caught: OutpostError) => caught);
    expect((error as OutpostError).code).toBe('CACHE_DISK_FULL');
    expect((error as OutpostError).message).toMatch(/Free some space/);
    expect((await cache.info()).rowCounts.process_events).toBe(10);
  });
});
