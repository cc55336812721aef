/*
 * What the sync hands the cache, in the Defender API's own field names (mde-api.md):
 * entity API objects in camelCase, advanced-hunting rows in PascalCase. The writer maps
 * them to columns, so the sync never learns the schema. Unknown fields are ignored.
 */

export type Scalar = string | number | bigint | boolean | null | undefined;

export interface MachineRecord {
  id: string;
  computerDnsName?: string | null;
  aadDeviceId?: string | null;
  machineTags?: string[] | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
  osPlatform?: string | null;
  version?: string | null;
  osBuild?: number | null;
  osArchitecture?: string | null;
  lastIpAddress?: string | null;
  lastExternalIpAddress?: string | null;
  ipAddresses?: Array<{ ipAddress: string; macAddress?: string | null; operationalStatus?: string | null }> | null;
  healthStatus?: string | null;
  onboardingStatus?: string | null;
  rbacGroupId?: number | null;
  rbacGroupName?: string | null;
  riskScore?: string | null;
  exposureLevel?: string | null;
  deviceValue?: string | null;
  [field: string]: unknown;
}

export interface EvidenceRecord {
  entityType?: string | null;
  sha1?: string | null;
  fileName?: string | null;
  filePath?: string | null;
  processCommandLine?: string | null;
  ipAddress?: string | null;
  url?: string | null;
  accountName?: string | null;
  [field: string]: unknown;
}

export interface AlertRecord {
  id: string;
  title?: string | null;
  severity?: string | null;
  status?: string | null;
  machineId?: string | null;
  alertCreationTime?: string | null;
  lastUpdateTime?: string | null;
  relatedUser?: { userName?: string | null; domainName?: string | null } | null;
  mitreTechniques?: string[] | null;
  comments?: Array<{ comment?: string | null; createdBy?: string | null; createdTime?: string | null }> | null;
  /** When non-empty, replaces the alert's stored evidence ($expand=evidence); [] keeps it. */
  evidence?: EvidenceRecord[] | null;
  [field: string]: unknown;
}

export interface FileRecord {
  sha1: string;
  sha256?: string | null;
  [field: string]: unknown;
}

export interface LogonUserRecord {
  /** Not in the API object: the machine the list was fetched for. */
  machineId: string;
  accountName: string;
  accountDomain?: string | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
  logonTypes?: string | null;
  isDomainAdmin?: boolean | null;
  [field: string]: unknown;
}

/** One advanced-hunting result row (DeviceProcessEvents, DeviceInfo, ...). */
export interface HuntingRow {
  Timestamp: string;
  DeviceId: string;
  ReportId: number | string;
  DeviceName?: string | null;
  [column: string]: unknown;
}

export interface CheckpointRecord {
  /** e.g. 'machines', 'alerts', 'DeviceProcessEvents:<machine group>' */
  stream: string;
  cursor: string | null;
  detail?: unknown;
}

export interface TenantPolicyRecord {
  retentionDays?: number | null;
  licenseState?: string | null;
  maxOfflineDays?: number | null;
  idleLockMinutes?: number | null;
  source?: string | null;
  /** The whole policy as served or set, kept as JSON. */
  policy: unknown;
}

export interface AuditRecord {
  at: string;
  actor?: string | null;
  action: string;
  target?: string | null;
  detail?: unknown;
}

export interface NoteRecord {
  /** Omit to add a note; give it to edit one. */
  id?: number;
  entityType: string;
  entityKey: string;
  body: string;
  author?: string | null;
}

export interface TagRecord {
  entityType: string;
  entityKey: string;
  tag: string;
  /** true removes the tag. */
  remove?: boolean;
}

/**
 * One unit of writing: everything in it commits together or not at all. The sync puts a
 * page of results and its checkpoint in one batch, so a killed sync resumes without a gap
 * or a duplicate.
 */
export interface CacheBatch {
  machines?: MachineRecord[];
  logonUsers?: LogonUserRecord[];
  alerts?: AlertRecord[];
  files?: FileRecord[];
  deviceInfo?: HuntingRow[];
  processEvents?: HuntingRow[];
  fileEvents?: HuntingRow[];
  registryEvents?: HuntingRow[];
  networkEvents?: HuntingRow[];
  logonEvents?: HuntingRow[];
  checkpoints?: CheckpointRecord[];
  scope?: unknown;
  policy?: TenantPolicyRecord;
  audit?: AuditRecord[];
  notes?: NoteRecord[];
  tags?: TagRecord[];
}

/** What a batch changed: rows written per table; repeats of known events are not counted. */
export interface WriteSummary {
  written: Record<string, number>;
  /** Events already in the cache (same device, report id and time), skipped. */
  duplicates: number;
  /** Ids of notes the batch added, in order. */
  noteIds: number[];
  /** The audit log's newest entry after this batch, when it added any (the worker anchors it outside the file). */
  auditHead?: { seq: number; hash: string };
}
