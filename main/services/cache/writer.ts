import { createHash } from 'node:crypto';
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Db } from './engine';
import {
  alertColumns, bindable, domainOf, entityField, eventRows, evidenceColumns, fileColumns, huntingField, huntingTables,
  logonUserColumns, machineColumns, normalizeTime, type HuntingTableName,
} from './columns';
import type { AlertRecord, CacheBatch, EvidenceRecord, HuntingRow, MachineRecord, WriteSummary } from './records';
import { KeyMachineTally } from './key-machines';
import { EventBoundsTally } from './event-bounds';
import { MachineNumbers } from './machine-numbers';
import { writeAnalystData } from './writer-analyst';

type Statement = Sqlite.Statement;

function insertSql(table: string, columns: readonly string[], conflict: string): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${conflict}`;
}

function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const updates = columns.filter((column) => !key.includes(column)).map((column) => `${column} = excluded.${column}`);
  return insertSql(table, columns, `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')} RETURNING rowid`);
}

/** The text a row contributes to search: its searchable values, space-separated. */
function searchText(values: readonly unknown[]): string {
  let text = '';
  for (const value of values) if (value !== null && value !== undefined && value !== '') text += `${String(value)} `;
  return text;
}

/** A stable key for one piece of evidence: the hash of its content, so re-syncs are idempotent. */
function evidenceKey(evidence: EvidenceRecord): string {
  const fields = Object.keys(evidence).sort();
  return createHash('sha256').update(JSON.stringify(fields.map((field) => [field, evidence[field]]))).digest('hex').slice(0, 32);
}

/** First and last time each pivot (IP, URL, domain) was seen within one batch. */
class SeenRange {
  readonly seen = new Map<string, [string, string]>();
  add(value: unknown, time: string): void {
    if (typeof value !== 'string' || value === '') return;
    const range = this.seen.get(value);
    if (!range) this.seen.set(value, [time, time]);
    else {
      if (time < range[0]) range[0] = time;
      if (time > range[1]) range[1] = time;
    }
  }
}

export interface CacheWriter {
  /** One batch, one transaction. */
  write(batch: CacheBatch): WriteSummary;
  /** Part of a transaction opened with BEGIN by the worker; commits with it. */
  append(batch: CacheBatch): WriteSummary;
  /** Just before the worker's COMMIT: what the transaction's appends tallied (key-machines.ts). */
  beforeCommit(): void;
  /** After the worker's ROLLBACK: forget the tally of rows that were never written. */
  afterRollback(): void;
}

/**
 * The sync's write path: prepared once, one transaction per batch. Events are immutable
 * (a repeat is skipped without touching the search index); entities are upserted.
 */
