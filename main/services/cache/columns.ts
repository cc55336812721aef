import type { Scalar } from './records';

/*
 * Which API field feeds which column. Column names are the snake_case of the field names,
 * so the field is derived from the column; the few exceptions are written out.
 */

const acronyms: Record<string, string> = { ip: 'IP', os: 'OS', sha1: 'SHA1', sha256: 'SHA256', md5: 'MD5' };

/** device_id -> DeviceId, initiating_process_sha1 -> InitiatingProcessSHA1, public_ip -> PublicIP. */
export function huntingField(column: string): string {
  return column
    .split('_')
    .map((part) => acronyms[part] ?? part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** computer_dns_name -> computerDnsName. */
export function entityField(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** How a value is stored: objects and lists as JSON, booleans as 0/1. */
export function bindable(value: unknown): Scalar {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    default:
      return JSON.stringify(value);
  }
}

const timePattern = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?\d*Z$/;

/**
 * One spelling per instant, so the same event arriving as "...:05Z" and "...:05.000Z" is
 * one row, and times sort as text: seven fractional digits, as the hunting API uses.
 */
export function normalizeTime(value: unknown): string {
  const text = String(value);
  const match = timePattern.exec(text);
  if (match) return `${match[1]}.${(match[2] ?? '').padEnd(7, '0')}Z`;
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) return text;
  return `${parsed.toISOString().slice(0, 23)}0000Z`;
}

/** The host of a RemoteUrl, which may be a bare host name or a full URL. */
export function domainOf(url: unknown): string | null {
  if (typeof url !== 'string' || url === '') return null;
  let rest = url.trim().toLowerCase();
  const scheme = rest.indexOf('://');
  if (scheme >= 0) rest = rest.slice(scheme + 3);
  const end = rest.search(/[/?#]/);
  if (end >= 0) rest = rest.slice(0, end);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = rest.slice(at + 1);
  if (!rest.startsWith('[')) rest = rest.replace(/:\d+$/, '');
  return rest === '' ? null : rest;
}

export const eventColumns = [
  'device_id', 'report_id', 'timestamp', 'device_name', 'action_type', 'additional_fields',
  'initiating_process_file_name', 'initiating_process_folder_path', 'initiating_process_sha1',
  'initiating_process_id', 'initiating_process_command_line', 'initiating_process_creation_time',
  'initiating_process_parent_id', 'initiating_process_parent_file_name',
  'initiating_process_account_name', 'initiating_process_account_domain',
];

/*
 * `searchable`: what an event adds to the full-text index. Search text is the costliest
 * part of ingest (tokens per event), so events index names, paths, command lines, URLs and
 * accounts, but not hashes or IP addresses: those are exact pivots served by B-tree indexes
 * (process/file sha1, remote_ip), which a search for a hash or an address uses first.
 * Machines, alerts, evidence and files (few rows) index their hashes and IPs as well.
 */
export const huntingTables = {
  deviceInfo: {
    table: 'device_info',
    kind: 10,
    columns: ['device_id', 'report_id', 'timestamp', 'device_name', 'client_version', 'public_ip', 'os_platform', 'os_build',
      'os_version', 'aad_device_id', 'logged_on_users', 'machine_group', 'onboarding_status', 'sensor_health_state'],
    searchable: [] as string[],
  },
  processEvents: {
    table: 'process_events',
    kind: 5,
    columns: [...eventColumns, 'file_name', 'folder_path', 'sha1', 'sha256', 'md5', 'process_id', 'process_command_line',
      'process_creation_time', 'account_name', 'account_domain'],
    searchable: ['file_name', 'folder_path', 'process_command_line', 'account_name', 'initiating_process_file_name'],
  },
  fileEvents: {
    table: 'file_events',
    kind: 6,
    columns: [...eventColumns, 'file_name', 'folder_path', 'sha1', 'sha256', 'md5', 'file_size', 'file_origin_url',
      'file_origin_ip', 'previous_file_name', 'request_source_ip'],
    searchable: ['file_name', 'folder_path', 'file_origin_url', 'previous_file_name', 'initiating_process_file_name'],
  },
  registryEvents: {
    table: 'registry_events',
    kind: 7,
    columns: [...eventColumns, 'registry_key', 'registry_value_name', 'registry_value_type', 'registry_value_data',
      'previous_registry_key', 'previous_registry_value_name', 'previous_registry_value_data'],
    searchable: ['registry_key', 'registry_value_name', 'registry_value_data', 'initiating_process_file_name'],
  },
  networkEvents: {
    table: 'network_events',
    kind: 8,
    // remote_domain is derived from remote_url by the writer, not an API column.
    columns: [...eventColumns, 'remote_ip', 'remote_port', 'remote_url', 'local_ip', 'local_port', 'protocol',
      'local_ip_type', 'remote_ip_type'],
    searchable: ['remote_url', 'initiating_process_file_name'],
  },
  logonEvents: {
    table: 'logon_events',
    kind: 9,
    columns: [...eventColumns, 'logon_type', 'account_name', 'account_domain', 'account_sid', 'protocol', 'failure_reason',
      'is_local_admin', 'logon_id', 'remote_device_name', 'remote_ip', 'remote_ip_type', 'remote_port'],
    searchable: ['account_name', 'account_domain', 'remote_device_name'],
  },
} as const;

export type HuntingTableName = keyof typeof huntingTables;

/*
 * Where an event table's rows are stored (migration 0006): `<table>_rows`, the machine as a
 * number (machine_numbers) instead of its DeviceId. The table's own name is a view that joins
 * the id back, which every read uses; inserts and deletes go here.
 */
export function eventRows(table: string): string {
  return `${table}_rows`;
}

export const machineColumns = [
  'id', 'computer_dns_name', 'aad_device_id', 'machine_tags', 'first_seen', 'last_seen', 'os_platform', 'version', 'os_build',
  'os_architecture', 'last_ip_address', 'last_external_ip_address', 'ip_addresses', 'health_status', 'onboarding_status',
  'rbac_group_id', 'rbac_group_name', 'risk_score', 'exposure_level', 'device_value',
];

export const alertColumns = [
  'id', 'incident_id', 'investigation_id', 'investigation_state', 'assigned_to', 'severity', 'status', 'classification',
  'determination', 'category', 'detection_source', 'detector_id', 'threat_family_name', 'threat_name', 'title', 'description',
  'alert_creation_time', 'first_event_time', 'last_event_time', 'last_update_time', 'resolved_time', 'machine_id',
  'computer_dns_name', 'rbac_group_name', 'aad_tenant_id', 'mitre_techniques', 'comments',
];

export const evidenceColumns = [
  'entity_type', 'evidence_creation_time', 'sha1', 'sha256', 'file_name', 'file_path', 'process_id', 'process_command_line',
  'process_creation_time', 'parent_process_id', 'parent_process_creation_time', 'parent_process_file_name',
  'parent_process_file_path', 'ip_address', 'url', 'registry_key', 'registry_hive', 'registry_value_type', 'registry_value',
  'account_name', 'domain_name', 'user_sid', 'aad_user_id', 'user_principal_name', 'detection_status',
];

export const fileColumns = [
  'sha1', 'sha256', 'global_prevalence', 'global_first_observed', 'global_last_observed', 'size', 'file_type', 'is_pe_file',
  'file_publisher', 'file_product_name', 'signer', 'issuer', 'signer_hash', 'is_valid_certificate', 'determination_type',
  'determination_value',
];

export const logonUserColumns = ['machine_id', 'account_name', 'account_domain', 'first_seen', 'last_seen', 'logon_types', 'is_domain_admin'];

/** The search kinds: the low 4 bits of a search rowid. */
export const searchKinds = {
  1: 'machine', 2: 'alert', 3: 'evidence', 4: 'file', 5: 'processEvent', 6: 'fileEvent', 7: 'registryEvent',
  8: 'networkEvent', 9: 'logonEvent', 10: 'deviceInfo', 11: 'note',
} as const;
export type SearchKind = (typeof searchKinds)[keyof typeof searchKinds];
