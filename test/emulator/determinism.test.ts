// Same seed and anchor, same tenant, row for row; and the ground truth says exactly
// what the API returns for a scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HuntingRow, HUNTING_TABLES, type RunningEmulator, describeDemoTenant, startEmulator } from '../../emulator/index';
import { tableSchema } from '../../emulator/tenant/schema';
import { Tenant } from '../../emulator/tenant/tenant';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

const anchorMs = Date.UTC(2026, 10, 20);

describe('determinism', () => {
  it('the same seed gives identical rows, alerts and counts; another seed does not', () => {
    const a = new Tenant({ seed: 5, scale: 'small', anchorMs });
    const b = new Tenant({ seed: 5, scale: 'small', anchorMs });
    const c = new Tenant({ seed: 6, scale: 'small', anchorMs });
    expect(b.alerts).toEqual(a.alerts);
    expect(b.tableTotals()).toEqual(a.tableTotals());
    for (const table of HUNTING_TABLES) {
      for (const [machine, day] of [[0, 0], [2, 24], [7, 29], [13, 11]] as const) {
        expect(b.rowsFor(table, machine, day)).toEqual(a.rowsFor(table, machine, day));
      }
    }
    expect(c.fleet.map((p) => p.machine.id)).not.toEqual(a.fleet.map((p) => p.machine.id));
    expect(c.rowsFor('DeviceProcessEvents', 10, 10)).not.toEqual(a.rowsFor('DeviceProcessEvents', 10, 10));
  });

  it('regenerating a machine-day in another order gives the same rows (no hidden state)', () => {
    const t = new Tenant({ seed: 9, scale: 'small', anchorMs });
    const first = t.rowsFor('DeviceNetworkEvents', 4, 26);
    t.rowsFor('DeviceNetworkEvents', 3, 26);
    t.rowsFor('DeviceFileEvents', 4, 26);
    expect(t.rowsFor('DeviceNetworkEvents', 4, 26)).toEqual(first);
    expect(first.length).toBe(t.countRows('DeviceNetworkEvents', 4, 26));
  });

  it("every row has exactly its table's columns, in schema order, with the schema's types", () => {
    const t = new Tenant({ seed: 3, scale: 'small', anchorMs });
    const kinds = { String: 'string', DateTime: 'string', Int64: 'number', Int32: 'number', Boolean: 'boolean' } as const;
    for (const table of HUNTING_TABLES) {
      const schema = tableSchema(table);
      let checked = 0;
      for (const p of t.fleet) {
        for (const day of [5, 24, 25]) {
          for (const row of t.rowsFor(table, p.index, day)) {
            expect(Object.keys(row)).toEqual(schema.map((c) => c.Name));
            for (const c of schema) {
              const v = row[c.Name];
              if (v !== null) expect(typeof v, `${table}.${c.Name}`).toBe(kinds[c.Type]);
            }
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(10);
    }
  });

  it('ReportIds are unique per machine and rows of a machine-day come in time order', () => {
    const t = new Tenant({ seed: 2, scale: 'small', anchorMs });
    for (const p of t.fleet.slice(0, 6)) {
      const ids = new Set<number>();
      for (const table of HUNTING_TABLES) {
        for (let day = 0; day < t.days; day++) {
          const rows = t.rowsFor(table, p.index, day);
          for (let i = 1; i < rows.length; i++) expect(String(rows[i]!.Timestamp) >= String(rows[i - 1]!.Timestamp)).toBe(true);
          for (const r of rows) ids.add(Number(r.ReportId));
          expect(rows.length).toBe(t.countRows(table, p.index, day));
        }
      }
      const total = HUNTING_TABLES.reduce((n, table) => n + Array.from({ length: t.days }, (_, d) => t.countRows(table, p.index, d)).reduce((x, y) => x + y, 0), 0);
      expect(ids.size).toBe(total);
    }
  });

  it('a machine that stopped reporting has no telemetry after the day it was last seen', () => {
    const t = new Tenant({ seed: 5, scale: 'small', anchorMs });
    const quiet = t.fleet.filter((p) => p.machine.healthStatus === 'Inactive');
    expect(quiet.length).toBeGreaterThan(0);
    for (const p of quiet) {
      const lastDay = t.dayIndexOf(Date.parse(p.machine.lastSeen));
      expect(lastDay).toBeLessThan(t.days - 1);
      for (const table of HUNTING_TABLES) {
        for (let d = lastDay + 1; d < t.days; d++) expect(t.rowsFor(table, p.index, d)).toEqual([]);
      }
      expect(t.countRows('DeviceInfo', p.index, lastDay)).toBeGreaterThan(0);
    }
  });

  it('the demo tenant describes itself with row counts in the small range', () => {
    const reg = describeDemoTenant({ seed: 1, now: FIXED_NOW });
    expect(reg.totalEvents).toBeGreaterThanOrEqual(5000);
    expect(reg.totalEvents).toBeLessThanOrEqual(10_000);
    expect(Object.keys(reg.rowCounts).sort()).toEqual([...HUNTING_TABLES].sort());
    expect(reg.users.map((u) => u.name)).toEqual(['soc-admin', 'analyst-finance', 'analyst-eng', 'auditor']);
    expect(reg.users.find((u) => u.name === 'analyst-finance')!.deviceGroups).toEqual([{ id: 101, name: 'Finance' }]);
    expect(describeDemoTenant({ seed: 1, now: FIXED_NOW })).toEqual(reg);
    expect(describeDemoTenant({ seed: 1, scale: 'medium', now: FIXED_NOW }).totalEvents).toBeGreaterThan(950_000);
  });
});

describe('ground truth equals what the API returns', () => {
  let emu: RunningEmulator;
  let client: EmulatorClient;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 21, now: FIXED_NOW, limits: RELAXED_LIMITS, pageSize: 7 });
    client = new EmulatorClient(emu);
    token = await client.signIn('analyst-eng');
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  const scope = { groupIds: [102], from: '2026-11-12T00:00:00Z', to: '2026-11-18T00:00:00Z' };
  const key = (r: HuntingRow) => `${String(r.DeviceId)}|${String(r.ReportId)}`;

  it('machines and alerts of a scope', async () => {
    const machines = await client.all<{ id: string }>(token, '/api/machines?$filter=rbacGroupId eq 102');
    expect(machines.map((m) => m.id)).toEqual(emu.groundTruth.machines('analyst-eng', scope).map((m) => m.id));
    const inScope = new Set(machines.map((m) => m.id));
    const alerts = (await client.all<{ id: string; machineId: string }>(token, `/api/alerts?$expand=evidence&$filter=lastUpdateTime ge ${scope.from} and lastUpdateTime le ${scope.to}`))
      .filter((a) => inScope.has(a.machineId));
    expect(alerts).toEqual(emu.groundTruth.alerts('analyst-eng', scope).map((a) => ({ ...a })));
    const high = emu.groundTruth.alerts('analyst-eng', { ...scope, severities: ['High'] });
    expect(high.every((a) => a.severity === 'High')).toBe(true);
  });

  it('logon users of the scope machines', async () => {
    const truth = emu.groundTruth.logonUsers('analyst-eng', scope);
    for (const [machineId, users] of truth) {
      const answer = await client.get<{ value: unknown[] }>(token, `/api/machines/${machineId}/logonusers`);
      expect(answer.body.value).toEqual(users);
    }
  });

  it('hunting rows through the sync query shape, and counts through summarize', async () => {
    const ids = emu.groundTruth.machines('analyst-eng', scope).map((m) => `"${m.id}"`).join(', ');
    for (const table of HUNTING_TABLES) {
      const truth = [...emu.groundTruth.huntingRows('analyst-eng', scope, table)];
      expect(truth.length).toBeGreaterThan(0);
      const answer = await client.hunt(token, `${table}
| where Timestamp between (datetime(${scope.from}) .. datetime(${scope.to}))
| where DeviceId in (${ids})
| order by Timestamp asc, ReportId asc
| take 100000`);
      expect(answer.status, answer.text).toBe(200);
      const rows = answer.body.Results as HuntingRow[];
      expect(rows.map(key).sort()).toEqual(truth.map(key).sort());
      const byKey = new Map(truth.map((r) => [key(r), r]));
      for (const r of rows) expect(r).toEqual(byKey.get(key(r)));
      for (let i = 1; i < rows.length; i++) {
        const [a, b] = [rows[i - 1]!, rows[i]!];
        expect(a.Timestamp! < b.Timestamp! || (a.Timestamp === b.Timestamp && Number(a.ReportId) <= Number(b.ReportId))).toBe(true);
      }
      // A half-open day, as a client pages day by day.
      const halfOpen = await client.hunt(token, `${table} | where Timestamp >= datetime(2026-11-14T00:00:00Z) and Timestamp < datetime(2026-11-15T00:00:00Z) | where DeviceId in (${ids}) | project DeviceId, ReportId`);
      const dayTruth = [...emu.groundTruth.huntingRows('analyst-eng', { ...scope, from: '2026-11-14T00:00:00Z', to: '2026-11-14T23:59:59.9999999Z' }, table)];
      expect(halfOpen.body.Results.map((r) => `${String(r.DeviceId)}|${String(r.ReportId)}`).sort()).toEqual(dayTruth.map(key).sort());
      // Whole days: counted without generating; a partial range: generated and filtered.
      for (const range of [scope, { ...scope, from: '2026-11-12T06:30:00Z', to: '2026-11-17T13:15:00Z' }]) {
        const counts = await client.hunt(token, `${table} | where Timestamp between (datetime(${range.from}) .. datetime(${range.to})) | where DeviceId in (${ids}) | summarize count() by DeviceId`);
        const expected = new Map<string, number>();
        for (const r of emu.groundTruth.huntingRows('analyst-eng', { ...scope, ...range }, table)) expected.set(String(r.DeviceId), (expected.get(String(r.DeviceId)) ?? 0) + 1);
        expect(new Map(counts.body.Results.map((r) => [String(r.DeviceId), Number(r.count_)]))).toEqual(expected);
      }
    }
  });
});
