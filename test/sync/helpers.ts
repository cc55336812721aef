// Shared by the sync tests: a real encrypted cache, a canonical per-table checksum computed
// both from the cache (SQL) and from the emulator's ground truth, and a fixed data clock.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GroundTruth, HuntingTable, TruthScope } from '../../emulator';
import { tableSchema } from '../../emulator/tenant/schema';
import type { CacheBatch, CacheClient } from '../../main/services/cache';
import type { SyncCache } from '../../main/services/sync/sync-cache';
import { startCacheClient } from '../../main/services/cache/client';
import { openEngine, type Db } from '../../main/services/cache/engine';

export const HUNTING: readonly HuntingTable[] = ['DeviceInfo', 'DeviceProcessEvents', 'DeviceFileEvents', 'DeviceRegistryEvents', 'DeviceNetworkEvents', 'DeviceLogonEvents'];

/** The cache table each hunting table lands in (the schema's names, written out here on purpose). */
export const cacheTableOf: Record<HuntingTable, string> = {
  DeviceInfo: 'device_info',
  DeviceProcessEvents: 'process_events',
  DeviceFileEvents: 'file_events',
  DeviceRegistryEvents: 'registry_events',
  DeviceNetworkEvents: 'network_events',
  DeviceLogonEvents: 'logon_events',
};

/**
 * API name to cache column, written independently of the writer's own mapping (columns.ts)
 * so a mapping slip there cannot hide itself: InitiatingProcessSHA1 -> initiating_process_sha1,
 * LocalIPType -> local_ip_type, OSBuild -> os_build, computerDnsName -> computer_dns_name.
 */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** The columns Outpost keeps per hunting table: the emulator's schema (mde-api.md's list). */
export function keptColumns(table: HuntingTable): string[] {
  return tableSchema(table).map((column) => column.Name);
}

/** Entity fields Outpost keeps (mde-api.md, "Entities"), in the API's names. */
export const machineFields = [
  'id', 'computerDnsName', 'aadDeviceId', 'machineTags', 'firstSeen', 'lastSeen', 'osPlatform', 'version', 'osBuild', 'osArchitecture',
  'lastIpAddress', 'lastExternalIpAddress', 'ipAddresses', 'healthStatus', 'onboardingStatus', 'rbacGroupId', 'rbacGroupName', 'riskScore',
  'exposureLevel', 'deviceValue',
];
export const alertFields = [
  'id', 'incidentId', 'investigationId', 'investigationState', 'assignedTo', 'severity', 'status', 'classification', 'determination',
  'category', 'detectionSource', 'detectorId', 'threatFamilyName', 'threatName', 'title', 'description', 'alertCreationTime',
  'firstEventTime', 'lastEventTime', 'lastUpdateTime', 'resolvedTime', 'machineId', 'computerDnsName', 'rbacGroupName', 'aadTenantId',
  'mitreTechniques', 'comments',
];
export const evidenceFields = [
  'entityType', 'evidenceCreationTime', 'sha1', 'sha256', 'fileName', 'filePath', 'processId', 'processCommandLine', 'processCreationTime',
  'parentProcessId', 'parentProcessCreationTime', 'parentProcessFileName', 'parentProcessFilePath', 'ipAddress', 'url', 'registryKey',
  'registryHive', 'registryValueType', 'registryValue', 'accountName', 'domainName', 'userSid', 'aadUserId', 'userPrincipalName',
  'detectionStatus',
];
export const logonUserFields = ['accountName', 'accountDomain', 'firstSeen', 'lastSeen', 'logonTypes', 'isDomainAdmin'];

/**
 * The documented normalization between an API value and what the cache stores: absent is
 * null, booleans are 0/1, lists and objects are JSON text; Timestamp has seven fractional
 * digits (one spelling per instant). Everything else must come back exactly.
 */
