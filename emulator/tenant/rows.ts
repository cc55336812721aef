// Builders for advanced hunting rows. Every row carries every column of its table's
// schema, in schema order, with "" for absent strings and null for absent numbers,
// as the real service returns them.
import { formatTicks } from '../time';
import { type Binary, fullPath, hashesOf } from './binaries';
import { type HuntingRow, type HuntingTable, type HuntingValue, tableSchema } from './schema';
import type { MachineProfile } from './types';

/** A running process as other events see it (the InitiatingProcess* columns). */
export interface ProcessRef {
  binary: Binary;
  processId: number;
  commandLine: string;
  creationMs: number;
  parentProcessId: number;
  parentFileName: string;
  accountName: string;
  accountDomain: string;
}

const DEFAULTS: Record<HuntingTable, HuntingRow> = Object.fromEntries(
  (['DeviceInfo', 'DeviceProcessEvents', 'DeviceFileEvents', 'DeviceRegistryEvents', 'DeviceNetworkEvents', 'DeviceLogonEvents'] as const).map(
    (table) => [
      table,
      Object.fromEntries(tableSchema(table).map((c) => [c.Name, c.Type === 'String' ? '' : null] as [string, HuntingValue])),
    ],
  ),
) as Record<HuntingTable, HuntingRow>;

/** A row of `table` at time `ms` on `machine`; ReportId is assigned when the day is assembled. */
export function baseRow(table: HuntingTable, profile: MachineProfile, ms: number, ticks: number): HuntingRow {
  return {
    ...DEFAULTS[table],
    Timestamp: formatTicks(ms, ticks),
    DeviceId: profile.machine.id,
    DeviceName: profile.machine.computerDnsName,
  };
}

/**
 * The common and event columns of an event row in one object, in schema order; the
 * builders below add their table's own columns after them. (Built as one literal
 * because rows are made by the million.)
 */
function eventRow(profile: MachineProfile, actor: ProcessRef, ms: number, ticks: number, actionType: string, additionalFields: string | null): HuntingRow {
  return {
    Timestamp: formatTicks(ms, ticks),
    DeviceId: profile.machine.id,
    DeviceName: profile.machine.computerDnsName,
    ReportId: null,
    ActionType: actionType,
    AdditionalFields: additionalFields,
    InitiatingProcessFileName: actor.binary.fileName,
    InitiatingProcessFolderPath: fullPath(actor.binary).toLowerCase(),
    InitiatingProcessSHA1: hashesOf(actor.binary).sha1,
    InitiatingProcessId: actor.processId,
    InitiatingProcessCommandLine: actor.commandLine,
    InitiatingProcessCreationTime: formatTicks(actor.creationMs, actor.processId % 10_000),
    InitiatingProcessParentId: actor.parentProcessId,
    InitiatingProcessParentFileName: actor.parentFileName,
    InitiatingProcessAccountName: actor.accountName,
    InitiatingProcessAccountDomain: actor.accountDomain,
  };
}

/** The creation time of a process, as its rows and alert evidence both print it. */
export function creationTimeOf(ref: ProcessRef): string {
  return formatTicks(ref.creationMs, ref.processId % 10_000);
}

export function processCreatedRow(profile: MachineProfile, actor: ProcessRef, child: ProcessRef, ticks: number): HuntingRow {
  const hashes = hashesOf(child.binary);
  return Object.assign(eventRow(profile, actor, child.creationMs, child.processId % 10_000, 'ProcessCreated', null), {
    FileName: child.binary.fileName,
    FolderPath: fullPath(child.binary),
    SHA1: hashes.sha1,
    SHA256: ticks % 3 === 0 ? hashes.sha256 : '',
    MD5: hashes.md5,
    ProcessId: child.processId,
    ProcessCommandLine: child.commandLine,
    ProcessCreationTime: creationTimeOf(child),
    AccountName: child.accountName,
    AccountDomain: child.accountDomain,
  });
}

export interface FileEventDetails {
  actionType: 'FileCreated' | 'FileModified' | 'FileDeleted' | 'FileRenamed';
  file: Binary;
  folderOverride?: string;
  originUrl?: string;
  originIp?: string;
  previousFileName?: string;
  requestSourceIp?: string;
}

