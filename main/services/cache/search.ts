import type { SearchKind } from './columns';
import type { Db } from './engine';
import type { Row } from './queries';

/** For each search kind: the table, the key columns of a hit and the column that names it. */
const hitSources: Record<SearchKind, { table: string; key: string[]; label: string }> = {
  machine: { table: 'machines', key: ['id'], label: 'computer_dns_name' },
  alert: { table: 'alerts', key: ['id'], label: 'title' },
  evidence: { table: 'evidence', key: ['alert_id', 'evidence_key'], label: "coalesce(file_name, ip_address, url, account_name, registry_key)" },
  file: { table: 'files', key: ['sha1'], label: 'sha1' },
  processEvent: { table: 'process_events', key: ['device_id', 'report_id', 'timestamp'], label: 'file_name' },
  fileEvent: { table: 'file_events', key: ['device_id', 'report_id', 'timestamp'], label: 'file_name' },
  registryEvent: { table: 'registry_events', key: ['device_id', 'report_id', 'timestamp'], label: 'registry_key' },
  networkEvent: { table: 'network_events', key: ['device_id', 'report_id', 'timestamp'], label: 'coalesce(remote_url, remote_ip)' },
  logonEvent: { table: 'logon_events', key: ['device_id', 'report_id', 'timestamp'], label: 'account_name' },
  deviceInfo: { table: 'device_info', key: ['device_id', 'report_id', 'timestamp'], label: 'device_name' },
  note: { table: 'notes', key: ['id'], label: 'substr(body, 1, 80)' },
};

/** Turns a search hit's source rowid into the entity key the UI navigates by. */
export function searchHitKey(db: Db, kind: SearchKind, rowid: number): { key: Row; label: string | null } | null {
  const source = hitSources[kind];
  const row = db.prepare(`SELECT ${source.key.join(', ')}, ${source.label} AS label FROM ${source.table} WHERE rowid = ?`).get(rowid) as Row | undefined;
  if (!row) return null;
  const { label, ...key } = row;
  return { key, label: typeof label === 'string' ? label : null };
}
