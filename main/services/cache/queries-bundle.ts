import { OutpostError } from '../../../contract';
import {
  alertColumns, entityField, evidenceColumns, fileColumns, huntingField, huntingTables, logonUserColumns, machineColumns,
  normalizeTime, type HuntingTableName,
} from './columns';
import type { Db } from './engine';
import type { Row } from './queries';

/*
 * Reads for air-gap bundles (main/services/bundle/cache-rows.ts): every kept table, a page
 * at a time by its primary key, turned back into the API form the writer takes (records.ts),
 * so that writing an exported page into an empty cache reproduces the rows it came from.
 */

/** The bundle's table names: the CacheBatch fields they are written back through. */
export const bundleTables = [
  'machines', 'alerts', 'logonUsers', 'files', 'deviceInfo', 'processEvents', 'fileEvents', 'registryEvents', 'networkEvents', 'logonEvents',
] as const;
export type BundleTable = (typeof bundleTables)[number];
export type EntityTable = 'machines' | 'alerts' | 'logonUsers' | 'files';

/** What an export keeps; null/empty means everything. */
export interface BundleFilter {
  /** Machine ids in scope; null: every machine. */
  deviceIds?: string[] | null;
  /** Hunting rows at or after this time. */
  since?: string | null;
  severities?: string[];
  statuses?: string[];
}

interface TableSpec {
  table: string;
  key: readonly string[];
  /** SQL condition for the filter, with @devices, @since, @severities, @statuses bound. */
  where(filter: BundleFilter): string[];
  toApi(db: Db, rows: Row[]): Row[];
}

const inDevices = (column: string) => `${column} IN (SELECT value FROM json_each(@devices))`;

const parseJson = (value: unknown): unknown => {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
};

function fieldsOf(columns: readonly string[], row: Row, field: (column: string) => string = entityField): Row {
  const out: Row = {};
  for (const column of columns) out[field(column)] = row[column] ?? null;
  return out;
}

function machinesToApi(_db: Db, rows: Row[]): Row[] {
  return rows.map((row) => {
    const machine = fieldsOf(machineColumns, row);
    machine.machineTags = parseJson(row.machine_tags);
    machine.ipAddresses = parseJson(row.ip_addresses);
    return machine;
  });
}

function alertsToApi(db: Db, rows: Row[]): Row[] {
  if (rows.length === 0) return [];
  const evidence = db
    .prepare('SELECT * FROM evidence WHERE alert_id IN (SELECT value FROM json_each(?)) ORDER BY alert_id, ordinal')
    .all(JSON.stringify(rows.map((row) => row.id))) as Row[];
  const byAlert = new Map<unknown, Row[]>();
  for (const item of evidence) {
    const list = byAlert.get(item.alert_id) ?? [];
    list.push(fieldsOf(evidenceColumns, item));
    byAlert.set(item.alert_id, list);
  }
  return rows.map((row) => {
    const alert = fieldsOf(alertColumns, row);
    alert.mitreTechniques = parseJson(row.mitre_techniques);
    alert.comments = parseJson(row.comments);
    alert.relatedUser = row.related_user_name === null && row.related_user_domain === null ? null : { userName: row.related_user_name, domainName: row.related_user_domain };
    alert.evidence = byAlert.get(row.id) ?? [];
    return alert;
  });
}

const plain = (columns: readonly string[]) => (_db: Db, rows: Row[]) => rows.map((row) => fieldsOf(columns, row));

function huntingSpec(name: HuntingTableName): TableSpec {
  const spec = huntingTables[name];
  return {
    table: spec.table,
    // Events go in the order they were stored: a rowid scan reads the table's pages in
    // sequence (each decrypted once), where the primary key's order hops between them.
    key: ['rowid'],
    where: (filter) => [
      ...(filter.deviceIds ? [inDevices('device_id')] : []),
      ...(filter.since ? ['timestamp >= @since'] : []),
    ],
    toApi: (_db, rows) => rows.map((row) => fieldsOf(spec.columns, row, huntingField)),
  };
}

const specs: Record<BundleTable, TableSpec> = {
  machines: { table: 'machines', key: ['id'], where: (f) => (f.deviceIds ? [inDevices('id')] : []), toApi: machinesToApi },
  alerts: {
    table: 'alerts',
    key: ['id'],
    where: (f) => [
      ...(f.deviceIds ? [inDevices('machine_id')] : []),
      ...(f.severities?.length ? ['severity IN (SELECT value FROM json_each(@severities))'] : []),
      ...(f.statuses?.length ? ['status IN (SELECT value FROM json_each(@statuses))'] : []),
    ],
    toApi: alertsToApi,
  },
  logonUsers: {
    table: 'logon_users',
    key: ['machine_id', 'account_domain', 'account_name'],
    where: (f) => (f.deviceIds ? [inDevices('machine_id')] : []),
    toApi: plain(logonUserColumns),
  },
  files: {
    table: 'files',
    key: ['sha1'],
    // A scoped export keeps the profiles of the files its rows name.
    where: (f) =>
      f.deviceIds
        ? [`(EXISTS (SELECT 1 FROM evidence JOIN alerts ON alerts.id = evidence.alert_id WHERE evidence.sha1 = files.sha1 AND ${inDevices('alerts.machine_id')})
          OR EXISTS (SELECT 1 FROM process_events p WHERE p.sha1 = files.sha1 AND ${inDevices('p.device_id')})
          OR EXISTS (SELECT 1 FROM process_events p WHERE p.initiating_process_sha1 = files.sha1 AND ${inDevices('p.device_id')})
          OR EXISTS (SELECT 1 FROM file_events e WHERE e.sha1 = files.sha1 AND ${inDevices('e.device_id')}))`]
        : [],
    toApi: plain(fileColumns),
  },
  deviceInfo: huntingSpec('deviceInfo'),
  processEvents: huntingSpec('processEvents'),
  fileEvents: huntingSpec('fileEvents'),
  registryEvents: huntingSpec('registryEvents'),
  networkEvents: huntingSpec('networkEvents'),
  logonEvents: huntingSpec('logonEvents'),
};

