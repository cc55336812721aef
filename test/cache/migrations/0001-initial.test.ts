import { afterEach, describe, expect, it } from 'vitest';
import { huntingField } from '../../../main/services/cache/columns';
import { migrate } from '../../../main/services/cache/migrate';
import { columnsOf, emptyEncryptedDb, indexedColumns } from './helpers';

// The hunting columns mde-api.md says Outpost keeps, in the API's spelling.
const allColumns = ['Timestamp', 'DeviceId', 'DeviceName', 'ReportId'];
const eventColumns = [...allColumns, 'ActionType', 'AdditionalFields', ...['FileName', 'FolderPath', 'SHA1', 'Id', 'CommandLine', 'CreationTime',
  'ParentId', 'ParentFileName', 'AccountName', 'AccountDomain'].map((field) => `InitiatingProcess${field}`)];
const documented: Record<string, string[]> = {
  device_info: [...allColumns, 'ClientVersion', 'PublicIP', 'OSPlatform', 'OSBuild', 'OSVersion', 'AadDeviceId', 'LoggedOnUsers', 'MachineGroup',
    'OnboardingStatus', 'SensorHealthState'],
  process_events: [...eventColumns, 'FileName', 'FolderPath', 'SHA1', 'SHA256', 'MD5', 'ProcessId', 'ProcessCommandLine', 'ProcessCreationTime',
    'AccountName', 'AccountDomain'],
  file_events: [...eventColumns, 'FileName', 'FolderPath', 'SHA1', 'SHA256', 'MD5', 'FileSize', 'FileOriginUrl', 'FileOriginIP', 'PreviousFileName',
    'RequestSourceIP'],
  registry_events: [...eventColumns, 'RegistryKey', 'RegistryValueName', 'RegistryValueType', 'RegistryValueData', 'PreviousRegistryKey',
    'PreviousRegistryValueName', 'PreviousRegistryValueData'],
  network_events: [...eventColumns, 'RemoteIP', 'RemotePort', 'RemoteUrl', 'LocalIP', 'LocalPort', 'Protocol', 'LocalIPType', 'RemoteIPType'],
  logon_events: [...eventColumns, 'LogonType', 'AccountName', 'AccountDomain', 'AccountSid', 'Protocol', 'FailureReason', 'IsLocalAdmin', 'LogonId',
    'RemoteDeviceName', 'RemoteIP', 'RemoteIPType', 'RemotePort'],
};
// Entity API fields (camelCase) -> snake_case columns.
const snake = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
const entities: Record<string, string[]> = {
  machines: ['id', 'computerDnsName', 'aadDeviceId', 'machineTags', 'firstSeen', 'lastSeen', 'osPlatform', 'version', 'osBuild', 'osArchitecture',
    'lastIpAddress', 'lastExternalIpAddress', 'ipAddresses', 'healthStatus', 'onboardingStatus', 'rbacGroupId', 'rbacGroupName', 'riskScore',
    'exposureLevel', 'deviceValue'],
  alerts: ['id', 'incidentId', 'investigationId', 'investigationState', 'assignedTo', 'severity', 'status', 'classification', 'determination',
    'category', 'detectionSource', 'detectorId', 'threatFamilyName', 'threatName', 'title', 'description', 'alertCreationTime', 'firstEventTime',
    'lastEventTime', 'lastUpdateTime', 'resolvedTime', 'machineId', 'computerDnsName', 'rbacGroupName', 'aadTenantId', 'mitreTechniques', 'comments'],
  evidence: ['entityType', 'evidenceCreationTime', 'sha1', 'sha256', 'fileName', 'filePath', 'processId', 'processCommandLine', 'processCreationTime',
    'parentProcessId', 'parentProcessCreationTime', 'parentProcessFileName', 'parentProcessFilePath', 'ipAddress', 'url', 'registryKey',
    'registryHive', 'registryValueType', 'registryValue', 'accountName', 'domainName', 'userSid', 'aadUserId', 'userPrincipalName', 'detectionStatus'],
  files: ['sha1', 'sha256', 'globalPrevalence', 'globalFirstObserved', 'globalLastObserved', 'size', 'fileType', 'isPeFile', 'filePublisher',
    'fileProductName', 'signer', 'issuer', 'signerHash', 'isValidCertificate', 'determinationType', 'determinationValue'],
  logon_users: ['accountName', 'accountDomain', 'firstSeen', 'lastSeen', 'logonTypes', 'isDomainAdmin'],
};

