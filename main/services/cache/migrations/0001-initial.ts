import type { Migration } from './migration';

/*
 * The first schema. Column names are the snake_case of the Defender API field names
 * (mde-api.md), so a column can be traced to the field it holds. Lists and nested
 * objects the UI only displays (comments, mitreTechniques, AdditionalFields) are kept as
 * JSON text; lists we pivot on (machine IPs, tags) also get their own rows.
 *
 * Write cost matters (the sync writes tens of thousands of events a second): event tables
 * carry only the indexes a pivot needs, and the search index is contentless, fed by the
 * writer, with a rowid that encodes which table and row a hit is (see search-kinds.ts).
 * Never edit this file once shipped: add a migration.
 */

// The columns every hunting event table shares (mde-api.md, "All" and "Event tables add").
const eventColumns = `
  device_id TEXT NOT NULL,
  report_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  device_name TEXT,
  action_type TEXT,
  additional_fields TEXT,
  initiating_process_file_name TEXT,
  initiating_process_folder_path TEXT,
  initiating_process_sha1 TEXT,
  initiating_process_id INTEGER,
  initiating_process_command_line TEXT,
  initiating_process_creation_time TEXT,
  initiating_process_parent_id INTEGER,
  initiating_process_parent_file_name TEXT,
  initiating_process_account_name TEXT,
  initiating_process_account_domain TEXT`;

// Hunting ReportIds are unique only per device, so the key is (device, report, time). Its
// order puts time second, so the key itself is the machine -> events-by-time index.
const eventKey = 'PRIMARY KEY (device_id, timestamp, report_id)';

// A purged row takes its search entry with it, so a reused rowid never inherits a stale hit.
const searchCleanup = (table: string, kind: number) => `
CREATE TRIGGER ${table}_search_delete AFTER DELETE ON ${table} BEGIN
  DELETE FROM search WHERE rowid = old.rowid * 16 + ${kind};
END;`;