export function canonical(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

export function sevenDigits(value: unknown): string {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z$/.exec(String(value));
  if (!match) throw new Error(`not an API timestamp: ${String(value)}`);
  return `${match[1]}.${(match[2] ?? '').padEnd(7, '0')}Z`;
}

export interface TableSum {
  rows: number;
  /** Distinct keys; equal to rows when there is no duplicate. */
  keys: number;
  sha256: string;
}

/** Order-free: each row's canonical JSON is hashed, the row hashes sorted, and the list hashed. */
export function tableSum(rows: Iterable<{ key: string; values: unknown[] }>): TableSum {
  const lines: string[] = [];
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(row.key);
    lines.push(JSON.stringify(row.values));
  }
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return { rows: lines.length, keys: keys.size, sha256: hash.digest('hex') };
}

export type Sums = Record<string, TableSum>;

function huntingValuesFromApi(row: Record<string, unknown>, columns: string[]): { key: string; values: unknown[] } {
  const values = columns.map((column) => (column === 'Timestamp' ? sevenDigits(row[column]) : canonical(row[column])));
  return { key: `${String(row.DeviceId)}|${String(row.ReportId)}|${sevenDigits(row.Timestamp)}`, values };
}

export interface KeyedRow {
  key: string;
  values: unknown[];
}
export type Tables = Record<string, KeyedRow[]>;

export function sumsOf(tables: Tables): Sums {
  return Object.fromEntries(Object.entries(tables).map(([table, rows]) => [table, tableSum(rows)]));
}

const ALL_TIME = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

/** One hunting table's rows for a viewer and scope, keyed and canonical. */
export function truthHunting(truth: GroundTruth, viewer: string, scope: TruthScope, table: HuntingTable): KeyedRow[] {
  const columns = keptColumns(table);
  const rows: KeyedRow[] = [];
  for (const row of truth.huntingRows(viewer, scope, table)) rows.push(huntingValuesFromApi(row, columns));
  return rows;
}

/** What the cache should hold for a viewer and scope, per table. */
export function truthTables(truth: GroundTruth, viewer: string, scope: TruthScope, alertScope: TruthScope = { ...scope, ...ALL_TIME }): Tables {
  const tables: Tables = {};
  const machines = truth.machines(viewer, scope);
  tables.machines = machines.map((m) => ({ key: m.id, values: machineFields.map((f) => canonical((m as unknown as Record<string, unknown>)[f])) }));
  const alerts = truth.alerts(viewer, alertScope);
  tables.alerts = alerts.map((a) => {
    const r = a as unknown as Record<string, unknown> & { relatedUser?: { userName?: string; domainName?: string } | null };
    return { key: a.id, values: [...alertFields.map((f) => canonical(r[f])), canonical(r.relatedUser?.userName), canonical(r.relatedUser?.domainName)] };
  });
  tables.evidence = alerts.flatMap((a) => (a.evidence ?? []).map((e, ordinal) => ({
    key: `${a.id}|${ordinal}`,
    values: [a.id, ordinal, ...evidenceFields.map((f) => canonical((e as unknown as Record<string, unknown>)[f]))],
  })));
  const users = [...truth.logonUsers(viewer, scope)].flatMap(([machineId, list]) => list.map((u): Record<string, unknown> => ({ ...(u as unknown as Record<string, unknown>), machineId })));
  tables.logon_users = users.map((u) => ({
    key: `${String(u.machineId)}|${String(u.accountDomain ?? '')}|${String(u.accountName)}`,
    values: [u.machineId, ...logonUserFields.map((f) => (f === 'accountDomain' ? u.accountDomain ?? '' : canonical(u[f])))],
  }));
  for (const table of HUNTING) tables[cacheTableOf[table]] = truthHunting(truth, viewer, scope, table);
  return tables;
}

export function truthSums(truth: GroundTruth, viewer: string, scope: TruthScope, alertScope?: TruthScope): Sums {
  return sumsOf(truthTables(truth, viewer, scope, alertScope));
}

