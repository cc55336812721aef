// RBAC and scope, through the real sync: a user of one device group syncs nothing of
// another; --groups and --machines leave out every machine outside them; --days bounds
// hunting timestamps; severity and status filters bound alerts. Each case ends equal to the
// ground truth for that user and scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator, type TruthScope } from '../../emulator';
import { memoryKeychain } from '../../main/services/keychain';
import { runSync } from '../../main/services/sync/runner';
import type { SyncScopeInput } from '../../main/services/sync/scope';
import { connectTenant } from '../../main/services/tenant/connect';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, cacheTableOf, HUNTING, syncWindow, testCache, truthSums, wholeMinute, type Sums } from './helpers';

const at = wholeMinute(Date.now());
const FAST = { entityPerMinute: 100_000, entityPerHour: 1_000_000, huntingPerMinute: 100_000, huntingPerHour: 1_000_000 };

interface Synced {
  sums: Sums;
  machineIds: string[];
  alertMachineIds: string[];
  huntingDeviceIds: string[];
  timestamps: { min: string | null; max: string | null };
  alerts: Array<{ severity: string; status: string }>;
}

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21, scale: 'small', now: () => at, deviceCodeIntervalSeconds: 1, limits: FAST });
});
afterAll(async () => {
  await emulator?.close();
});

/** Signs in as `user` (device code, approved on the emulator's verification page) and syncs `scope` into a fresh cache. */
async function syncAs(user: string, scope?: SyncScopeInput): Promise<Synced> {
  const connection = connectTenant(profileFor(emulator), memoryKeychain());
  const store = await testCache(emulator.registration.tenantId);
  try {
    await connection.signIn.signInWithDeviceCode((prompt) => emulator.approve(prompt.userCode, user));
    await runSync({ connection, cache: store.cache, scope, now: () => at, api: { clock: recordingClock(), backoffBaseMs: 1 } });
    return store.read((db) => {
      const ids = (sql: string) => db.prepare(sql).pluck().all() as string[];
      const union = HUNTING.map((t) => `SELECT device_id FROM ${cacheTableOf[t]}`).join(' UNION ');
      const times = HUNTING.filter((t) => t !== 'DeviceInfo').map((t) => `SELECT timestamp FROM ${cacheTableOf[t]}`).join(' UNION ALL ');
      return {
        sums: cacheSums(db),
        machineIds: ids('SELECT id FROM machines'),
        alertMachineIds: ids('SELECT DISTINCT machine_id FROM alerts'),
        huntingDeviceIds: ids(union),
        timestamps: db.prepare(`SELECT min(timestamp) AS min, max(timestamp) AS max FROM (${times})`).get() as { min: string | null; max: string | null },
        alerts: db.prepare('SELECT severity, status FROM alerts').all() as Array<{ severity: string; status: string }>,
      };
    });
  } finally {
    connection.close();
    await store.close();
  }
}