const sql = `
CREATE TABLE cache_meta (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  tenant_id TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by_version TEXT NOT NULL
);

CREATE TABLE device_groups (
  rbac_group_id INTEGER PRIMARY KEY,
  rbac_group_name TEXT NOT NULL
);

CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  computer_dns_name TEXT,
  aad_device_id TEXT,
  machine_tags TEXT,
  first_seen TEXT,
  last_seen TEXT,
  os_platform TEXT,
  version TEXT,
  os_build INTEGER,
  os_architecture TEXT,
  last_ip_address TEXT,
  last_external_ip_address TEXT,
  ip_addresses TEXT,
  health_status TEXT,
  onboarding_status TEXT,
  rbac_group_id INTEGER,
  rbac_group_name TEXT,
  risk_score TEXT,
  exposure_level TEXT,
  device_value TEXT,
  synced_at TEXT NOT NULL
);
CREATE INDEX machines_by_name ON machines (computer_dns_name COLLATE NOCASE);
CREATE INDEX machines_by_group ON machines (rbac_group_id);
CREATE INDEX machines_by_last_ip ON machines (last_ip_address);
CREATE INDEX machines_by_external_ip ON machines (last_external_ip_address);

CREATE TABLE machine_ip_addresses (
  machine_id TEXT NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
  ip_address TEXT NOT NULL,
  mac_address TEXT NOT NULL DEFAULT '',
  operational_status TEXT,
  PRIMARY KEY (machine_id, ip_address, mac_address)
) WITHOUT ROWID;
CREATE INDEX machine_ip_addresses_by_ip ON machine_ip_addresses (ip_address);

CREATE TABLE machine_tags (
  machine_id TEXT NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (machine_id, tag)
) WITHOUT ROWID;
CREATE INDEX machine_tags_by_tag ON machine_tags (tag COLLATE NOCASE);

CREATE TABLE logon_users (
  machine_id TEXT NOT NULL,
  account_name TEXT NOT NULL,
  account_domain TEXT NOT NULL DEFAULT '',
  first_seen TEXT,
  last_seen TEXT,
  logon_types TEXT,
  is_domain_admin INTEGER,
  PRIMARY KEY (machine_id, account_domain, account_name)
) WITHOUT ROWID;
CREATE INDEX logon_users_by_account ON logon_users (account_name COLLATE NOCASE, account_domain COLLATE NOCASE);

CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  incident_id INTEGER,
  investigation_id INTEGER,
  investigation_state TEXT,
  assigned_to TEXT,
  severity TEXT,
  status TEXT,
  classification TEXT,
  determination TEXT,
  category TEXT,
  detection_source TEXT,
  detector_id TEXT,
  threat_family_name TEXT,
  threat_name TEXT,
  title TEXT,
  description TEXT,
  alert_creation_time TEXT,
  first_event_time TEXT,
  last_event_time TEXT,
  last_update_time TEXT,
  resolved_time TEXT,
  machine_id TEXT,
  computer_dns_name TEXT,
  rbac_group_name TEXT,
  aad_tenant_id TEXT,
  mitre_techniques TEXT,
  related_user_name TEXT,
  related_user_domain TEXT,
  comments TEXT,
  synced_at TEXT NOT NULL
);
CREATE INDEX alerts_by_machine ON alerts (machine_id, alert_creation_time);
CREATE INDEX alerts_by_update ON alerts (last_update_time);
CREATE INDEX alerts_by_incident ON alerts (incident_id);

CREATE TABLE evidence (
  alert_id TEXT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  evidence_key TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  entity_type TEXT,
  evidence_creation_time TEXT,
  sha1 TEXT,
  sha256 TEXT,
  file_name TEXT,
  file_path TEXT,
  process_id INTEGER,
  process_command_line TEXT,
  process_creation_time TEXT,
  parent_process_id INTEGER,
  parent_process_creation_time TEXT,
  parent_process_file_name TEXT,
  parent_process_file_path TEXT,
  ip_address TEXT,
  url TEXT,
  registry_key TEXT,
  registry_hive TEXT,
  registry_value_type TEXT,
  registry_value TEXT,
  account_name TEXT,
  domain_name TEXT,
  user_sid TEXT,
  aad_user_id TEXT,
  user_principal_name TEXT,
  detection_status TEXT,
  PRIMARY KEY (alert_id, evidence_key)
);
CREATE INDEX evidence_by_sha1 ON evidence (sha1);
CREATE INDEX evidence_by_ip ON evidence (ip_address);
CREATE INDEX evidence_by_url ON evidence (url);
CREATE INDEX evidence_by_account ON evidence (account_name COLLATE NOCASE);

CREATE TABLE files (
  sha1 TEXT PRIMARY KEY,
  sha256 TEXT,
  global_prevalence INTEGER,
  global_first_observed TEXT,
  global_last_observed TEXT,
  size INTEGER,
  file_type TEXT,
  is_pe_file INTEGER,
  file_publisher TEXT,
  file_product_name TEXT,
  signer TEXT,
  issuer TEXT,
  signer_hash TEXT,
  is_valid_certificate INTEGER,
  determination_type TEXT,
  determination_value TEXT,
  synced_at TEXT NOT NULL
);
CREATE INDEX files_by_sha256 ON files (sha256);

CREATE TABLE device_info (
  device_id TEXT NOT NULL,
  report_id INTEGER NOT NULL,
  timestamp TEXT NOT NULL,
  device_name TEXT,
  client_version TEXT,
  public_ip TEXT,
  os_platform TEXT,
  os_build INTEGER,
  os_version TEXT,
  aad_device_id TEXT,
  logged_on_users TEXT,
  machine_group TEXT,
  onboarding_status TEXT,
  sensor_health_state TEXT,
  ${eventKey}
);
CREATE INDEX device_info_by_public_ip ON device_info (public_ip);

CREATE TABLE process_events (${eventColumns},
  file_name TEXT,
  folder_path TEXT,
  sha1 TEXT,
  sha256 TEXT,
  md5 TEXT,
  process_id INTEGER,
  process_command_line TEXT,
  process_creation_time TEXT,
  account_name TEXT,
  account_domain TEXT,
  ${eventKey}
);
CREATE INDEX process_events_by_sha1 ON process_events (sha1);
CREATE INDEX process_events_by_parent_sha1 ON process_events (initiating_process_sha1);
CREATE INDEX process_events_by_account ON process_events (account_name COLLATE NOCASE, account_domain COLLATE NOCASE);

CREATE TABLE file_events (${eventColumns},
  file_name TEXT,
  folder_path TEXT,
  sha1 TEXT,
  sha256 TEXT,
  md5 TEXT,
  file_size INTEGER,
  file_origin_url TEXT,
  file_origin_ip TEXT,
  previous_file_name TEXT,
  request_source_ip TEXT,
  ${eventKey}
);
CREATE INDEX file_events_by_sha1 ON file_events (sha1);
CREATE INDEX file_events_by_process_sha1 ON file_events (initiating_process_sha1);

CREATE TABLE registry_events (${eventColumns},
  registry_key TEXT,
  registry_value_name TEXT,
  registry_value_type TEXT,
  registry_value_data TEXT,
  previous_registry_key TEXT,
  previous_registry_value_name TEXT,
  previous_registry_value_data TEXT,
  ${eventKey}
);
CREATE INDEX registry_events_by_process_sha1 ON registry_events (initiating_process_sha1);

CREATE TABLE network_events (${eventColumns},
  remote_ip TEXT,
  remote_port INTEGER,
  remote_url TEXT,
  remote_domain TEXT,
  local_ip TEXT,
  local_port INTEGER,
  protocol TEXT,
  local_ip_type TEXT,
  remote_ip_type TEXT,
  ${eventKey}
);
CREATE INDEX network_events_by_remote_ip ON network_events (remote_ip);
CREATE INDEX network_events_by_remote_url ON network_events (remote_url);
CREATE INDEX network_events_by_remote_domain ON network_events (remote_domain);
CREATE INDEX network_events_by_process_sha1 ON network_events (initiating_process_sha1);

CREATE TABLE logon_events (${eventColumns},
  logon_type TEXT,
  account_name TEXT,
  account_domain TEXT,
  account_sid TEXT,
  protocol TEXT,
  failure_reason TEXT,
  is_local_admin INTEGER,
  logon_id INTEGER,
  remote_device_name TEXT,
  remote_ip TEXT,
  remote_ip_type TEXT,
  remote_port INTEGER,
  ${eventKey}
);
CREATE INDEX logon_events_by_account ON logon_events (account_name COLLATE NOCASE, account_domain COLLATE NOCASE);
CREATE INDEX logon_events_by_remote_ip ON logon_events (remote_ip);

-- Pivot entities: every IP address and URL/domain seen, with when.
CREATE TABLE ip_addresses (
  address TEXT PRIMARY KEY,
  first_seen TEXT,
  last_seen TEXT
) WITHOUT ROWID;

CREATE TABLE domains (
  domain TEXT PRIMARY KEY,
  first_seen TEXT,
  last_seen TEXT
) WITHOUT ROWID;

CREATE TABLE urls (
  url TEXT PRIMARY KEY,
  domain TEXT,
  first_seen TEXT,
  last_seen TEXT
) WITHOUT ROWID;
CREATE INDEX urls_by_domain ON urls (domain);

-- Sync bookkeeping: each page commits with its checkpoint, in one transaction.
CREATE TABLE sync_checkpoints (
  stream TEXT PRIMARY KEY,
  cursor TEXT,
  detail TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE sync_scope (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  scope TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE tenant_policy (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  retention_days INTEGER,
  license_state TEXT,
  max_offline_days INTEGER,
  idle_lock_minutes INTEGER,
  policy TEXT NOT NULL,
  source TEXT,
  updated_at TEXT NOT NULL
);

-- Hash-chained by the audit service: each entry commits to the one before it.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  target TEXT,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_type TEXT NOT NULL,
  entity_key TEXT NOT NULL,
  body TEXT NOT NULL,
  author TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX notes_by_entity ON notes (entity_type, entity_key);

CREATE TABLE tags (
  entity_type TEXT NOT NULL,
  entity_key TEXT NOT NULL,
  tag TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (entity_type, entity_key, tag)
) WITHOUT ROWID;
CREATE INDEX tags_by_tag ON tags (tag COLLATE NOCASE);

-- Full-text search. Contentless (the text is not stored twice); the rowid is
-- source_rowid * 16 + kind, so a hit names its table and row without a lookup table.
CREATE VIRTUAL TABLE search USING fts5(
  text,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2'
);
${searchCleanup('machines', 1)}
${searchCleanup('alerts', 2)}
${searchCleanup('evidence', 3)}
${searchCleanup('files', 4)}
${searchCleanup('process_events', 5)}
${searchCleanup('file_events', 6)}
${searchCleanup('registry_events', 7)}
${searchCleanup('network_events', 8)}
${searchCleanup('logon_events', 9)}
${searchCleanup('device_info', 10)}
${searchCleanup('notes', 11)}
`;

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(sql);
  },
};