/** The same tables straight from the cache. */
export function cacheTables(db: Db): Tables {
  const tables: Tables = {};
  const mapped = (table: string, columns: string[], key: (row: unknown[]) => string): KeyedRow[] =>
    (db.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw().all() as unknown[][]).map((row) => ({ key: key(row), values: row }));
  tables.machines = mapped('machines', machineFields.map(snake), (r) => String(r[0]));
  tables.alerts = mapped('alerts', [...alertFields.map(snake), 'related_user_name', 'related_user_domain'], (r) => String(r[0]));
  tables.evidence = mapped('evidence', ['alert_id', 'ordinal', ...evidenceFields.map(snake)], (r) => `${String(r[0])}|${String(r[1])}`);
  tables.logon_users = mapped('logon_users', ['machine_id', ...logonUserFields.map(snake)], (r) => `${String(r[0])}|${String(r[2])}|${String(r[1])}`);
  for (const table of HUNTING) {
    const columns = keptColumns(table).map(snake);
    const at = { device: columns.indexOf('device_id'), report: columns.indexOf('report_id'), time: columns.indexOf('timestamp') };
    tables[cacheTableOf[table]] = mapped(cacheTableOf[table], columns, (r) => `${String(r[at.device])}|${String(r[at.report])}|${String(r[at.time])}`);
  }
  return tables;
}

export function cacheSums(db: Db): Sums {
  return sumsOf(cacheTables(db));
}

/**
 * After a sync that stopped with an error: nothing partial. Entity rows present are exactly
 * the truth's (a subset: their phase may not have finished); each hunting table holds exactly
 * the rows of the slices its checkpoint says are done (all of its window when complete).
 */
export function expectNothingPartial(db: Db, truth: GroundTruth, viewer: string, at: Date, days = 30): { complete: string[]; partial: string[] } {
  const cached = cacheTables(db);
  const expected = truthTables(truth, viewer, syncWindow(at, days));
  for (const table of ['machines', 'alerts', 'evidence', 'logon_users']) {
    const want = new Map(expected[table]!.map((row) => [row.key, JSON.stringify(row.values)]));
    for (const row of cached[table]!) {
      if (want.get(row.key) !== JSON.stringify(row.values)) throw new Error(`${table}: cached row ${row.key} is not the tenant's`);
    }
    if (new Set(cached[table]!.map((row) => row.key)).size !== cached[table]!.length) throw new Error(`${table}: duplicate rows`);
  }
  const checkpoints = new Map((db.prepare('SELECT stream, cursor, detail FROM sync_checkpoints').all() as Array<{ stream: string; cursor: string | null; detail: string | null }>)
    .map((row) => [row.stream, { cursor: row.cursor, detail: JSON.parse(row.detail ?? 'null') as { slices: PlannedSlice[]; done: number } | null }]));
  const complete: string[] = [];
  const partial: string[] = [];
  for (const table of HUNTING) {
    const name = cacheTableOf[table];
    const checkpoint = checkpoints.get(`hunt:${table}`);
    let want: KeyedRow[];
    if (!checkpoint) want = [];
    else if (!checkpoint.detail) {
      // Complete: the whole window up to the cursor.
      want = checkpoint.cursor ? expected[name]! : [];
      if (checkpoint.cursor) complete.push(table);
    } else {
      partial.push(table);
      want = checkpoint.detail.slices.slice(0, checkpoint.detail.done).flatMap((slice) =>
        truthHunting(truth, viewer, { machineIds: slice.machineIds, from: slice.from, to: justBefore(slice.to) }, table));
    }
    const got = tableSum(cached[name]!);
    const sum = tableSum(want);
    if (JSON.stringify(got) !== JSON.stringify(sum)) throw new Error(`${table}: the cache holds ${got.rows} rows (${got.keys} keys), the done slices ${sum.rows}`);
  }
  return { complete, partial };
}