function specOf(table: string): TableSpec {
  if (!(bundleTables as readonly string[]).includes(table)) throw new OutpostError('BAD_REQUEST', `There is no bundle table ${table}.`);
  return specs[table as BundleTable];
}

const pageLimit = (limit: unknown) => Math.max(1, Math.min(Number(limit ?? 1000) || 1000, 20_000));

/** The key columns of an entity row in API form, in key order. */
const entityKeyFields: Record<EntityTable, (row: Row) => unknown[]> = {
  machines: (row) => [row.id],
  alerts: (row) => [row.id],
  logonUsers: (row) => [row.machineId, row.accountDomain ?? '', row.accountName],
  files: (row) => [row.sha1],
};

/** When an entity last changed, as the API says: what "newer wins" compares on import. */
export const entityTime: Record<EntityTable, (row: Row) => string | null> = {
  machines: (row) => timeText(row.lastSeen),
  alerts: (row) => timeText(row.lastUpdateTime ?? row.alertCreationTime),
  logonUsers: (row) => timeText(row.lastSeen),
  files: (row) => timeText(row.globalLastObserved),
};

function timeText(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? normalizeTime(value) : null;
}

export function entityKey(table: EntityTable, row: Row): string {
  return JSON.stringify(entityKeyFields[table](row));
}

export const bundleQueries = {
  /** Machines with what a scope decides on, for the export's device list. */
  bundleMachineScope(db: Db) {
    return db.prepare('SELECT id, computer_dns_name AS computerDnsName, rbac_group_id AS rbacGroupId, rbac_group_name AS rbacGroupName FROM machines').all() as Array<{
      id: string;
      computerDnsName: string | null;
      rbacGroupId: number | null;
      rbacGroupName: string | null;
    }>;
  },

  /** One page of a table in API form, after the key `after` (null: from the start), in key order. */
  bundlePage(db: Db, p: { table: BundleTable; after?: unknown[] | null; limit?: number; filter?: BundleFilter }): { rows: Row[]; next: unknown[] | null } {
    const spec = specOf(p.table);
    const filter = p.filter ?? {};
    const limit = pageLimit(p.limit);
    const where = spec.where(filter);
    const after = p.after ?? null;
    if (after) {
      if (after.length !== spec.key.length) throw new OutpostError('BAD_REQUEST', 'The page key does not fit the table.');
      where.unshift(`(${spec.key.join(', ')}) > (${spec.key.map((_, i) => `@k${i}`).join(', ')})`);
    }
    const params: Record<string, unknown> = {
      devices: JSON.stringify(filter.deviceIds ?? []),
      since: filter.since ?? '',
      severities: JSON.stringify(filter.severities ?? []),
      statuses: JSON.stringify(filter.statuses ?? []),
      limit,
    };
    after?.forEach((value, i) => (params[`k${i}`] = value));
    const used = Object.fromEntries(Object.entries(params).filter(([name]) => name === 'limit' || where.some((w) => w.includes(`@${name}`))));
    const sql = `SELECT ${spec.key[0] === 'rowid' ? 'rowid, ' : ''}* FROM ${spec.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${spec.key.join(', ')} LIMIT @limit`;
    const rows = db.prepare(sql).all(used) as Row[];
    const last = rows.at(-1);
    return { rows: spec.toApi(db, rows), next: rows.length < limit || !last ? null : spec.key.map((column) => last[column]) };
  },

  /** The stored versions of some entities, in API form, by entityKey(); for "newer wins". */
  bundleExisting(db: Db, p: { table: EntityTable; keys: unknown[][] }): Record<string, Row> {
    const spec = specOf(p.table);
    if (!(p.table in entityKeyFields)) throw new OutpostError('BAD_REQUEST', `${p.table} holds events, not entities.`);
    const found: Row[] = [];
    const select = db.prepare(`SELECT * FROM ${spec.table} WHERE (${spec.key.join(', ')}) = (${spec.key.map(() => '?').join(', ')})`);
    for (const key of p.keys) {
      const row = select.get(...key) as Row | undefined;
      if (row) found.push(row);
    }
    const out: Record<string, Row> = {};
    for (const row of spec.toApi(db, found)) out[entityKey(p.table, row)] = row;
    return out;
  },

  /** Per-table checksums of every kept column, so tests can tell "unchanged" from "changed". */
  bundleChecksums(db: Db): Record<string, { rows: number; sum: string }> {
    const tables = ['machines', 'machine_ip_addresses', 'machine_tags', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files', 'device_info',
      'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses', 'domains', 'urls', 'sync_checkpoints',
      'sync_scope', 'tenant_policy', 'notes', 'tags'];
    const out: Record<string, { rows: number; sum: string }> = {};
    for (const table of tables) {
      // An event table's view exposes the rowid, which differs between two caches holding the same rows.
      const columns = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).filter((c) => c !== 'synced_at' && c !== 'rowid');
      const rows = db.prepare(`SELECT json_array(${columns.join(', ')}) FROM ${table} ORDER BY ${columns.join(', ')}`).pluck().all() as string[];
      // FNV-1a over the rows, in key order: enough to tell tables apart in a test, cheap to compute.
      let hash = 0x811c9dc5;
      for (const text of rows) {
        for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
        hash = Math.imul(hash ^ 10, 0x01000193);
      }
      out[table] = { rows: rows.length, sum: (hash >>> 0).toString(16) };
    }
    return out;
  },
};
