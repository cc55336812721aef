// Narrowing the sync scope: through the real sync (syncTenant, the emulator, an encrypted
// cache), a scope of two device groups and then of one leaves nothing of the other group's
// machines in any table, the search index or the pivots, keeps every row of the kept group,
// keeps the file / account summaries exact, and says so in the audit log without naming a
// machine. A scope that matches no machine is refused before anything changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import type { Db } from '../../main/services/cache/engine';
import { rebuildKeyMachines } from '../../main/services/cache/key-machines';
import { accountMachines, fileMachines } from '../../main/services/cache/queries-pivots';
import { memoryKeychain } from '../../main/services/keychain';
import { syncTenant } from '../../main/services/operations/sync-tenant';
import type { SyncScopeInput } from '../../main/services/sync/scope';
import { connectTenant, type TenantConnection } from '../../main/services/tenant/connect';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, syncWindow, testCache, truthSums, wholeMinute, type TestCache } from './helpers';

const at = wholeMinute(Date.now());
const FAST = { entityPerMinute: 100_000, entityPerHour: 1_000_000, huntingPerMinute: 100_000, huntingPerHour: 1_000_000 };
const FINANCE = 101;
const SERVERS = 103;

let emulator: RunningEmulator;
let connection: TenantConnection;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21, scale: 'small', now: () => at, deviceCodeIntervalSeconds: 1, limits: FAST });
  connection = connectTenant(profileFor(emulator), memoryKeychain());
  await connection.signIn.signInWithDeviceCode((prompt) => emulator.approve(prompt.userCode, 'soc-admin'));
});
afterAll(async () => {
  connection?.close();
  await emulator?.close();
});

function sync(store: TestCache, scope: SyncScopeInput) {
  return syncTenant({ home: store.folder, keychain: memoryKeychain(), connection, cache: store.cache, scope, now: () => at, api: { clock: recordingClock(), backoffBaseMs: 1 } });
}

function machinesOf(group: number): string[] {
  return emulator.groundTruth.machines('soc-admin', { groupIds: [group], from: at, to: at }).map((m) => m.id);
}