function justBefore(iso: string): string {
  return `${new Date(Date.parse(iso) - 1000).toISOString().slice(0, 19)}.9999999Z`;
}

/** One hunting table's rows in the cache, as `DeviceId|ReportId|Timestamp` keys. */
export function cacheKeys(db: Db, table: HuntingTable): string[] {
  return (db.prepare(`SELECT device_id || '|' || report_id || '|' || timestamp FROM ${cacheTableOf[table]}`).pluck().all() as string[]);
}

export interface TestCache {
  cache: CacheClient;
  folder: string;
  file: string;
  tenantId: string;
  /** A read-only connection to the same encrypted file, for the sums. */
  read<T>(use: (db: Db) => T): T;
  close(): Promise<void>;
}

/** A real encrypted cache (worker threads, SQLCipher) in a temporary folder; the test keeps the key. */
export async function testCache(tenantId: string, region = 'commercial-us'): Promise<TestCache> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'outpost-sync-test-'));
  const file = path.join(folder, 'cache.db');
  const key = randomBytes(32);
  const cache = await startCacheClient({ file, tenantId, region, create: true, key: Uint8Array.from(key) });
  return {
    cache,
    folder,
    file,
    tenantId,
    read: (use) => {
      const db = openEngine({ file, tenantId, key: Uint8Array.from(key), role: 'reader', mustExist: true });
      try {
        return use(db);
      } finally {
        db.close();
      }
    },
    close: async () => {
      await cache.close().catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Opens an existing cache file with a known key, read-only. */
export function readCacheFile<T>(file: string, tenantId: string, keyHex: string, use: (db: Db) => T): T {
  const db = openEngine({ file, tenantId, key: Uint8Array.from(Buffer.from(keyHex, 'hex')), role: 'reader', mustExist: true });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** A whole minute, so the sync's window (which starts from the minute) and the truth's agree. */
export function wholeMinute(ms: number): Date {
  return new Date(Math.floor(ms / 60_000) * 60_000);
}

/**
 * The hunting window a full sync at `at` covers, as a truth scope: [at - days, at), the upper
 * bound exclusive as the sync's KQL says (the truth's bounds are inclusive, so one tick less).
 */
export function syncWindow(at: Date, days = 30, extra: Omit<TruthScope, 'from' | 'to'> = {}): TruthScope {
  return { ...extra, from: new Date(at.getTime() - days * 86_400_000).toISOString(), to: justBefore(at.toISOString()) };
}

export const SAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data/hunting-samples');

export interface PlannedSlice {
  machineIds: string[];
  from: string;
  to: string;
  expectedRows: number;
}

/**
 * The cache as the sync sees it, with every checkpoint the sync writes recorded (the hunting
 * plans among them), so a test can see how the tables were sliced.
 */
export function recordingCache(cache: CacheClient): { cache: SyncCache; plans: Map<string, { from: string; to: string; slices: PlannedSlice[] }> } {
  const plans = new Map<string, { from: string; to: string; slices: PlannedSlice[] }>();
  const note = (batch: CacheBatch | undefined) => {
    for (const checkpoint of batch?.checkpoints ?? []) {
      const detail = checkpoint.detail as { from?: string; to?: string; slices?: PlannedSlice[] } | null | undefined;
      if (checkpoint.stream.startsWith('hunt:') && detail?.slices && !plans.has(checkpoint.stream)) plans.set(checkpoint.stream, detail as never);
    }
  };
  return {
    plans,
    cache: {
      tenantId: cache.tenantId,
      query: cache.query.bind(cache),
      forgetMachinesOutside: cache.forgetMachinesOutside.bind(cache),
      write: async (batch) => {
        note(batch);
        return cache.write(batch);
      },
      transaction: async () => {
        const tx = await cache.transaction();
        return {
          append: (batch) => tx.append(batch),
          rollback: () => tx.rollback(),
          commit: (final) => {
            note(final);
            return tx.commit(final);
          },
        };
      },
    },
  };
}
