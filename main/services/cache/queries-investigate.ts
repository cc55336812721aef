import { OutpostError } from '../../../contract';
import { pageRows } from '../../../contract/pages';
import type {
  AlertFilterData,
  EntityRefData,
  EntityType,
  ListName,
  NoteData,
  ProcessNodeData,
  ProcessTreeData,
  TimelineCursorData,
  TimelineFilterData,
  TimelineKind,
} from '../../../contract/schemas/investigate';
import { eventRows, normalizeTime, searchKinds } from './columns';
import { machineIs } from './machine-numbers';
import type { Db } from './engine';
import { accountMachines, connections, domainConnections, domainIs, fileMachines, urlIs } from './queries-pivots';
import { searchHitKey } from './search';
import { searchCandidates, searchWords } from './search-match';

/*
 * The reads behind the investigation pages. Every list is paged in SQL (LIMIT/OFFSET, or a
 * keyset on the event key for the device timeline), and each query leans on an index of
 * 0001-initial: the event key (device_id, timestamp, report_id), the sha1 / remote_ip /
 * account indexes, alerts_by_machine, evidence_by_*; URLs and domains lean on 0005's partial
 * URL indexes (queries-pivots.ts: urlIs, domainIs). Since 0006 the event tables are views that
 * name the machine by id over rows stored by machine number; counts over many events read the
 * stored rows (`<table>_rows`), so no event pays a seek for its machine's id.
 * This file must not import queries.ts (that file spreads this one's queries into its own).
 */

type Row = Record<string, unknown>;
type Params = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : null);
const need = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw new OutpostError('BAD_REQUEST', `The query needs ${what}.`);
  return value;
};
const pageOf = (p: { limit?: number; offset?: number }, fallback = pageRows) => ({
  limit: Math.max(1, Math.min(Number(p.limit ?? fallback) || fallback, 1000)),
  offset: Math.max(0, Number(p.offset ?? 0) || 0),
});
/** One more row than asked tells whether there is a next page, without a count. */
function paged(db: Db, sql: string, params: Params, page: { limit: number; offset: number }): { rows: Row[]; hasMore: boolean } {
  const rows = db.prepare(`${sql} LIMIT @pageLimit OFFSET @pageOffset`).all({ ...params, pageLimit: page.limit + 1, pageOffset: page.offset }) as Row[];
  return { rows: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
}
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const parseJsonList = (value: unknown): string[] => {
  if (typeof value !== 'string') return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
};

// ---------------------------------------------------------------- entity keys

/** `domain\name` for an account; the domain may be empty (any domain). */
export function accountKey(name: string, domain: string | null | undefined): string {
  return `${(domain ?? '').toLowerCase()}\\${name.toLowerCase()}`;
}
export function parseAccountKey(key: string): { name: string; domain: string | null } {
  const cut = key.lastIndexOf('\\');
  const domain = cut >= 0 ? key.slice(0, cut) : '';
  return { name: cut >= 0 ? key.slice(cut + 1) : key, domain: domain === '' ? null : domain };
}
export function processKey(deviceId: string, processId: number, creationTime: string): string {
  return `${deviceId}|${processId}|${creationTime}`;
}
export function parseProcessKey(key: string): { deviceId: string; processId: number; creationTime: string } {
  const [deviceId, pid, ...rest] = key.split('|');
  const processId = Number(pid);
  if (!deviceId || !Number.isFinite(processId) || rest.length === 0) throw new OutpostError('BAD_REQUEST', 'A process key is deviceId|processId|creationTime.');
  return { deviceId, processId, creationTime: rest.join('|') };
}
/** A bare host name (beacons report the domain as RemoteUrl) is a domain; anything with a path or scheme is a URL. */
export function urlOrDomain(value: string): EntityRefData {
  return /[/:]/.test(value) ? { type: 'url', key: value } : { type: 'domain', key: value.toLowerCase() };
}
function domainOfUrl(url: string): string | null {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:@]+)/i.exec(url);
  return match?.[1]?.toLowerCase() ?? null;
}

// ---------------------------------------------------------------- alerts queue

const severityRank = "CASE severity WHEN 'High' THEN 4 WHEN 'Medium' THEN 3 WHEN 'Low' THEN 2 WHEN 'Informational' THEN 1 ELSE 0 END";
const alertSortSql: Record<string, string> = {
  time: 'alert_creation_time',
  severity: `${severityRank}`,
  status: 'status',
  category: 'category',
  title: 'title COLLATE NOCASE',
  machine: 'computer_dns_name COLLATE NOCASE',
};