export function createWriter(db: Db, now: () => string = () => new Date().toISOString()): CacheWriter {
  const keyMachines = new KeyMachineTally();
  const bounds = new EventBoundsTally();
  const machineNumbers = new MachineNumbers(db);
  const search = db.prepare('INSERT OR REPLACE INTO search (rowid, text) VALUES (?, ?)');
  const hunting = Object.fromEntries(
    (Object.keys(huntingTables) as HuntingTableName[]).map((name) => {
      const spec = huntingTables[name];
      // The rows name their machine by number (machine-numbers.ts): device_id is stored as `machine`.
      const stored = spec.columns.map((column) => (column === 'device_id' ? 'machine' : column));
      const columns = name === 'networkEvents' ? [...stored, 'remote_domain'] : stored;
      const fields = spec.columns.map(huntingField);
      const searchIndex = spec.searchable.map((column) => spec.columns.indexOf(column as never));
      return [name, { spec, fields, searchIndex, insert: db.prepare(insertSql(eventRows(spec.table), columns, 'ON CONFLICT DO NOTHING')) }];
    }),
  ) as Record<HuntingTableName, { spec: (typeof huntingTables)[HuntingTableName]; fields: string[]; searchIndex: number[]; insert: Statement }>;

  const machineFields = machineColumns.map(entityField);
  const upsertMachine = db.prepare(upsertSql('machines', [...machineColumns, 'synced_at'], ['id']));
  const clearMachineIps = db.prepare('DELETE FROM machine_ip_addresses WHERE machine_id = ?');
  const insertMachineIp = db.prepare(insertSql('machine_ip_addresses', ['machine_id', 'ip_address', 'mac_address', 'operational_status'], 'ON CONFLICT DO NOTHING'));
  const clearMachineTags = db.prepare('DELETE FROM machine_tags WHERE machine_id = ?');
  const insertMachineTag = db.prepare(insertSql('machine_tags', ['machine_id', 'tag'], 'ON CONFLICT DO NOTHING'));
  const upsertGroup = db.prepare('INSERT INTO device_groups (rbac_group_id, rbac_group_name) VALUES (?, ?) ON CONFLICT DO UPDATE SET rbac_group_name = excluded.rbac_group_name');

  const alertFields = alertColumns.map(entityField);
  const upsertAlert = db.prepare(upsertSql('alerts', [...alertColumns, 'related_user_name', 'related_user_domain', 'synced_at'], ['id']));
  const evidenceFields = evidenceColumns.map(entityField);
  const clearEvidence = db.prepare('DELETE FROM evidence WHERE alert_id = ?');
  const insertEvidence = db.prepare(insertSql('evidence', ['alert_id', 'evidence_key', 'ordinal', ...evidenceColumns], 'ON CONFLICT DO NOTHING'));

  const fileFields = fileColumns.map(entityField);
  const upsertFile = db.prepare(upsertSql('files', [...fileColumns, 'synced_at'], ['sha1']));
  const logonUserFields = logonUserColumns.map(entityField);
  const upsertLogonUser = db.prepare(upsertSql('logon_users', logonUserColumns, ['machine_id', 'account_domain', 'account_name']).replace(' RETURNING rowid', ''));

  const upsertIp = db.prepare(`INSERT INTO ip_addresses (address, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET
    first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen), last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)`);
  const upsertDomain = db.prepare(`INSERT INTO domains (domain, first_seen, last_seen) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET
    first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen), last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)`);
  const upsertUrl = db.prepare(`INSERT INTO urls (url, domain, first_seen, last_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET
    first_seen = min(coalesce(first_seen, excluded.first_seen), excluded.first_seen), last_seen = max(coalesce(last_seen, excluded.last_seen), excluded.last_seen)`);

  const upsertCheckpoint = db.prepare('INSERT INTO sync_checkpoints (stream, cursor, detail, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET cursor = excluded.cursor, detail = excluded.detail, updated_at = excluded.updated_at');
  const upsertScope = db.prepare('INSERT INTO sync_scope (singleton, scope, updated_at) VALUES (1, ?, ?) ON CONFLICT DO UPDATE SET scope = excluded.scope, updated_at = excluded.updated_at');
  const upsertPolicy = db.prepare(`INSERT INTO tenant_policy (singleton, retention_days, license_state, max_offline_days, idle_lock_minutes, policy, source, updated_at)
    VALUES (1, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET retention_days = excluded.retention_days, license_state = excluded.license_state,
    max_offline_days = excluded.max_offline_days, idle_lock_minutes = excluded.idle_lock_minutes, policy = excluded.policy, source = excluded.source, updated_at = excluded.updated_at`);

  function writeHunting(name: HuntingTableName, rows: HuntingRow[], summary: WriteSummary, ips: SeenRange, urls: SeenRange): void {
    const { spec, fields, searchIndex, insert } = hunting[name];
    const machineAt = 0; // device_id, report_id, timestamp lead every hunting table
    const timeAt = 2;
    let written = 0;
    for (const row of rows) {
      const values: unknown[] = new Array(fields.length);
      for (let i = 0; i < fields.length; i++) values[i] = bindable(row[fields[i] as string]);
      const time = normalizeTime(row.Timestamp);
      values[machineAt] = machineNumbers.of(row.DeviceId);
      values[timeAt] = time;
      if (name === 'networkEvents') {
        values.push(domainOf(row.RemoteUrl));
        ips.add(row.RemoteIP, time);
        urls.add(row.RemoteUrl, time);
      } else if (name === 'logonEvents') ips.add(row.RemoteIP, time);
      else if (name === 'fileEvents') {
        ips.add(row.FileOriginIP, time);
        urls.add(row.FileOriginUrl, time);
      }
      const result = insert.run(values);
      if (result.changes === 0) {
        summary.duplicates++;
        continue;
      }
      written++;
      bounds.add(spec.table, time);
      if (name === 'processEvents') {
        keyMachines.add('fileProcesses', [row.SHA1], row.DeviceId, time, row.DeviceName);
        keyMachines.add('accountProcesses', [row.AccountName, row.AccountDomain], row.DeviceId, time, row.DeviceName);
      } else if (name === 'fileEvents') keyMachines.add('fileEvents', [row.SHA1], row.DeviceId, time, row.DeviceName);
      else if (name === 'logonEvents') keyMachines.add('accountLogons', [row.AccountName, row.AccountDomain], row.DeviceId, time, row.DeviceName);
      if (searchIndex.length > 0) search.run(Number(result.lastInsertRowid) * 16 + spec.kind, searchText(searchIndex.map((i) => values[i])));
    }
    summary.written[spec.table] = (summary.written[spec.table] ?? 0) + written;
  }

  function writeMachine(machine: MachineRecord, syncedAt: string): void {
    const { rowid } = upsertMachine.get([...machineFields.map((field) => bindable(machine[field])), syncedAt]) as { rowid: number };
    clearMachineIps.run(machine.id);
    for (const ip of machine.ipAddresses ?? []) insertMachineIp.run(machine.id, ip.ipAddress, ip.macAddress ?? '', ip.operationalStatus ?? null);
    clearMachineTags.run(machine.id);
    for (const tag of machine.machineTags ?? []) insertMachineTag.run(machine.id, tag);
    if (typeof machine.rbacGroupId === 'number' && machine.rbacGroupName) upsertGroup.run(machine.rbacGroupId, machine.rbacGroupName);
    search.run(rowid * 16 + 1, searchText([machine.computerDnsName, machine.id, machine.aadDeviceId, machine.lastIpAddress,
      machine.lastExternalIpAddress, ...(machine.ipAddresses ?? []).map((ip) => ip.ipAddress), ...(machine.machineTags ?? []), machine.rbacGroupName]));
  }

  function writeAlert(alert: AlertRecord, syncedAt: string, ips: SeenRange, urls: SeenRange, summary: WriteSummary): void {
    const values = [...alertFields.map((field) => bindable(alert[field])), alert.relatedUser?.userName ?? null, alert.relatedUser?.domainName ?? null, syncedAt];
    const { rowid } = upsertAlert.get(values) as { rowid: number };
    search.run(rowid * 16 + 2, searchText([alert.title, alert.id, alert.description, alert.threatFamilyName, alert.threatName, alert.category,
      alert.computerDnsName, alert.relatedUser?.userName, ...(alert.mitreTechniques ?? [])]));
    const evidence = alert.evidence ?? [];
    if (evidence.length === 0) return;
    clearEvidence.run(alert.id);
    evidence.forEach((item, ordinal) => {
      const row = [alert.id, evidenceKey(item), ordinal, ...evidenceFields.map((field) => bindable(item[field]))];
      const result = insertEvidence.run(row);
      if (result.changes === 0) return;
      const time = normalizeTime(item.evidenceCreationTime ?? alert.alertCreationTime ?? syncedAt);
      ips.add(item.ipAddress, time);
      urls.add(item.url, time);
      search.run(Number(result.lastInsertRowid) * 16 + 3, searchText([item.fileName, item.filePath, item.sha1, item.sha256, item.processCommandLine,
        item.parentProcessFileName, item.ipAddress, item.url, item.registryKey, item.registryValue, item.accountName, item.domainName, item.userPrincipalName]));
      summary.written.evidence = (summary.written.evidence ?? 0) + 1;
    });
  }

  const writeInto = (batch: CacheBatch): WriteSummary => {
    const summary: WriteSummary = { written: {}, duplicates: 0, noteIds: [] };
    const syncedAt = now();
    const ips = new SeenRange();
    const urls = new SeenRange();
    const count = (table: string, n: number) => {
      if (n > 0) summary.written[table] = (summary.written[table] ?? 0) + n;
    };
    for (const machine of batch.machines ?? []) writeMachine(machine, syncedAt);
    count('machines', batch.machines?.length ?? 0);
    for (const user of batch.logonUsers ?? []) {
      upsertLogonUser.run(logonUserFields.map((field) => (field === 'accountDomain' ? user.accountDomain ?? '' : bindable(user[field]))));
    }
    count('logon_users', batch.logonUsers?.length ?? 0);
    for (const alert of batch.alerts ?? []) writeAlert(alert, syncedAt, ips, urls, summary);
    count('alerts', batch.alerts?.length ?? 0);
    for (const file of batch.files ?? []) {
      const { rowid } = upsertFile.get([...fileFields.map((field) => bindable(file[field])), syncedAt]) as { rowid: number };
      search.run(rowid * 16 + 4, searchText([file.sha1, file.sha256, file.filePublisher, file.fileProductName, file.signer, file.issuer]));
    }
    count('files', batch.files?.length ?? 0);
    for (const name of Object.keys(huntingTables) as HuntingTableName[]) {
      const rows = batch[name];
      if (rows && rows.length > 0) writeHunting(name, rows, summary, ips, urls);
    }
    for (const [address, [first, last]] of ips.seen) upsertIp.run(address, first, last);
    for (const [url, [first, last]] of urls.seen) {
      const domain = domainOf(url);
      upsertUrl.run(url, domain, first, last);
      if (domain) upsertDomain.run(domain, first, last);
    }
    for (const checkpoint of batch.checkpoints ?? []) {
      upsertCheckpoint.run(checkpoint.stream, checkpoint.cursor, checkpoint.detail === undefined ? null : JSON.stringify(checkpoint.detail), syncedAt);
    }
    count('sync_checkpoints', batch.checkpoints?.length ?? 0);
    if (batch.scope !== undefined) upsertScope.run(JSON.stringify(batch.scope), syncedAt);
    const policy = batch.policy;
    if (policy) {
      upsertPolicy.run(policy.retentionDays ?? null, policy.licenseState ?? null, policy.maxOfflineDays ?? null, policy.idleLockMinutes ?? null,
        JSON.stringify(policy.policy), policy.source ?? null, syncedAt);
    }
    writeAnalystData(db, batch, summary, syncedAt, search);
    return summary;
  };
  const writeBatch = db.transaction((batch: CacheBatch) => {
    const summary = writeInto(batch);
    keyMachines.flush(db);
    bounds.flush(db);
    return summary;
  });
  // What a transaction tallied or numbered is settled with it, kept or rolled back.
  const discard = () => {
    keyMachines.discard();
    bounds.discard();
    machineNumbers.forget();
  };

  return {
    write: (batch) => {
      try {
        return writeBatch.immediate(batch);
      } finally {
        discard();
      }
    },
    // Inside a transaction the caller opened (a streamed hunting answer): no BEGIN/COMMIT here.
    append: (batch) => writeInto(batch),
    beforeCommit: () => {
      keyMachines.flush(db);
      bounds.flush(db);
      machineNumbers.forget();
    },
    afterRollback: discard,
  };
}