function expectTruth(synced: Synced, user: string, scope: TruthScope): void {
  const truth = truthSums(emulator.groundTruth, user, scope, { ...scope, from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' });
  for (const [table, sum] of Object.entries(truth)) expect(synced.sums[table], table).toEqual(sum);
}

describe('RBAC: a user of one device group syncs nothing of another', () => {
  it('analyst-finance (Finance) gets exactly Finance, and no machine, alert or event of Engineering or Servers', async () => {
    const synced = await syncAs('analyst-finance');
    const admin = emulator.groundTruth.machines('soc-admin', { from: at, to: at });
    const finance = new Set(admin.filter((m) => m.rbacGroupId === 101).map((m) => m.id));
    const others = admin.filter((m) => m.rbacGroupId !== 101).map((m) => m.id);
    expect(finance.size).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    expect(new Set(synced.machineIds)).toEqual(finance);
    expect(synced.alertMachineIds.length).toBeGreaterThan(0);
    expect(synced.alertMachineIds.every((id) => finance.has(id))).toBe(true);
    expect(synced.huntingDeviceIds.length).toBeGreaterThan(0);
    expect(synced.huntingDeviceIds.every((id) => finance.has(id))).toBe(true);
    for (const id of others) {
      expect(synced.machineIds).not.toContain(id);
      expect(synced.alertMachineIds).not.toContain(id);
      expect(synced.huntingDeviceIds).not.toContain(id);
    }
    expectTruth(synced, 'analyst-finance', syncWindow(at));
  }, 60_000);

  it('analyst-eng (Engineering, Servers) gets none of Finance; the auditor (no group) gets nothing at all', async () => {
    const eng = await syncAs('analyst-eng');
    const finance = emulator.groundTruth.machines('analyst-finance', { from: at, to: at }).map((m) => m.id);
    for (const id of finance) {
      expect(eng.machineIds).not.toContain(id);
      expect(eng.alertMachineIds).not.toContain(id);
      expect(eng.huntingDeviceIds).not.toContain(id);
    }
    expectTruth(eng, 'analyst-eng', syncWindow(at));
    const auditor = await syncAs('auditor');
    expect(auditor.machineIds).toEqual([]);
    expect(auditor.alertMachineIds).toEqual([]);
    expect(auditor.huntingDeviceIds).toEqual([]);
  }, 60_000);
});

describe('scope: groups, machines, days, alert filters', () => {
  it('--groups Servers: machines of other groups are absent everywhere', async () => {
    const synced = await syncAs('soc-admin', { groups: ['Servers'] });
    const servers = emulator.groundTruth.machines('soc-admin', { groupIds: [103], from: at, to: at }).map((m) => m.id);
    expect(servers.length).toBeGreaterThan(0);
    expect(new Set(synced.machineIds)).toEqual(new Set(servers));
    expect(synced.huntingDeviceIds.every((id) => servers.includes(id))).toBe(true);
    expect(synced.alertMachineIds.every((id) => servers.includes(id))).toBe(true);
    expectTruth(synced, 'soc-admin', syncWindow(at, 30, { groupIds: [103] }));
    // By id, as `--groups 103` gives it.
    const byId = await syncAs('soc-admin', { groups: ['103'] });
    expect(byId.sums).toEqual(synced.sums);
  }, 60_000);

  it('--machines by id and by host name: only those two machines, everything else absent', async () => {
    const all = emulator.groundTruth.machines('soc-admin', { from: at, to: at });
    const [a, b] = [all[2]!, all[7]!];
    const synced = await syncAs('soc-admin', { machines: [a.id, b.computerDnsName.split('.')[0]!] });
    expect(new Set(synced.machineIds)).toEqual(new Set([a.id, b.id]));
    expect(new Set(synced.huntingDeviceIds)).toEqual(new Set([a.id, b.id]));
    const outside = all.filter((m) => m.id !== a.id && m.id !== b.id).map((m) => m.id);
    for (const id of outside) expect([...synced.machineIds, ...synced.alertMachineIds, ...synced.huntingDeviceIds]).not.toContain(id);
    expectTruth(synced, 'soc-admin', syncWindow(at, 30, { machineIds: [a.id, b.id] }));
  }, 60_000);

  it('--days 3: no hunting row older than three days', async () => {
    const synced = await syncAs('soc-admin', { days: 3 });
    const from = new Date(at.getTime() - 3 * 86_400_000).toISOString().slice(0, 19);
    expect(synced.timestamps.min! >= from).toBe(true);
    expect(synced.timestamps.max! < at.toISOString().slice(0, 19)).toBe(true);
    expectTruth(synced, 'soc-admin', syncWindow(at, 3));
  }, 60_000);

  it('--severity High,Medium --status New,InProgress: only such alerts', async () => {
    const scope = { severities: ['High', 'Medium'] as const, statuses: ['New', 'InProgress'] as const };
    const synced = await syncAs('soc-admin', { severities: [...scope.severities], statuses: [...scope.statuses] });
    expect(synced.alerts.length).toBeGreaterThan(0);
    for (const alert of synced.alerts) {
      expect(['High', 'Medium']).toContain(alert.severity);
      expect(['New', 'InProgress']).toContain(alert.status);
    }
    const window = syncWindow(at);
    const truth = truthSums(emulator.groundTruth, 'soc-admin', window, {
      from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', severities: [...scope.severities], statuses: [...scope.statuses],
    });
    expect(synced.sums.alerts).toEqual(truth.alerts);
    expect(synced.sums.evidence).toEqual(truth.evidence);
    expect(synced.sums.process_events).toEqual(truth.process_events);
    // Some alerts of the tenant were left out by the filter.
    expect(emulator.groundTruth.alerts('soc-admin', { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }).length).toBeGreaterThan(synced.alerts.length);
  }, 60_000);
});

describe('a wider scope on an existing cache', () => {
  it('a machine added to the scope gets its whole window and its alerts, not just what changed since the last sync', async () => {
    const all = emulator.groundTruth.machines('soc-admin', { from: at, to: at });
    const withAlerts = new Set(emulator.groundTruth.alerts('soc-admin', { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }).map((a) => a.machineId));
    const [a, b] = all.filter((m) => withAlerts.has(m.id));
    const connection = connectTenant(profileFor(emulator), memoryKeychain());
    const store = await testCache(emulator.registration.tenantId);
    try {
      await connection.signIn.signInWithDeviceCode((prompt) => emulator.approve(prompt.userCode, 'soc-admin'));
      const sync = (machines: string[]) => runSync({ connection, cache: store.cache, scope: { machines }, now: () => at, api: { clock: recordingClock(), backoffBaseMs: 1 } });
      await sync([a!.id]);
      await sync([a!.id, b!.id]);
      const truth = truthSums(emulator.groundTruth, 'soc-admin', syncWindow(at, 30, { machineIds: [a!.id, b!.id] }));
      expect(store.read(cacheSums)).toEqual(truth);
    } finally {
      connection.close();
      await store.close();
    }
  }, 60_000);
});
