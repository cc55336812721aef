import { OutpostError } from '../../../contract';
import { searchKinds, type SearchKind } from './columns';
import type { Db } from './engine';
import { withStatementCache } from './statement-cache';
import { bundleQueries } from './queries-bundle';
import { investigateQueries } from './queries-investigate';
import { domainIs, urlIs } from './queries-pivots';
import { syncQueries } from './queries-sync';
import { searchHitKey } from './search';

/*
 * The named reads the UI and the services run. Rows come back with their column names
 * (snake_case of the API fields); a reader connection runs them, so a sync never blocks
 * them. Add a query here rather than passing SQL across the worker boundary.
 */

export type Row = Record<string, unknown>;
export interface SearchHit {
  kind: SearchKind;
  /** The hit's primary key, by column: { id } for machines, { device_id, report_id, timestamp } for events. */
  key: Row;
  /** A human label: machine name, alert title, file name, ... */
  label: string | null;
}

const eventTables = ['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events'] as const;
const clampLimit = (limit: unknown, fallback = 200) => Math.max(1, Math.min(Number(limit ?? fallback) || fallback, 10_000));
const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '') throw new OutpostError('BAD_REQUEST', `The query needs ${name}.`);
  return value;
};

/** An FTS5 query from what the analyst typed: every word must match, as a prefix, quoted so no word is syntax. */
export function ftsQuery(input: string): string {
  const words = input.split(/\s+/).filter((word) => word !== '');
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

export const queries = {
  ...syncQueries,
  ...investigateQueries,
  ...bundleQueries,
  machine(db: Db, p: { id: string }) {
    const machine = db.prepare('SELECT * FROM machines WHERE id = ?').get(text(p.id, 'a machine id')) as Row | undefined;
    if (!machine) return null;
    return {
      ...machine,
      ip_address_rows: db.prepare('SELECT ip_address, mac_address, operational_status FROM machine_ip_addresses WHERE machine_id = ?').all(p.id),
      tag_rows: db.prepare('SELECT tag FROM machine_tags WHERE machine_id = ?').pluck().all(p.id),
    };
  },
  machines(db: Db, p: { rbacGroupId?: number; limit?: number; offset?: number }) {
    const where = p.rbacGroupId === undefined ? '' : 'WHERE rbac_group_id = @group';
    return db.prepare(`SELECT * FROM machines ${where} ORDER BY computer_dns_name COLLATE NOCASE LIMIT @limit OFFSET @offset`)
      .all({ group: p.rbacGroupId ?? null, limit: clampLimit(p.limit), offset: Number(p.offset ?? 0) }) as Row[];
  },
  alert(db: Db, p: { id: string }) {
    const alert = db.prepare('SELECT * FROM alerts WHERE id = ?').get(text(p.id, 'an alert id')) as Row | undefined;
    return alert ? ({ ...alert, evidence: queries.evidenceForAlert(db, { alertId: p.id }) } as Row & { evidence: Row[] }) : null;
  },
  alerts(db: Db, p: { machineId?: string; limit?: number; offset?: number }) {
    const where = p.machineId === undefined ? '' : 'WHERE machine_id = @machine';
    return db.prepare(`SELECT * FROM alerts ${where} ORDER BY alert_creation_time DESC LIMIT @limit OFFSET @offset`)
      .all({ machine: p.machineId ?? null, limit: clampLimit(p.limit), offset: Number(p.offset ?? 0) }) as Row[];
  },
  evidenceForAlert(db: Db, p: { alertId: string }) {
    return db.prepare('SELECT * FROM evidence WHERE alert_id = ? ORDER BY ordinal').all(text(p.alertId, 'an alert id')) as Row[];
  },
  file(db: Db, p: { sha1: string }) {
    return (db.prepare('SELECT * FROM files WHERE sha1 = ?').get(text(p.sha1, 'a SHA-1')) as Row | undefined) ?? null;
  },
  /** A machine's events of every kind, newest first, between two times. */
  deviceTimeline(db: Db, p: { deviceId: string; from?: string; to?: string; limit?: number }) {
    const parts = eventTables.map((table) => `SELECT '${table}' AS event_table, * FROM (SELECT device_id, report_id, timestamp, action_type,
      initiating_process_file_name, initiating_process_command_line FROM ${table}
      WHERE device_id = @device AND timestamp >= @from AND timestamp <= @to ORDER BY timestamp DESC LIMIT @limit)`);
    return db.prepare(`${parts.join(' UNION ALL ')} ORDER BY timestamp DESC LIMIT @limit`)
      .all({ device: text(p.deviceId, 'a device id'), from: p.from ?? '', to: p.to ?? '9999', limit: clampLimit(p.limit, 1000) }) as Row[];
  },
  event(db: Db, p: { table: (typeof eventTables)[number] | 'device_info'; deviceId: string; reportId: number; timestamp: string }) {
    if (![...eventTables, 'device_info'].includes(p.table)) throw new OutpostError('BAD_REQUEST', `There is no event table ${String(p.table)}.`);
    return (db.prepare(`SELECT * FROM ${p.table} WHERE device_id = ? AND report_id = ? AND timestamp = ?`).get(p.deviceId, p.reportId, p.timestamp) as Row | undefined) ?? null;
  },
  /** Everything that touches a file: its profile, the processes and file writes, the alerts. */
  pivotFile(db: Db, p: { sha1: string; limit?: number }) {
    const sha1 = text(p.sha1, 'a SHA-1');
    const limit = clampLimit(p.limit);
    return {
      file: queries.file(db, { sha1 }),
      processEvents: db.prepare('SELECT * FROM process_events WHERE sha1 = ? ORDER BY timestamp DESC LIMIT ?').all(sha1, limit) as Row[],
      childProcessEvents: db.prepare('SELECT * FROM process_events WHERE initiating_process_sha1 = ? ORDER BY timestamp DESC LIMIT ?').all(sha1, limit) as Row[],
      fileEvents: db.prepare('SELECT * FROM file_events WHERE sha1 = ? ORDER BY timestamp DESC LIMIT ?').all(sha1, limit) as Row[],
      alerts: db.prepare('SELECT DISTINCT alerts.* FROM evidence JOIN alerts ON alerts.id = evidence.alert_id WHERE evidence.sha1 = ? LIMIT ?').all(sha1, limit) as Row[],
      machines: db.prepare(`SELECT * FROM machines WHERE id IN (SELECT device_id FROM process_events WHERE sha1 = @sha1
        UNION SELECT device_id FROM file_events WHERE sha1 = @sha1 UNION SELECT machine_id FROM alerts WHERE id IN (SELECT alert_id FROM evidence WHERE sha1 = @sha1)) LIMIT @limit`).all({ sha1, limit }) as Row[],
    };
  },
  pivotIp(db: Db, p: { ip: string; limit?: number }) {
    const ip = text(p.ip, 'an IP address');
    const limit = clampLimit(p.limit);
    return {
      ip: (db.prepare('SELECT * FROM ip_addresses WHERE address = ?').get(ip) as Row | undefined) ?? null,
      machines: db.prepare(`SELECT * FROM machines WHERE last_ip_address = @ip OR last_external_ip_address = @ip
        OR id IN (SELECT machine_id FROM machine_ip_addresses WHERE ip_address = @ip) LIMIT @limit`).all({ ip, limit }) as Row[],
      networkEvents: db.prepare('SELECT * FROM network_events WHERE remote_ip = ? ORDER BY timestamp DESC LIMIT ?').all(ip, limit) as Row[],
      logonEvents: db.prepare('SELECT * FROM logon_events WHERE remote_ip = ? ORDER BY timestamp DESC LIMIT ?').all(ip, limit) as Row[],
      evidence: db.prepare('SELECT * FROM evidence WHERE ip_address = ? LIMIT ?').all(ip, limit) as Row[],
    };
  },
  pivotDomain(db: Db, p: { domain: string; limit?: number }) {
    const domain = text(p.domain, 'a domain').toLowerCase();
    const limit = clampLimit(p.limit);
    return {
      domain: (db.prepare('SELECT * FROM domains WHERE domain = ?').get(domain) as Row | undefined) ?? null,
      urls: db.prepare('SELECT * FROM urls WHERE domain = ? LIMIT ?').all(domain, limit) as Row[],
      networkEvents: db.prepare(`SELECT * FROM network_events WHERE ${domainIs('@domain')} ORDER BY timestamp DESC LIMIT @limit`).all({ domain, limit }) as Row[],
    };
  },
  pivotUrl(db: Db, p: { url: string; limit?: number }) {
    const url = text(p.url, 'a URL');
    const limit = clampLimit(p.limit);
    return {
      networkEvents: db.prepare(`SELECT * FROM network_events WHERE ${urlIs('@url')} ORDER BY timestamp DESC LIMIT @limit`).all({ url, limit }) as Row[],
      evidence: db.prepare('SELECT * FROM evidence WHERE url = ? LIMIT ?').all(url, limit) as Row[],
    };
  },
  pivotAccount(db: Db, p: { accountName: string; accountDomain?: string; limit?: number }) {
    const params = { name: text(p.accountName, 'an account name'), domain: p.accountDomain ?? null, limit: clampLimit(p.limit) };
    const match = 'account_name = @name COLLATE NOCASE AND (@domain IS NULL OR account_domain = @domain COLLATE NOCASE)';
    return {
      logonUsers: db.prepare(`SELECT * FROM logon_users WHERE ${match} LIMIT @limit`).all(params) as Row[],
      logonEvents: db.prepare(`SELECT * FROM logon_events WHERE ${match} ORDER BY timestamp DESC LIMIT @limit`).all(params) as Row[],
      processEvents: db.prepare(`SELECT * FROM process_events WHERE ${match} ORDER BY timestamp DESC LIMIT @limit`).all(params) as Row[],
    };
  },
  search(db: Db, p: { text: string; limit?: number }): SearchHit[] {
    const match = ftsQuery(text(p.text, 'something to search for'));
    if (match === '') return [];
    const rowids = db.prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?').pluck().all(match, clampLimit(p.limit, 100)) as number[];
    const hits: SearchHit[] = [];
    for (const rowid of rowids) {
      const kind = searchKinds[(rowid % 16) as keyof typeof searchKinds];
      if (!kind) continue;
      const hit = searchHitKey(db, kind, Math.floor(rowid / 16));
      if (hit) hits.push({ kind, ...hit });
    }
    return hits;
  },
  /**
   * Reads every page of every table and index. An altered page fails its HMAC and the reader
   * reports CACHE_TAMPERED; a structurally broken one, CACHE_CORRUPT.
   */
  integrityCheck(db: Db) {
    const problems = db.pragma('quick_check') as Array<{ quick_check: string }>;
    if (problems.some((row) => row.quick_check !== 'ok')) {
      // quick_check lists damage as rows; raise it as SQLite would, so the worker (which holds
      // the key) can tell an altered page (HMAC) from a broken one.
      throw Object.assign(new Error('The cache failed its integrity check.'), { code: 'SQLITE_CORRUPT' });
    }
    return { ok: true };
  },
  checkpoints(db: Db) {
    return db.prepare('SELECT stream, cursor, detail, updated_at FROM sync_checkpoints ORDER BY stream').all() as Row[];
  },
  scope(db: Db) {
    const row = db.prepare('SELECT scope, updated_at FROM sync_scope WHERE singleton = 1').get() as { scope: string; updated_at: string } | undefined;
    return row ? { scope: JSON.parse(row.scope) as unknown, updatedAt: row.updated_at } : null;
  },
  policy(db: Db) {
    return (db.prepare('SELECT * FROM tenant_policy WHERE singleton = 1').get() as Row | undefined) ?? null;
  },
  auditTail(db: Db) {
    return (db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined) ?? null;
  },
  auditLog(db: Db, p: { afterSeq?: number; limit?: number }) {
    return db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(Number(p.afterSeq ?? 0), clampLimit(p.limit, 1000)) as Row[];
  },
  notes(db: Db, p: { entityType: string; entityKey: string }) {
    return db.prepare('SELECT * FROM notes WHERE entity_type = ? AND entity_key = ? ORDER BY created_at').all(p.entityType, p.entityKey) as Row[];
  },
  tags(db: Db, p: { entityType: string; entityKey: string }) {
    return db.prepare('SELECT tag FROM tags WHERE entity_type = ? AND entity_key = ? ORDER BY tag').pluck().all(p.entityType, p.entityKey) as string[];
  },
};

export type Queries = typeof queries;
export type QueryName = keyof Queries;
export type QueryParams<N extends QueryName> = Parameters<Queries[N]> extends [unknown, infer P] ? P : Record<string, never>;
export type QueryResult<N extends QueryName> = ReturnType<Queries[N]>;

export function runQuery<N extends QueryName>(db: Db, name: N, params: QueryParams<N>): QueryResult<N> {
  const query = queries[name] as ((db: Db, params: unknown) => QueryResult<N>) | undefined;
  if (typeof query !== 'function' || !Object.hasOwn(queries, name)) throw new OutpostError('BAD_REQUEST', `There is no cache query named ${String(name)}.`);
  return query(withStatementCache(db), params ?? {});
}