function alertWhere(filter: AlertFilterData | undefined, skip?: 'severity' | 'status' | 'category' | 'group'): { sql: string; params: Params } {
  const parts: string[] = [];
  const params: Params = {};
  const inList = (column: string, values: string[] | undefined, name: string) => {
    if (!values?.length) return;
    parts.push(`${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`);
    values.forEach((value, i) => (params[`${name}${i}`] = value));
  };
  if (skip !== 'severity') inList('severity', filter?.severities, 'sev');
  if (skip !== 'status') inList('status', filter?.statuses, 'st');
  if (skip !== 'category') inList('category', filter?.categories, 'cat');
  if (skip !== 'group') inList('rbac_group_name', filter?.groups, 'grp');
  if (filter?.from) {
    parts.push('alert_creation_time >= @from');
    params.from = normalizeTime(filter.from);
  }
  if (filter?.to) {
    parts.push('alert_creation_time <= @to');
    params.to = normalizeTime(filter.to);
  }
  if (filter?.text) {
    parts.push("(title LIKE @text ESCAPE '\\' OR computer_dns_name LIKE @text ESCAPE '\\' OR threat_family_name LIKE @text ESCAPE '\\')");
    params.text = likePattern(filter.text);
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const alertListColumns = `id, title, severity, status, category, alert_creation_time, last_update_time, machine_id, computer_dns_name,
  rbac_group_name, threat_family_name, detection_source, incident_id, related_user_name, related_user_domain`;

// ---------------------------------------------------------------- timeline

const timelineTables: Record<TimelineKind, { table: string; rank: number; target: string; detail: string; extra: string }> = {
  process: {
    table: 'process_events', rank: 0, target: 'file_name', detail: 'process_command_line',
    extra: 'sha1, process_id, process_creation_time, NULL AS remote_ip, NULL AS remote_url, account_name, account_domain',
  },
  file: {
    table: 'file_events', rank: 1, target: 'file_name', detail: 'folder_path',
    extra: 'sha1, NULL AS process_id, NULL AS process_creation_time, file_origin_ip AS remote_ip, file_origin_url AS remote_url, NULL AS account_name, NULL AS account_domain',
  },
  registry: {
    table: 'registry_events', rank: 2, target: 'registry_key', detail: "coalesce(registry_value_name, '') || ' = ' || coalesce(registry_value_data, '')",
    extra: 'NULL AS sha1, NULL AS process_id, NULL AS process_creation_time, NULL AS remote_ip, NULL AS remote_url, NULL AS account_name, NULL AS account_domain',
  },
  network: {
    table: 'network_events', rank: 3, target: 'coalesce(remote_url, remote_ip)', detail: "remote_ip || ':' || coalesce(remote_port, '')",
    extra: 'NULL AS sha1, NULL AS process_id, NULL AS process_creation_time, remote_ip, remote_url, NULL AS account_name, NULL AS account_domain',
  },
  logon: {
    table: 'logon_events', rank: 4, target: "coalesce(account_domain, '') || '\\' || coalesce(account_name, '')", detail: "coalesce(logon_type, '') || ' from ' || coalesce(remote_device_name, remote_ip, '?')",
    extra: 'NULL AS sha1, NULL AS process_id, NULL AS process_creation_time, remote_ip, NULL AS remote_url, account_name, account_domain',
  },
};
const timelineKindByRank = Object.fromEntries(Object.entries(timelineTables).map(([kind, spec]) => [spec.rank, kind])) as Record<number, TimelineKind>;

function timelineKinds(filter: TimelineFilterData | undefined): TimelineKind[] {
  return filter?.kinds?.length ? filter.kinds : (Object.keys(timelineTables) as TimelineKind[]);
}

/** The WHERE of one event table's slice of a device timeline; the key index serves device + time. */
function timelineWhere(kind: TimelineKind, filter: TimelineFilterData | undefined, params: Params): string {
  const spec = timelineTables[kind];
  // Stored rows (0006), the machine's number looked up once: through the view, each of a page's
  // rows also sought its id, and planning the views took longer than running the page.
  const parts = [machineIs('@device')];
  if (filter?.from) {
    parts.push('timestamp >= @from');
    params.from = normalizeTime(filter.from);
  }
  if (filter?.to) {
    parts.push('timestamp <= @to');
    params.to = normalizeTime(filter.to);
  }
  if (filter?.actionTypes?.length) {
    parts.push(`action_type IN (${filter.actionTypes.map((_, i) => `@action${i}`).join(', ')})`);
    filter.actionTypes.forEach((value, i) => (params[`action${i}`] = value));
  }
  if (filter?.text) {
    params.text = likePattern(filter.text);
    parts.push(`(${spec.target} LIKE @text ESCAPE '\\' OR ${spec.detail} LIKE @text ESCAPE '\\' OR initiating_process_file_name LIKE @text ESCAPE '\\'
      OR initiating_process_command_line LIKE @text ESCAPE '\\' OR action_type LIKE @text ESCAPE '\\')`);
  }
  return parts.join(' AND ');
}

// ---------------------------------------------------------------- process trees

const processColumns = `device_id, timestamp, process_id, process_creation_time, file_name, process_command_line, sha1, account_name,
  initiating_process_id, initiating_process_creation_time, initiating_process_file_name, initiating_process_command_line,
  initiating_process_sha1, initiating_process_account_name, initiating_process_parent_id, initiating_process_parent_file_name`;

function shiftTime(time: string, ms: number): string {
  const at = Date.parse(normalizeTime(time).slice(0, 23) + 'Z');
  return Number.isNaN(at) ? time : normalizeTime(new Date(at + ms).toISOString());
}
const sameTime = (a: unknown, b: string) => typeof a === 'string' && normalizeTime(a) === normalizeTime(b);

/** The ProcessCreated row of a process: its timestamp is its creation time, so the key index finds it. */
function findProcess(db: Db, deviceId: string, processId: number, creationTime: string): Row | null {
  const rows = db
    .prepare(`SELECT ${processColumns} FROM process_events WHERE device_id = ? AND timestamp >= ? AND timestamp <= ? AND process_id = ? LIMIT 20`)
    .all(deviceId, shiftTime(creationTime, -2000), shiftTime(creationTime, 2000), processId) as Row[];
  return rows.find((row) => sameTime(row.process_creation_time, creationTime)) ?? rows[0] ?? null;
}

function childrenOf(db: Db, deviceId: string, processId: number, creationTime: string, limit: number): Row[] {
  const rows = db
    .prepare(`SELECT ${processColumns} FROM process_events WHERE device_id = ? AND timestamp >= ? AND initiating_process_id = ? ORDER BY timestamp LIMIT ?`)
    .all(deviceId, shiftTime(creationTime, -1000), processId, limit * 4) as Row[];
  return rows.filter((row) => sameTime(row.initiating_process_creation_time, creationTime)).slice(0, limit);
}

function nodeOf(row: Row): ProcessNodeData {
  return {
    processId: num(row.process_id), creationTime: str(row.process_creation_time) ?? str(row.timestamp), fileName: str(row.file_name),
    commandLine: str(row.process_command_line), sha1: str(row.sha1), accountName: str(row.account_name), timestamp: str(row.timestamp),
    children: [], moreChildren: false,
  };
}
function parentNodeOf(row: Row): ProcessNodeData {
  return {
    processId: num(row.initiating_process_id), creationTime: str(row.initiating_process_creation_time), fileName: str(row.initiating_process_file_name),
    commandLine: str(row.initiating_process_command_line), sha1: str(row.initiating_process_sha1), accountName: str(row.initiating_process_account_name),
    timestamp: null, children: [], moreChildren: false,
  };
}

/** Ancestors (up to six), the process, its children and grandchildren. */
export function processTree(db: Db, deviceId: string, processId: number, creationTime: string): ProcessTreeData | null {
  const focusRow = findProcess(db, deviceId, processId, creationTime);
  let focus: ProcessNodeData;
  let top: ProcessNodeData;
  if (focusRow) {
    focus = nodeOf(focusRow);
    top = focus;
    let row: Row | null = focusRow;
    for (let depth = 0; row && depth < 6; depth++) {
      const parentId = num(row.initiating_process_id);
      const parentTime = str(row.initiating_process_creation_time);
      if (parentId === null || parentTime === null) break;
      const parentRow = findProcess(db, deviceId, parentId, parentTime);
      const parent = parentRow ? nodeOf(parentRow) : parentNodeOf(row);
      parent.children.push(top);
      top = parent;
      if (!parentRow) {
        // Only the name of the grandparent is known, from the InitiatingProcessParent* columns.
        const grandName = str(row.initiating_process_parent_file_name);
        if (grandName) {
          top = { processId: num(row.initiating_process_parent_id), creationTime: null, fileName: grandName, commandLine: null, sha1: null, accountName: null, timestamp: null, children: [top], moreChildren: false };
        }
      }
      row = parentRow;
    }
  } else {
    // Known only as a parent: the creation event is outside the cache (older than the window).
    const asParent = childrenOf(db, deviceId, processId, creationTime, 1)[0];
    if (!asParent) return null;
    focus = parentNodeOf(asParent);
    top = focus;
  }
  const kids = childrenOf(db, deviceId, processId, focus.creationTime ?? creationTime, 50);
  focus.children = kids.map((kid) => {
    const child = nodeOf(kid);
    if (child.processId !== null && child.creationTime) {
      child.children = childrenOf(db, deviceId, child.processId, child.creationTime, 20).map((grand) => ({ ...nodeOf(grand), moreChildren: true }));
    }
    return child;
  });
  focus.moreChildren = kids.length >= 50;
  return { deviceId, root: top, focus: { processId, creationTime } };
}

function treeContains(node: ProcessNodeData, processId: number, creationTime: string): boolean {
  if (node.processId === processId && node.creationTime && sameTime(node.creationTime, creationTime)) return true;
  return node.children.some((child) => treeContains(child, processId, creationTime));
}

// ---------------------------------------------------------------- labels

/**
 * When the tenant was last asked for a machine's logged-on users (the sync's checkpoint):
 * null when never (the list is then empty for want of asking, not for want of logons), and
 * `at` null when asked before the sync kept the time.
 */
function logonUsersAsked(db: Db, machineId: string): { at: string | null } | null {
  const row = db.prepare('SELECT cursor, detail FROM sync_checkpoints WHERE stream = ?').get(`logon-users:${machineId}`) as { cursor: string | null; detail: string | null } | undefined;
  if (!row?.cursor) return null;
  const at = row.detail ? (JSON.parse(row.detail) as { fetchedAt?: unknown }).fetchedAt : null;
  return { at: typeof at === 'string' ? at : null };
}

function fileNameOf(db: Db, sha1: string): string | null {
  const row = (db.prepare('SELECT file_name FROM process_events WHERE sha1 = ? LIMIT 1').get(sha1) ??
    db.prepare('SELECT file_name FROM file_events WHERE sha1 = ? LIMIT 1').get(sha1) ??
    db.prepare('SELECT file_name FROM evidence WHERE sha1 = ? AND file_name IS NOT NULL LIMIT 1').get(sha1)) as { file_name?: string } | undefined;
  return str(row?.file_name);
}

export function labelOf(db: Db, entity: EntityRefData): string {
  switch (entity.type) {
    case 'machine':
      return str((db.prepare('SELECT computer_dns_name FROM machines WHERE id = ?').get(entity.key) as Row | undefined)?.computer_dns_name) ?? entity.key;
    case 'alert':
      return str((db.prepare('SELECT title FROM alerts WHERE id = ?').get(entity.key) as Row | undefined)?.title) ?? entity.key;
    case 'file':
      return fileNameOf(db, entity.key) ?? entity.key;
    case 'process': {
      const p = parseProcessKey(entity.key);
      const row = findProcess(db, p.deviceId, p.processId, p.creationTime);
      return `${str(row?.file_name) ?? 'process'} (${p.processId})`;
    }
    case 'account': {
      const a = parseAccountKey(entity.key);
      return a.domain ? `${a.domain}\\${a.name}` : a.name;
    }
    default:
      return entity.key;
  }
}

// ---------------------------------------------------------------- notes and tags

function notesOf(db: Db, entity: EntityRefData): NoteData[] {
  return (db.prepare('SELECT id, body, author, created_at, updated_at FROM notes WHERE entity_type = ? AND entity_key = ? ORDER BY created_at, id').all(entity.type, entity.key) as Row[]).map((row) => ({
    id: Number(row.id), body: String(row.body), author: str(row.author), createdAt: String(row.created_at), updatedAt: String(row.updated_at),
  }));
}
function tagsOf(db: Db, entity: EntityRefData): string[] {
  return db.prepare('SELECT tag FROM tags WHERE entity_type = ? AND entity_key = ? ORDER BY tag').pluck().all(entity.type, entity.key) as string[];
}

// ---------------------------------------------------------------- sub-lists

function accountMatch(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `${a}account_name = @name COLLATE NOCASE AND (@domain IS NULL OR ${a}account_domain = @domain COLLATE NOCASE)`;
}

const alertJoin = `SELECT DISTINCT a.${alertListColumns.replaceAll(/,\s*/g, ', a.')} FROM evidence e JOIN alerts a ON a.id = e.alert_id`;

const lists: Record<ListName, (db: Db, key: string, page: { limit: number; offset: number }) => { rows: Row[]; hasMore: boolean }> = {
  machines: (db, key, page) =>
    paged(db, `SELECT id, computer_dns_name, os_platform, version, rbac_group_name, risk_score, exposure_level, health_status, last_seen, last_ip_address
      FROM machines ${key ? "WHERE computer_dns_name LIKE @prefix ESCAPE '\\'" : ''} ORDER BY computer_dns_name COLLATE NOCASE`, { prefix: `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%` }, page),
  machineAlerts: (db, key, page) => paged(db, `SELECT ${alertListColumns} FROM alerts WHERE machine_id = @key ORDER BY alert_creation_time DESC`, { key }, page),
  machineLogonUsers: (db, key, page) => paged(db, 'SELECT * FROM logon_users WHERE machine_id = @key ORDER BY last_seen DESC', { key }, page),
  fileMachines: (db, key, page) => fileMachines(db, key, page),
  fileAlerts: (db, key, page) => paged(db, `${alertJoin} WHERE e.sha1 = @key ORDER BY a.alert_creation_time DESC`, { key }, page),
  fileProcesses: (db, key, page) =>
    paged(db, `SELECT device_id, device_name, timestamp, report_id, action_type, file_name, folder_path, process_id, process_creation_time, process_command_line,
      account_name, account_domain, initiating_process_file_name, initiating_process_id FROM process_events WHERE sha1 = @key ORDER BY timestamp DESC`, { key }, page),
  fileEvents: (db, key, page) =>
    paged(db, `SELECT device_id, device_name, timestamp, report_id, action_type, file_name, folder_path, file_origin_url, file_origin_ip,
      initiating_process_file_name, initiating_process_id, initiating_process_creation_time FROM file_events WHERE sha1 = @key ORDER BY timestamp DESC`, { key }, page),
  ipConnections: (db, key, page) => connections(db, 'remote_ip', key, page),
  ipAlerts: (db, key, page) => paged(db, `${alertJoin} WHERE e.ip_address = @key ORDER BY a.alert_creation_time DESC`, { key }, page),
  ipMachines: (db, key, page) =>
    paged(db, `SELECT id, computer_dns_name, rbac_group_name, last_ip_address, last_external_ip_address FROM machines WHERE last_ip_address = @key
      UNION SELECT id, computer_dns_name, rbac_group_name, last_ip_address, last_external_ip_address FROM machines WHERE last_external_ip_address = @key
      UNION SELECT m.id, m.computer_dns_name, m.rbac_group_name, m.last_ip_address, m.last_external_ip_address FROM machine_ip_addresses i JOIN machines m ON m.id = i.machine_id WHERE i.ip_address = @key
      ORDER BY 2`, { key }, page),
  urlConnections: (db, key, page) => connections(db, 'remote_url', key, page),
  urlAlerts: (db, key, page) => paged(db, `${alertJoin} WHERE e.url = @key ORDER BY a.alert_creation_time DESC`, { key }, page),
  domainConnections,
  domainUrls: (db, key, page) => paged(db, 'SELECT url, first_seen, last_seen FROM urls WHERE domain = @key ORDER BY url', { key: key.toLowerCase() }, page),
  domainAlerts: (db, key, page) =>
    paged(db, `${alertJoin} WHERE e.url = @key OR e.url IN (SELECT url FROM urls WHERE domain = @key) ORDER BY a.alert_creation_time DESC`, { key: key.toLowerCase() }, page),
  accountMachines: (db, key, page) => accountMachines(db, parseAccountKey(key), page),
  accountProcesses: (db, key, page) =>
    paged(db, `SELECT device_id, device_name, timestamp, report_id, file_name, sha1, process_id, process_creation_time, process_command_line, initiating_process_file_name
      FROM process_events WHERE ${accountMatch()} ORDER BY timestamp DESC`, parseAccountKey(key), page),
  accountAlerts: (db, key, page) =>
    paged(db, `SELECT ${alertListColumns} FROM alerts WHERE related_user_name = @name COLLATE NOCASE AND (@domain IS NULL OR related_user_domain = @domain COLLATE NOCASE)
      UNION SELECT ${alertListColumns} FROM alerts WHERE id IN (SELECT alert_id FROM evidence WHERE account_name = @name COLLATE NOCASE AND (@domain IS NULL OR domain_name = @domain COLLATE NOCASE))
      ORDER BY alert_creation_time DESC`, parseAccountKey(key), page),
  accountLogons: (db, key, page) =>
    paged(db, `SELECT device_id, device_name, timestamp, report_id, action_type, logon_type, protocol, remote_device_name, remote_ip, is_local_admin, failure_reason
      FROM logon_events WHERE ${accountMatch()} ORDER BY timestamp DESC`, parseAccountKey(key), page),
  processEvents: (db, key, page) => {
    const p = parseProcessKey(key);
    const parts = (Object.keys(timelineTables) as TimelineKind[]).map((kind) => {
      const spec = timelineTables[kind];
      return `SELECT '${kind}' AS kind, device_id, report_id, timestamp, action_type, ${spec.target} AS target, ${spec.detail} AS detail, ${spec.extra}
        FROM ${spec.table} WHERE device_id = @device AND timestamp >= @from AND initiating_process_id = @pid AND initiating_process_creation_time IN (@ct, @ctNorm)`;
    });
    return paged(db, `${parts.join(' UNION ALL ')} ORDER BY timestamp`, { device: p.deviceId, pid: p.processId, ct: p.creationTime, ctNorm: normalizeTime(p.creationTime), from: shiftTime(p.creationTime, -1000) }, page);
  },
};

// ---------------------------------------------------------------- search

const looksLikeIp = (text: string) => /^(\d{1,3}\.){3}\d{1,3}$/.test(text) || (/^[0-9a-f:]+$/i.test(text) && text.includes(':') && text.length > 2);
const looksLikeDomain = (text: string) => /^([a-z0-9-]+\.)+[a-z]{2,}$/i.test(text);

type Hit = { group: string; label: string; detail: string | null; entity: EntityRefData };

/** The entity a search hit names. Event rows are read by the hit's own rowid (one lookup, not a key seek). */
function hitFromSearch(db: Db, kind: string, key: Row, label: string | null, rowid: number): Hit | null {
  const get = (sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Row | undefined;
  switch (kind) {
    case 'machine':
      return { group: 'machine', label: label ?? String(key.id), detail: null, entity: { type: 'machine', key: String(key.id) } };
    case 'alert':
      return { group: 'alert', label: label ?? String(key.id), detail: null, entity: { type: 'alert', key: String(key.id) } };
    case 'file':
      return { group: 'file', label: fileNameOf(db, String(key.sha1)) ?? String(key.sha1), detail: String(key.sha1), entity: { type: 'file', key: String(key.sha1) } };
    case 'evidence': {
      const e = get('SELECT * FROM evidence WHERE alert_id = ? AND evidence_key = ?', key.alert_id, key.evidence_key);
      if (str(e?.sha1)) return { group: 'file', label: str(e?.file_name) ?? String(e?.sha1), detail: String(e?.sha1), entity: { type: 'file', key: String(e?.sha1) } };
      if (str(e?.ip_address)) return { group: 'ip', label: String(e?.ip_address), detail: null, entity: { type: 'ip', key: String(e?.ip_address) } };
      if (str(e?.url)) return { group: urlOrDomain(String(e?.url)).type, label: String(e?.url), detail: null, entity: urlOrDomain(String(e?.url)) };
      if (str(e?.account_name)) return { group: 'account', label: String(e?.account_name), detail: null, entity: { type: 'account', key: accountKey(String(e?.account_name), str(e?.domain_name)) } };
      return { group: 'alert', label: label ?? 'evidence', detail: null, entity: { type: 'alert', key: String(key.alert_id) } };
    }
    case 'processEvent': {
      const e = get('SELECT device_id, device_name, process_id, process_creation_time, file_name, process_command_line FROM process_events WHERE rowid = ?', rowid);
      if (!e || num(e.process_id) === null || !str(e.process_creation_time)) return null;
      return { group: 'process', label: `${str(e.file_name) ?? 'process'} on ${str(e.device_name) ?? e.device_id}`, detail: str(e.process_command_line), entity: { type: 'process', key: processKey(String(e.device_id), Number(e.process_id), String(e.process_creation_time)) } };
    }
    case 'fileEvent': {
      const e = get('SELECT sha1, file_name, folder_path FROM file_events WHERE rowid = ?', rowid);
      if (!str(e?.sha1)) return null;
      return { group: 'file', label: str(e?.file_name) ?? String(e?.sha1), detail: String(e?.sha1), entity: { type: 'file', key: String(e?.sha1) } };
    }
    case 'networkEvent': {
      const e = get('SELECT remote_ip, remote_url FROM network_events WHERE rowid = ?', rowid);
      if (str(e?.remote_url)) return { group: urlOrDomain(String(e?.remote_url)).type, label: String(e?.remote_url), detail: str(e?.remote_ip), entity: urlOrDomain(String(e?.remote_url)) };
      if (str(e?.remote_ip)) return { group: 'ip', label: String(e?.remote_ip), detail: null, entity: { type: 'ip', key: String(e?.remote_ip) } };
      return null;
    }
    case 'logonEvent': {
      const e = get('SELECT account_name, account_domain FROM logon_events WHERE rowid = ?', rowid);
      if (!str(e?.account_name)) return null;
      const entity: EntityRefData = { type: 'account', key: accountKey(String(e?.account_name), str(e?.account_domain)) };
      return { group: 'account', label: labelOf(db, entity), detail: null, entity };
    }
    case 'registryEvent':
    case 'deviceInfo': {
      const e = get('SELECT device_id, device_name FROM device_info WHERE device_id = ? LIMIT 1', key.device_id);
      return { group: 'machine', label: label ?? str(e?.device_name) ?? String(key.device_id), detail: kind === 'registryEvent' ? 'registry' : null, entity: { type: 'machine', key: String(key.device_id) } };
    }
    case 'note': {
      const e = get('SELECT entity_type, entity_key, body FROM notes WHERE id = ?', key.id);
      if (!e) return null;
      return { group: 'note', label: String(e.body).slice(0, 80), detail: String(e.entity_type), entity: { type: e.entity_type as EntityType, key: String(e.entity_key) } };
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------- graph

type Neighbour = { entity: EntityRefData; label: string; relation: string };

function neighbours(db: Db, entity: EntityRefData, n: number): Neighbour[] {
  const out: Neighbour[] = [];
  const add = (relation: string, ref: EntityRefData | null, label?: string | null) => {
    if (!ref || !ref.key) return;
    if (out.some((x) => x.entity.type === ref.type && x.entity.key === ref.key)) return;
    out.push({ relation, entity: ref, label: label ?? labelOf(db, ref) });
  };
  const page = { limit: n, offset: 0 };
  const machinesFrom = (rows: Row[], relation: string) => rows.forEach((r) => add(relation, { type: 'machine', key: String(r.device_id ?? r.id) }, str(r.computer_dns_name) ?? str(r.device_name)));
  const alertsFrom = (rows: Row[]) => rows.forEach((r) => add('alert', { type: 'alert', key: String(r.id) }, str(r.title)));
  const contacted = (where: string, params: Params) => {
    for (const r of db.prepare(`SELECT remote_ip, remote_domain, count(*) AS n FROM network_events WHERE ${where} GROUP BY remote_ip, remote_domain ORDER BY n DESC LIMIT ${n}`).all(params) as Row[]) {
      if (str(r.remote_domain)) add('contacted', { type: 'domain', key: String(r.remote_domain) });
      if (str(r.remote_ip)) add('contacted', { type: 'ip', key: String(r.remote_ip) });
    }
  };
  const filesRunning = (where: string, params: Params) => {
    for (const r of db.prepare(`SELECT initiating_process_sha1 AS sha1, max(initiating_process_file_name) AS name, count(*) AS n FROM network_events WHERE ${where} AND initiating_process_sha1 IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT ${n}`).all(params) as Row[]) {
      add('connected from', { type: 'file', key: String(r.sha1) }, str(r.name));
    }
  };
  switch (entity.type) {
    case 'machine': {
      alertsFrom(lists.machineAlerts(db, entity.key, page).rows);
      for (const r of lists.machineLogonUsers(db, entity.key, page).rows) add('logged on', { type: 'account', key: accountKey(String(r.account_name), str(r.account_domain)) });
      contacted('device_id = @d AND remote_ip_type IS NOT \'Private\'', { d: entity.key });
      break;
    }
    case 'alert': {
      const alert = db.prepare('SELECT machine_id, computer_dns_name, related_user_name, related_user_domain FROM alerts WHERE id = ?').get(entity.key) as Row | undefined;
      if (str(alert?.machine_id)) add('on machine', { type: 'machine', key: String(alert?.machine_id) }, str(alert?.computer_dns_name));
      for (const r of relatedOfAlert(db, entity.key)) add(r.relation, r.entity, r.label);
      break;
    }
    case 'file': {
      machinesFrom(lists.fileMachines(db, entity.key, page).rows, 'seen on');
      alertsFrom(lists.fileAlerts(db, entity.key, page).rows);
      contacted('initiating_process_sha1 = @s', { s: entity.key });
      break;
    }
    case 'ip':
      machinesFrom(lists.ipConnections(db, entity.key, page).rows, 'connected from');
      machinesFrom(lists.ipMachines(db, entity.key, page).rows, 'assigned to');
      filesRunning('remote_ip = @k', { k: entity.key });
      alertsFrom(lists.ipAlerts(db, entity.key, page).rows);
      break;
    case 'url':
      machinesFrom(lists.urlConnections(db, entity.key, page).rows, 'connected from');
      filesRunning(urlIs('@k'), { k: entity.key });
      alertsFrom(lists.urlAlerts(db, entity.key, page).rows);
      add('domain', domainOfUrl(entity.key) ? { type: 'domain', key: domainOfUrl(entity.key)! } : null);
      break;
    case 'domain':
      machinesFrom(lists.domainConnections(db, entity.key, page).rows, 'connected from');
      filesRunning(domainIs('@k'), { k: entity.key.toLowerCase() });
      for (const r of lists.domainUrls(db, entity.key, page).rows) add('url', { type: 'url', key: String(r.url) });
      alertsFrom(lists.domainAlerts(db, entity.key, page).rows);
      break;
    case 'account':
      machinesFrom(lists.accountMachines(db, entity.key, page).rows, 'logged on to');
      alertsFrom(lists.accountAlerts(db, entity.key, page).rows);
      break;
    case 'process': {
      const p = parseProcessKey(entity.key);
      const row = findProcess(db, p.deviceId, p.processId, p.creationTime);
      add('on machine', { type: 'machine', key: p.deviceId });
      if (str(row?.sha1)) add('image', { type: 'file', key: String(row?.sha1) }, str(row?.file_name));
      if (row && num(row.initiating_process_id) !== null && str(row.initiating_process_creation_time)) {
        add('parent', { type: 'process', key: processKey(p.deviceId, Number(row.initiating_process_id), String(row.initiating_process_creation_time)) }, `${str(row.initiating_process_file_name) ?? 'parent'} (${String(row.initiating_process_id)})`);
      }
      for (const kid of childrenOf(db, p.deviceId, p.processId, p.creationTime, n)) {
        if (num(kid.process_id) !== null && str(kid.process_creation_time)) add('child', { type: 'process', key: processKey(p.deviceId, Number(kid.process_id), String(kid.process_creation_time)) }, `${str(kid.file_name) ?? 'process'} (${String(kid.process_id)})`);
      }
      contacted('device_id = @d AND timestamp >= @from AND initiating_process_id = @pid', { d: p.deviceId, from: shiftTime(p.creationTime, -1000), pid: p.processId });
      break;
    }
  }
  return out;
}

function relatedOfAlert(db: Db, alertId: string): Neighbour[] {
  const related: Neighbour[] = [];
  const add = (relation: string, entity: EntityRefData, label: string) => {
    if (!related.some((r) => r.entity.type === entity.type && r.entity.key === entity.key)) related.push({ relation, entity, label });
  };
  const alert = db.prepare('SELECT machine_id, computer_dns_name, related_user_name, related_user_domain FROM alerts WHERE id = ?').get(alertId) as Row | undefined;
  if (str(alert?.machine_id)) add('machine', { type: 'machine', key: String(alert?.machine_id) }, str(alert?.computer_dns_name) ?? String(alert?.machine_id));
  for (const e of db.prepare('SELECT * FROM evidence WHERE alert_id = ? ORDER BY ordinal').all(alertId) as Row[]) {
    if (str(e.sha1)) add('file', { type: 'file', key: String(e.sha1) }, str(e.file_name) ?? String(e.sha1));
    if (str(e.ip_address)) add('ip', { type: 'ip', key: String(e.ip_address) }, String(e.ip_address));
    if (str(e.url)) {
      const ref = urlOrDomain(String(e.url));
      add(ref.type, ref, String(e.url));
      const domain = domainOfUrl(String(e.url));
      if (domain) add('domain', { type: 'domain', key: domain }, domain);
    }
    if (str(e.account_name)) {
      const ref: EntityRefData = { type: 'account', key: accountKey(String(e.account_name), str(e.domain_name)) };
      add('account', ref, labelOf(db, ref));
    }
    if (str(e.entity_type)?.toLowerCase() === 'process' && num(e.process_id) !== null && str(e.process_creation_time) && str(alert?.machine_id)) {
      add('process', { type: 'process', key: processKey(String(alert?.machine_id), Number(e.process_id), String(e.process_creation_time)) }, `${str(e.file_name) ?? 'process'} (${String(e.process_id)})`);
    }
  }
  if (str(alert?.related_user_name)) {
    const ref: EntityRefData = { type: 'account', key: accountKey(String(alert?.related_user_name), str(alert?.related_user_domain)) };
    add('account', ref, labelOf(db, ref));
  }
  return related;
}

// ---------------------------------------------------------------- the named queries

export const investigateQueries = {
  invAlerts(db: Db, p: { filter?: AlertFilterData; sort?: { by?: string; dir?: 'asc' | 'desc' }; limit?: number; offset?: number }) {
    const where = alertWhere(p.filter);
    const order = alertSortSql[p.sort?.by ?? 'time'] ?? alertSortSql.time;
    const dir = p.sort?.dir === 'asc' ? 'ASC' : 'DESC';
    const page = pageOf(p);
    const rows = db.prepare(`SELECT ${alertListColumns} FROM alerts ${where.sql} ORDER BY ${order} ${dir}, alert_creation_time DESC, id LIMIT @limit OFFSET @offset`)
      .all({ ...where.params, ...page }) as Row[];
    const total = Number(db.prepare(`SELECT count(*) FROM alerts ${where.sql}`).pluck().get(where.params));
    return { rows, total };
  },
  /** Each facet is counted under every filter but its own, so picking "High" still shows the other severities' counts. */
  invAlertFacets(db: Db, p: { filter?: AlertFilterData }) {
    const facet = (column: string, skip: 'severity' | 'status' | 'category' | 'group') => {
      const where = alertWhere(p.filter, skip);
      return (db.prepare(`SELECT coalesce(${column}, '') AS value, count(*) AS count FROM alerts ${where.sql} GROUP BY 1 ORDER BY 2 DESC`).all(where.params) as Array<{ value: string; count: number }>);
    };
    const where = alertWhere(p.filter);
    return {
      severity: facet('severity', 'severity'), status: facet('status', 'status'), category: facet('category', 'category'), group: facet('rbac_group_name', 'group'),
      total: Number(db.prepare(`SELECT count(*) FROM alerts ${where.sql}`).pluck().get(where.params)),
    };
  },
  invAlert(db: Db, p: { id: string }) {
    const alert = db.prepare('SELECT * FROM alerts WHERE id = ?').get(need(p.id, 'an alert id')) as Row | undefined;
    if (!alert) return null;
    const evidence = db.prepare('SELECT * FROM evidence WHERE alert_id = ? ORDER BY ordinal').all(p.id) as Row[];
    const story: ProcessTreeData[] = [];
    const machineId = str(alert.machine_id);
    for (const e of evidence) {
      const pid = num(e.process_id);
      const ct = str(e.process_creation_time);
      if (!machineId || pid === null || !ct || str(e.entity_type)?.toLowerCase() !== 'process') continue;
      if (story.some((tree) => treeContains(tree.root, pid, ct))) continue;
      const tree = processTree(db, machineId, pid, ct);
      if (!tree) continue;
      // A later evidence process may be the ancestor of an earlier tree: keep the larger picture.
      for (let i = story.length - 1; i >= 0; i--) if (treeContains(tree.root, story[i]!.focus.processId, story[i]!.focus.creationTime)) story.splice(i, 1);
      story.push(tree);
    }
    return { alert, evidence, techniques: parseJsonList(alert.mitre_techniques), related: relatedOfAlert(db, p.id), story };
  },
  invMachine(db: Db, p: { id: string }) {
    const machine = db.prepare('SELECT * FROM machines WHERE id = ?').get(need(p.id, 'a machine id')) as Row | undefined;
    if (!machine) return null;
    const eventCount = (Object.values(timelineTables)).reduce((sum, spec) => sum + Number(db.prepare(`SELECT count(*) FROM ${spec.table} WHERE device_id = ?`).pluck().get(p.id)), 0);
    return {
      machine,
      ipAddresses: db.prepare('SELECT ip_address, mac_address, operational_status FROM machine_ip_addresses WHERE machine_id = ? ORDER BY ip_address').all(p.id) as Row[],
      tags: db.prepare('SELECT tag FROM machine_tags WHERE machine_id = ? ORDER BY tag').pluck().all(p.id) as string[],
      alertCount: Number(db.prepare('SELECT count(*) FROM alerts WHERE machine_id = ?').pluck().get(p.id)),
      eventCount,
      logonUsersAsked: logonUsersAsked(db, p.id),
    };
  },
  /**
   * Newest first over all five event tables, keyset-paged on (timestamp, kind, report_id):
   * each table contributes at most `limit` keys after the cursor, read backwards along its
   * key index (without the rows when only time filters apply), the merge keeps the first
   * `limit`, and only those rows are read: 100 row reads for a page instead of 500, each
   * likely on its own page of the table, since a machine's events are interleaved with the
   * other machines' of the same sync answer. So a page is short (pageRows, a screen and a
   * half): on a first visit each row read is a page decrypted; p95 of 200 rows 10 ms, of 100
   * 5.2-6, of 50 2.9 (in-thread, 1M events).
   */
  invTimeline(db: Db, p: { deviceId: string; filter?: TimelineFilterData; after?: TimelineCursorData | null; limit?: number }) {
    const limit = Math.max(1, Math.min(Number(p.limit ?? pageRows) || pageRows, 1000));
    const params: Params = { device: need(p.deviceId, 'a device id'), limit };
    const after = p.after ?? null;
    if (after) {
      params.afterTs = normalizeTime(after.timestamp);
      params.afterRid = after.reportId;
    }
    const afterRank = after ? timelineTables[after.kind].rank : 0;
    const kinds = timelineKinds(p.filter);
    const keys = kinds.map((kind) => {
      const spec = timelineTables[kind];
      let where = timelineWhere(kind, p.filter, params);
      if (after) {
        if (spec.rank < afterRank) where += ' AND timestamp <= @afterTs';
        else if (spec.rank === afterRank) where += ' AND (timestamp < @afterTs OR (timestamp = @afterTs AND report_id < @afterRid))';
        else where += ' AND timestamp < @afterTs';
      }
      return `SELECT * FROM (SELECT ${spec.rank} AS k, rowid AS rid, timestamp AS ts, report_id AS rep FROM ${eventRows(spec.table)} WHERE ${where} ORDER BY timestamp DESC, report_id DESC LIMIT @limit)`;
    });
    const rowsOf = kinds.map((kind) => {
      const spec = timelineTables[kind];
      const rows = eventRows(spec.table);
      return `SELECT '${kind}' AS kind, ${spec.rank} AS kind_rank, @device AS device_id, report_id, timestamp, action_type, ${spec.target} AS target, ${spec.detail} AS detail,
          initiating_process_file_name, initiating_process_command_line, initiating_process_id, initiating_process_creation_time, initiating_process_sha1,
          initiating_process_account_name, ${spec.extra}
        FROM page JOIN ${rows} ON ${rows}.rowid = page.rid WHERE page.k = ${spec.rank}`;
    });
    const rows = db.prepare(`WITH page AS MATERIALIZED (${keys.join(' UNION ALL ')} ORDER BY ts DESC, k DESC, rep DESC LIMIT @limit)
      ${rowsOf.join(' UNION ALL ')} ORDER BY timestamp DESC, kind_rank DESC, report_id DESC`).all(params) as Row[];
    const last = rows.length === limit ? rows[rows.length - 1] : undefined;
    const next: TimelineCursorData | null = last ? { timestamp: String(last.timestamp), kind: timelineKindByRank[Number(last.kind_rank)]!, reportId: Number(last.report_id) } : null;
    return { rows, next };
  },
  invHistogram(db: Db, p: { deviceId: string; filter?: TimelineFilterData; buckets?: number }) {
    const device = need(p.deviceId, 'a device id');
    const buckets = Math.max(4, Math.min(Number(p.buckets ?? 120) || 120, 400));
    const kinds = timelineKinds(p.filter);
    let from = p.filter?.from ? normalizeTime(p.filter.from) : null;
    let to = p.filter?.to ? normalizeTime(p.filter.to) : null;
    // The key index answers min/max per device without reading the rows.
    for (const kind of kinds) {
      const table = eventRows(timelineTables[kind].table);
      if (!p.filter?.from) {
        const first = db.prepare(`SELECT min(timestamp) FROM ${table} WHERE ${machineIs('?')}`).pluck().get(device) as string | null;
        if (first && (!from || first < from)) from = first;
      }
      if (!p.filter?.to) {
        const last = db.prepare(`SELECT max(timestamp) FROM ${table} WHERE ${machineIs('?')}`).pluck().get(device) as string | null;
        if (last && (!to || last > to)) to = last;
      }
    }
    const actionTypes = [...new Set(kinds.flatMap((kind) => db.prepare(`SELECT DISTINCT action_type FROM ${eventRows(timelineTables[kind].table)} WHERE ${machineIs('?')} AND action_type IS NOT NULL`).pluck().all(device) as string[]))].sort();
    if (!from || !to) return { from, to, bucketMs: 0, counts: [] as number[], actionTypes };
    const fromMs = Date.parse(from.slice(0, 23) + 'Z');
    const toMs = Date.parse(to.slice(0, 23) + 'Z');
    const bucketMs = Math.max(1000, Math.ceil((toMs - fromMs + 1) / buckets));
    const counts = new Array<number>(buckets).fill(0);
    for (const kind of kinds) {
      const params: Params = { device };
      const where = timelineWhere(kind, { ...p.filter, from, to }, params);
      const sql = `SELECT CAST(((julianday(substr(timestamp, 1, 23)) - 2440587.5) * 86400000.0 - @fromMs) / @bucketMs AS INTEGER) AS bucket, count(*) AS n
        FROM ${eventRows(timelineTables[kind].table)} WHERE ${where} GROUP BY bucket`;
      for (const row of db.prepare(sql).all({ ...params, fromMs, bucketMs }) as Array<{ bucket: number; n: number }>) {
        const index = Math.max(0, Math.min(buckets - 1, row.bucket));
        counts[index] = (counts[index] ?? 0) + row.n;
      }
    }
    return { from, to, bucketMs, counts, actionTypes };
  },
  invProcessTree(db: Db, p: { deviceId: string; processId: number; creationTime: string }) {
    return processTree(db, need(p.deviceId, 'a device id'), Number(p.processId), need(p.creationTime, 'a creation time'));
  },
  /** Facts for the page header of a file, IP, URL, domain, account or process. */
  invEntity(db: Db, p: { entity: EntityRefData }) {
    const { entity } = p;
    const key = need(entity?.key, 'an entity key');
    const label = labelOf(db, entity);
    const one = (sql: string, params: Params) => (db.prepare(sql).get(params) as Row | undefined) ?? {};
    let facts: Row = {};
    let found = false;
    switch (entity.type) {
      case 'file': {
        const profile = (db.prepare('SELECT * FROM files WHERE sha1 = ?').get(key) as Row | undefined) ?? {};
        // Counts read the stored rows (0006): a machine's number counts it as well as its id, without a seek per event.
        const prevalence = one(`SELECT count(DISTINCT machine) AS machines, min(timestamp) AS first_seen, max(timestamp) AS last_seen, count(*) AS events
          FROM (SELECT machine, timestamp FROM process_events_rows WHERE sha1 = @k UNION ALL SELECT machine, timestamp FROM file_events_rows WHERE sha1 = @k)`, { k: key });
        const processes = one('SELECT count(*) AS process_count FROM process_events_rows WHERE sha1 = @k', { k: key });
        facts = { ...profile, file_name: fileNameOf(db, key), cache_machines: prevalence.machines, cache_first_seen: prevalence.first_seen, cache_last_seen: prevalence.last_seen, ...processes };
        found = Object.keys(profile).length > 0 || Number(prevalence.events) > 0;
        break;
      }
      case 'ip': {
        const seen = one('SELECT first_seen, last_seen FROM ip_addresses WHERE address = @k', { k: key });
        const conn = one('SELECT count(*) AS connections, count(DISTINCT machine) AS machines_connected FROM network_events_rows WHERE remote_ip = @k', { k: key });
        const logons = one('SELECT count(*) AS logons_from FROM logon_events_rows WHERE remote_ip = @k', { k: key });
        facts = { ...seen, ...conn, ...logons };
        found = Object.keys(seen).length > 0 || Number(conn.connections) > 0;
        break;
      }
      case 'url': {
        const seen = one('SELECT domain, first_seen, last_seen FROM urls WHERE url = @k', { k: key });
        const conn = one(`SELECT count(*) AS connections, count(DISTINCT machine) AS machines_connected FROM network_events_rows WHERE ${urlIs('@k')}`, { k: key });
        facts = { domain: domainOfUrl(key), ...seen, ...conn };
        found = Object.keys(seen).length > 0 || Number(conn.connections) > 0;
        break;
      }
      case 'domain': {
        const seen = one('SELECT first_seen, last_seen FROM domains WHERE domain = @k', { k: key.toLowerCase() });
        const conn = one(`SELECT count(*) AS connections, count(DISTINCT machine) AS machines_connected FROM network_events_rows WHERE ${domainIs('@k')}`, { k: key.toLowerCase() });
        const urls = one('SELECT count(*) AS urls FROM urls WHERE domain = @k', { k: key.toLowerCase() });
        facts = { ...seen, ...conn, ...urls };
        found = Object.keys(seen).length > 0 || Number(conn.connections) > 0;
        break;
      }
      case 'account': {
        const account = parseAccountKey(key);
        const users = one(`SELECT count(*) AS logged_on_machines, min(first_seen) AS first_seen, max(last_seen) AS last_seen, max(is_domain_admin) AS is_domain_admin
          FROM logon_users WHERE ${accountMatch()}`, account);
        const logons = one(`SELECT count(*) AS logons FROM logon_events_rows WHERE ${accountMatch()}`, account);
        const processes = one(`SELECT count(*) AS processes FROM process_events_rows WHERE ${accountMatch()}`, account);
        facts = { account_name: account.name, account_domain: account.domain, ...users, ...logons, ...processes };
        found = Number(users.logged_on_machines) + Number(logons.logons) + Number(processes.processes) > 0;
        break;
      }
      case 'process': {
        const pk = parseProcessKey(key);
        const row = findProcess(db, pk.deviceId, pk.processId, pk.creationTime);
        facts = row ?? { device_id: pk.deviceId, process_id: pk.processId, process_creation_time: pk.creationTime };
        found = row !== null;
        break;
      }
      case 'machine':
        facts = (db.prepare('SELECT * FROM machines WHERE id = ?').get(key) as Row | undefined) ?? {};
        found = Object.keys(facts).length > 0;
        break;
      case 'alert':
        facts = (db.prepare(`SELECT ${alertListColumns} FROM alerts WHERE id = ?`).get(key) as Row | undefined) ?? {};
        found = Object.keys(facts).length > 0;
        break;
    }
    return { entity, label, found, facts };
  },
  invList(db: Db, p: { list: ListName; key: string; limit?: number; offset?: number }) {
    const list = lists[p.list];
    if (!list || !Object.hasOwn(lists, p.list)) throw new OutpostError('BAD_REQUEST', `There is no list named ${String(p.list)}.`);
    return list(db, String(p.key ?? ''), pageOf(p));
  },
  /** Exact pivots first (hash, IP, domain, URL, host and account prefixes), then full-text hits, grouped. */
  invSearch(db: Db, p: { text: string; limit?: number }) {
    const text = need(p.text?.trim(), 'something to search for');
    const limit = Math.max(1, Math.min(Number(p.limit ?? 60) || 60, 200));
    const hits: Hit[] = [];
    const push = (hit: Hit | null) => {
      if (hit && hits.length < limit && !hits.some((h) => h.entity.type === hit.entity.type && h.entity.key === hit.entity.key)) hits.push(hit);
    };
    if (/^[0-9a-f]{40}$/i.test(text)) push({ group: 'file', label: fileNameOf(db, text.toLowerCase()) ?? text.toLowerCase(), detail: text.toLowerCase(), entity: { type: 'file', key: text.toLowerCase() } });
    if (looksLikeIp(text)) push({ group: 'ip', label: text, detail: null, entity: { type: 'ip', key: text } });
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) push({ group: 'url', label: text, detail: null, entity: { type: 'url', key: text } });
    if (looksLikeDomain(text) && db.prepare('SELECT 1 FROM domains WHERE domain = ?').get(text.toLowerCase())) push({ group: 'domain', label: text.toLowerCase(), detail: null, entity: { type: 'domain', key: text.toLowerCase() } });
    const exactCount = hits.length;
    const prefix = `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    for (const row of db.prepare("SELECT id, computer_dns_name, os_platform FROM machines WHERE computer_dns_name LIKE ? ESCAPE '\\' ORDER BY computer_dns_name LIMIT 10").all(prefix) as Row[]) {
      push({ group: 'machine', label: String(row.computer_dns_name), detail: str(row.os_platform), entity: { type: 'machine', key: String(row.id) } });
    }
    for (const row of db.prepare("SELECT DISTINCT account_name, account_domain FROM logon_users WHERE account_name LIKE ? ESCAPE '\\' LIMIT 10").all(prefix) as Row[]) {
      const entity: EntityRefData = { type: 'account', key: accountKey(String(row.account_name), str(row.account_domain)) };
      push({ group: 'account', label: labelOf(db, entity), detail: null, entity });
    }
    const words = searchWords(db, text);
    for (const rowid of words ? searchCandidates(db, words, limit * 4) : []) {
      if (hits.length >= limit) break;
      const kind = searchKinds[(rowid % 16) as keyof typeof searchKinds];
      if (!kind) continue;
      const found = searchHitKey(db, kind, Math.floor(rowid / 16));
      if (found) push(hitFromSearch(db, kind, found.key, found.label, Math.floor(rowid / 16)));
    }
    // What the analyst typed exactly (a hash, an IP, a URL, a known domain) comes first, so Enter opens it.
    const exact = hits[0] && exactCount > 0 ? hits[0].group : null;
    const order = ['machine', 'alert', 'file', 'process', 'ip', 'domain', 'url', 'account', 'note'].sort((a, b) => Number(b === exact) - Number(a === exact));
    return {
      groups: order.map((group) => ({ group, hits: hits.filter((hit) => hit.group === group).map(({ label, detail, entity }) => ({ label, detail, entity })) })).filter((g) => g.hits.length > 0),
    };
  },
  invGraph(db: Db, p: { entity: EntityRefData; perRelation?: number }) {
    const n = Math.max(1, Math.min(Number(p.perRelation ?? 12) || 12, 50));
    return { center: { entity: p.entity, label: labelOf(db, p.entity) }, neighbours: neighbours(db, p.entity, n) };
  },
  invAnnotations(db: Db, p: { entity: EntityRefData }) {
    return { notes: notesOf(db, p.entity), tags: tagsOf(db, p.entity) };
  },
  /** The case: every entity with a tag or a note, first-annotated first. */
  invCase(db: Db, p: { limit?: number; offset?: number }) {
    const page = pageOf(p, 200);
    const { rows, hasMore } = paged(db, `SELECT entity_type, entity_key, min(at) AS first_at FROM (
        SELECT entity_type, entity_key, created_at AS at FROM tags UNION ALL SELECT entity_type, entity_key, created_at AS at FROM notes)
      GROUP BY entity_type, entity_key ORDER BY first_at, entity_type, entity_key`, {}, page);
    return {
      entities: rows.map((row) => {
        const entity = { type: row.entity_type as EntityType, key: String(row.entity_key) };
        return { entity, label: labelOf(db, entity), tags: tagsOf(db, entity), notes: notesOf(db, entity) };
      }),
      hasMore,
    };
  },
  /** Every host and account name the cache holds, for pseudonymizing an export. */
  invIdentityNames(db: Db) {
    return {
      hosts: db.prepare(`SELECT computer_dns_name FROM machines WHERE computer_dns_name IS NOT NULL UNION SELECT device_name FROM device_info WHERE device_name IS NOT NULL
        UNION SELECT remote_device_name FROM logon_events WHERE remote_device_name IS NOT NULL`).pluck().all() as string[],
      accounts: db.prepare(`SELECT account_name FROM logon_users UNION SELECT related_user_name FROM alerts WHERE related_user_name IS NOT NULL
        UNION SELECT account_name FROM evidence WHERE account_name IS NOT NULL UNION SELECT account_name FROM logon_events WHERE account_name IS NOT NULL
        UNION SELECT account_name FROM process_events WHERE account_name IS NOT NULL`).pluck().all() as string[],
    };
  },
};