export function fileEventRow(profile: MachineProfile, actor: ProcessRef, ms: number, ticks: number, d: FileEventDetails): HuntingRow {
  const hashes = hashesOf(d.file);
  const folder = d.folderOverride ?? d.file.folder;
  const sep = folder.startsWith('/') ? '/' : '\\';
  return Object.assign(eventRow(profile, actor, ms, ticks, d.actionType, d.originUrl ? JSON.stringify({ FileType: d.file.fileName.split('.').pop()?.toUpperCase() ?? '' }) : null), {
    FileName: d.file.fileName,
    FolderPath: `${folder}${sep}${d.file.fileName}`,
    SHA1: d.actionType === 'FileDeleted' ? '' : hashes.sha1,
    SHA256: '',
    MD5: d.actionType === 'FileDeleted' ? '' : hashes.md5,
    FileSize: d.actionType === 'FileDeleted' ? null : d.file.size,
    FileOriginUrl: d.originUrl ?? '',
    FileOriginIP: d.originIp ?? '',
    PreviousFileName: d.previousFileName ?? '',
    RequestSourceIP: d.requestSourceIp ?? '',
  });
}

export interface RegistryDetails {
  actionType: 'RegistryValueSet' | 'RegistryKeyCreated' | 'RegistryValueDeleted';
  key: string;
  valueName: string;
  valueType: string;
  valueData: string;
  previousValueData?: string;
}

export function registryEventRow(profile: MachineProfile, actor: ProcessRef, ms: number, ticks: number, d: RegistryDetails): HuntingRow {
  return Object.assign(eventRow(profile, actor, ms, ticks, d.actionType, null), {
    RegistryKey: d.key,
    RegistryValueName: d.valueName,
    RegistryValueType: d.valueType,
    RegistryValueData: d.valueData,
    PreviousRegistryKey: d.previousValueData !== undefined ? d.key : '',
    PreviousRegistryValueName: d.previousValueData !== undefined ? d.valueName : '',
    PreviousRegistryValueData: d.previousValueData ?? '',
  });
}

export interface NetworkDetails {
  actionType: 'ConnectionSuccess' | 'ConnectionFailed' | 'InboundConnectionAccepted' | 'ConnectionRequest';
  remoteIp: string;
  remotePort: number;
  remoteUrl?: string;
  localPort: number;
  protocol?: string;
}

export function isPrivateIp(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|fe80:)/.test(ip);
}

export function networkEventRow(profile: MachineProfile, actor: ProcessRef, ms: number, ticks: number, d: NetworkDetails): HuntingRow {
  return Object.assign(eventRow(profile, actor, ms, ticks, d.actionType, null), {
    RemoteIP: d.remoteIp,
    RemotePort: d.remotePort,
    RemoteUrl: d.remoteUrl ?? '',
    LocalIP: profile.machine.lastIpAddress,
    LocalPort: d.localPort,
    Protocol: d.protocol ?? 'Tcp',
    LocalIPType: 'Private',
    RemoteIPType: isPrivateIp(d.remoteIp) ? 'Private' : 'Public',
  });
}

export interface LogonDetails {
  actionType: 'LogonSuccess' | 'LogonFailed' | 'LogonAttempted';
  logonType: string;
  accountName: string;
  accountDomain: string;
  accountSid: string;
  protocol: string;
  failureReason?: string;
  isLocalAdmin: boolean;
  logonId: number;
  remoteDeviceName?: string;
  remoteIp?: string;
  remotePort?: number;
}

export function logonEventRow(profile: MachineProfile, actor: ProcessRef, ms: number, ticks: number, d: LogonDetails): HuntingRow {
  return Object.assign(eventRow(profile, actor, ms, ticks, d.actionType, null), {
    LogonType: d.logonType,
    AccountName: d.accountName,
    AccountDomain: d.accountDomain,
    AccountSid: d.accountSid,
    Protocol: d.protocol,
    FailureReason: d.failureReason ?? '',
    IsLocalAdmin: d.isLocalAdmin,
    LogonId: d.logonId,
    RemoteDeviceName: d.remoteDeviceName ?? '',
    RemoteIP: d.remoteIp ?? '',
    RemoteIPType: d.remoteIp ? (isPrivateIp(d.remoteIp) ? 'Private' : 'Public') : '',
    RemotePort: d.remotePort ?? null,
  });
}