/** Every row that names one of these machines, per table (evidence by its alert). */
function rowsOf(db: Db, ids: readonly string[]): Record<string, number> {
  const list = JSON.stringify(ids);
  const count = (table: string, column: string) =>
    db.prepare(`SELECT count(*) FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?))`).pluck().get(list) as number;
  return {
    ...Object.fromEntries(['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'device_info', 'file_machines', 'account_machines']
      .map((table) => [table, count(table, 'device_id')])),
    alerts: count('alerts', 'machine_id'),
    evidence: db.prepare('SELECT count(*) FROM evidence JOIN alerts ON alerts.id = evidence.alert_id WHERE machine_id IN (SELECT value FROM json_each(?))').pluck().get(list) as number,
    logon_users: count('logon_users', 'machine_id'),
    machines: count('machines', 'id'),
    machine_tags: count('machine_tags', 'machine_id'),
    machine_ip_addresses: count('machine_ip_addresses', 'machine_id'),
    logon_user_fetches: count('sync_checkpoints', "substr(stream, length('logon-users:') + 1)"),
  };
}

/** Search entries whose row is gone: there must be none (each kind's rowid is rowid * 16 + kind). */
function orphanSearchEntries(db: Db): number {
  const tables: Record<number, string> = {
    1: 'machines', 2: 'alerts', 3: 'evidence', 4: 'files', 5: 'process_events', 6: 'file_events', 7: 'registry_events', 8: 'network_events', 9: 'logon_events', 10: 'device_info', 11: 'notes',
  };
  const rowids = db.prepare('SELECT rowid FROM search').pluck().all() as number[];
  let orphans = 0;
  for (const [kind, table] of Object.entries(tables)) {
    const mine = rowids.filter((r) => r % 16 === Number(kind)).map((r) => Math.floor(r / 16));
    const present = db.prepare(`SELECT count(*) FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(mine)) as number;
    orphans += mine.length - present;
  }
  return orphans;
}

const summaries = (db: Db) => ({
  files: db.prepare('SELECT * FROM file_machines ORDER BY sha1, source, device_id').all(),
  accounts: db.prepare('SELECT lower(account_name) AS name, lower(account_domain) AS domain, source, device_id, events, first_seen, last_seen, device_name FROM account_machines ORDER BY 1, 2, source, device_id').all(),
});

/** What rebuildKeyMachines computes from the events, on the same file, rolled back. */
function rebuilt(db: Db) {
  db.pragma('query_only=OFF');
  db.exec('BEGIN IMMEDIATE');
  try {
    rebuildKeyMachines(db);
    return summaries(db);
  } finally {
    db.exec('ROLLBACK');
  }
}

describe('narrowing the sync scope forgets the machines outside it', () => {
  it('Finance + Servers, then Servers: nothing of Finance anywhere, every row of Servers still there', async () => {
    const finance = machinesOf(FINANCE);
    const servers = machinesOf(SERVERS);
    expect(finance.length).toBeGreaterThan(0);
    expect(servers.length).toBeGreaterThan(0);
    const store = await testCache(emulator.registration.tenantId);
    try {
      await sync(store, { groups: ['Finance', 'Servers'] });
      const before = store.read((db) => ({
        finance: rowsOf(db, finance),
        servers: rowsOf(db, servers),
        host: db.prepare('SELECT computer_dns_name FROM machines WHERE id = ?').pluck().get(finance[0]) as string,
        sha1s: db.prepare('SELECT DISTINCT sha1 FROM file_machines WHERE device_id IN (SELECT value FROM json_each(?)) LIMIT 50').pluck().all(JSON.stringify(finance)) as string[],
        accounts: db.prepare('SELECT DISTINCT account_name, account_domain FROM account_machines WHERE device_id IN (SELECT value FROM json_each(?)) LIMIT 50').raw().all(JSON.stringify(finance)) as Array<[string, string]>,
      }));
      // Finance is there to forget, in every kind of row.
      for (const table of ['process_events', 'file_events', 'network_events', 'logon_events', 'device_info', 'alerts', 'evidence', 'logon_users', 'machines', 'file_machines', 'account_machines', 'logon_user_fetches']) {
        expect(before.finance[table], table).toBeGreaterThan(0);
      }
      expect(before.sha1s.length).toBeGreaterThan(0);
      expect(before.accounts.length).toBeGreaterThan(0);

      const summary = await sync(store, { groups: ['Servers'] });
      expect(summary.forgotten?.machines).toBe(finance.length);

      const hostHits = await store.cache.query('search', { text: before.host });
      store.read((db) => {
        // Nothing of Finance in any table; Servers exactly as before, and as the tenant has it.
        expect(rowsOf(db, finance)).toEqual(Object.fromEntries(Object.keys(before.finance).map((table) => [table, 0])));
        expect(rowsOf(db, servers)).toEqual(before.servers);
        const truth = truthSums(emulator.groundTruth, 'soc-admin', syncWindow(at, 30, { groupIds: [SERVERS] }), { ...syncWindow(at, 30, { groupIds: [SERVERS] }), from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
        const sums = cacheSums(db);
        for (const [table, sum] of Object.entries(truth)) expect(sums[table], table).toEqual(sum);
        expect(db.prepare('SELECT rbac_group_id FROM device_groups').pluck().all()).toEqual([SERVERS]);
        // No search entry outlives its row, and the pivots list no Finance machine.
        expect(orphanSearchEntries(db)).toBe(0);
        for (const sha1 of before.sha1s) {
          expect(fileMachines(db, sha1, { limit: 1000, offset: 0 }).rows.filter((row) => finance.includes(String(row.device_id)))).toEqual([]);
        }
        for (const [name, domain] of before.accounts) {
          expect(accountMachines(db, { name, domain }, { limit: 1000, offset: 0 }).rows.filter((row) => finance.includes(String(row.device_id)))).toEqual([]);
        }
        // The summaries are what the events say.
        expect(summaries(db)).toEqual(rebuilt(db));
        // The audit log: how many and why, no machine.
        const entries = db.prepare("SELECT action, detail FROM audit_log WHERE action IN ('purge', 'sync') ORDER BY seq").all() as Array<{ action: string; detail: string }>;
        const forgetting = entries.filter((e) => e.action === 'purge' && (JSON.parse(e.detail) as { reason?: string }).reason === 'scope narrowed');
        expect(forgetting).toHaveLength(1);
        expect(JSON.parse(forgetting[0]!.detail)).toMatchObject({ machines: finance.length, removed: { machines: finance.length } });
        expect(JSON.parse(entries.at(-1)!.detail)).toMatchObject({ ok: true, forgottenMachines: finance.length });
        const log = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
        for (const id of finance) expect(log).not.toContain(id);
        expect(log.toLowerCase()).not.toContain(before.host.toLowerCase());
      });
      // The host name finds no row of Finance; what it still finds is Servers' own rows (a
      // Servers machine's logon from that host names it), which the narrower scope keeps.
      expect(hostHits.filter((hit) => !servers.includes(String(hit.key.device_id ?? hit.key.id)))).toEqual([]);
      expect(hostHits.every((hit) => hit.kind === 'logonEvent' || hit.kind === 'networkEvent')).toBe(true);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a first sync whose scope matches nothing fails with SCOPE_EMPTY naming what matched nothing, and syncs nothing', async () => {
    const store = await testCache(emulator.registration.tenantId);
    try {
      const refused = await sync(store, { groups: ['Finanse'], machines: ['ws-nowhere'] }).then(
        () => null,
        (error: { code: string; message: string }) => error,
      );
      expect(refused?.code).toBe('SCOPE_EMPTY');
      expect(refused?.message).toContain('group Finanse');
      expect(refused?.message).toContain('machine ws-nowhere');
      const { rowCounts } = await store.cache.info();
      for (const table of ['machines', 'alerts', 'process_events', 'network_events', 'logon_users']) expect(rowCounts[table], table).toBe(0);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a scope with one mistyped group syncs the rest and names the mistyped one in the summary and the audit log', async () => {
    const store = await testCache(emulator.registration.tenantId);
    try {
      const summary = await sync(store, { groups: ['Servers', 'Finanse'] });
      expect(summary.unmatched).toEqual(['group Finanse']);
      expect(summary.machines).toBe(machinesOf(SERVERS).length);
      store.read((db) => {
        const detail = db.prepare("SELECT detail FROM audit_log WHERE action = 'sync' ORDER BY seq DESC LIMIT 1").pluck().get() as string;
        expect(JSON.parse(detail)).toMatchObject({ ok: true, unmatched: ['group Finanse'] });
      });
      // Group names match whatever their case, as the sync itself matches them.
      expect((await sync(store, { groups: ['servers'] })).unmatched).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a scope naming no group the tenant has fails with SCOPE_EMPTY, and the cache is unchanged', async () => {
    const store = await testCache(emulator.registration.tenantId);
    try {
      await sync(store, { groups: ['Finance', 'Servers'] });
      const state = async () => {
        const info = await store.cache.info();
        const { audit_log: _audit, ...rowCounts } = info.rowCounts;
        const checkpoints = (await store.cache.query('checkpoints')) as Array<{ stream: string; cursor: string | null; detail: string | null }>;
        return {
          rowCounts,
          scope: await store.cache.query('scope'),
          cursors: checkpoints.filter((c) => c.stream !== 'clock').map((c) => [c.stream, c.cursor, c.detail]),
        };
      };
      const before = await state();
      expect(before.cursors.some(([stream, cursor]) => stream === 'hunt:DeviceProcessEvents' && cursor)).toBe(true);
      await expect(sync(store, { groups: ['Finanse'] })).rejects.toMatchObject({ code: 'SCOPE_EMPTY' });
      expect(await state()).toEqual(before);
    } finally {
      await store.close();
    }
  }, 120_000);
});