describe('migration 0001: the initial schema', () => {
  let fixture: ReturnType<typeof emptyEncryptedDb>;
  afterEach(() => fixture.remove());

  it('takes an empty cache to version 1', () => {
    fixture = emptyEncryptedDb();
    expect(fixture.db.pragma('user_version', { simple: true })).toBe(0);
    expect(migrate(fixture.db, 't', 1)).toBe(1);
    const tables = fixture.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    for (const table of ['cache_meta', 'machines', 'machine_ip_addresses', 'machine_tags', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files',
      'device_info', 'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses', 'domains', 'urls',
      'sync_checkpoints', 'sync_scope', 'tenant_policy', 'audit_log', 'notes', 'tags', 'search']) {
      expect(tables).toContain(table);
    }
  });

  it('keeps every hunting column mde-api.md lists, under its snake_case name', () => {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't', 1);
    for (const [table, fields] of Object.entries(documented)) {
      const columns = columnsOf(fixture.db, table);
      for (const field of fields) {
        const column = columns.find((candidate) => huntingField(candidate) === field);
        expect(column, `${table} keeps ${field}`).toBeDefined();
      }
    }
  });

  it('keeps every entity field mde-api.md lists', () => {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't', 1);
    for (const [table, fields] of Object.entries(entities)) {
      const columns = columnsOf(fixture.db, table);
      for (const field of fields) expect(columns, `${table}.${field}`).toContain(snake(field));
    }
    expect(columnsOf(fixture.db, 'alerts')).toEqual(expect.arrayContaining(['related_user_name', 'related_user_domain']));
    expect(columnsOf(fixture.db, 'network_events')).toContain('remote_domain');
  });

  it('keys events by (device, report id, time) and indexes every pivot', () => {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't', 1);
    const db = fixture.db;
    for (const table of ['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'device_info']) {
      const key = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string; pk: number }>).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
      expect(key, table).toEqual(['device_id', 'timestamp', 'report_id']);
    }
    const has = (table: string, columns: string[]) => expect(indexedColumns(db, table), `${table}(${columns.join(', ')})`).toContainEqual(columns);
    // machine -> events by time: the primary key is (device_id, timestamp, report_id)
    for (const table of ['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events']) has(table, ['device_id', 'timestamp', 'report_id']);
    has('process_events', ['sha1']);
    has('process_events', ['initiating_process_sha1']);
    has('file_events', ['sha1']);
    has('evidence', ['sha1']);
    has('network_events', ['remote_ip']);
    has('logon_events', ['remote_ip']);
    has('network_events', ['remote_url']);
    has('network_events', ['remote_domain']);
    has('logon_events', ['account_name', 'account_domain']);
    has('process_events', ['account_name', 'account_domain']);
    has('evidence', ['alert_id', 'evidence_key']);
    has('alerts', ['machine_id', 'alert_creation_time']);
    has('machine_ip_addresses', ['ip_address']);
  });

  it('uses the machine-then-time index for a device timeline', () => {
    fixture = emptyEncryptedDb();
    migrate(fixture.db, 't', 1);
    const plan = fixture.db.prepare("EXPLAIN QUERY PLAN SELECT * FROM process_events WHERE device_id = 'd' AND timestamp >= '2024' ORDER BY timestamp DESC").all() as Array<{ detail: string }>;
    const detail = plan.map((step) => step.detail).join(' ');
    expect(detail).toMatch(/USING INDEX sqlite_autoindex_process_events_1 \(device_id=\? AND timestamp>\?\)/);
    expect(detail).not.toMatch(/TEMP B-TREE/);
  });
});
