// Alert and evidence builders. Evidence points at the same processes, files, IPs and
// accounts that the hunting rows show, so a pivot from an alert lands on real rows.
import { Random } from '../prng';
import { formatTicks } from '../time';
import { sidOf } from './accounts';
import { type Binary, hashesOf } from './binaries';
import { UPN_SUFFIX } from './directory';
import { type ProcessRef, creationTimeOf } from './rows';
import type { Alert, Evidence, MachineProfile } from './types';

const EMPTY: Evidence = {
  entityType: 'User',
  evidenceCreationTime: '',
  sha1: null,
  sha256: null,
  fileName: null,
  filePath: null,
  processId: null,
  processCommandLine: null,
  processCreationTime: null,
  parentProcessId: null,
  parentProcessCreationTime: null,
  parentProcessFileName: null,
  parentProcessFilePath: null,
  ipAddress: null,
  url: null,
  registryKey: null,
  registryHive: null,
  registryValueType: null,
  registryValue: null,
  accountName: null,
  domainName: null,
  userSid: null,
  aadUserId: null,
  userPrincipalName: null,
  detectionStatus: null,
};

/** Entra ID object id of a synced account; service accounts live on-premises only. */
export function aadUserIdOf(accountName: string): string | null {
  return accountName.startsWith('svc-') ? null : Random.of(0x5eed, 'aad-user', accountName).guid();
}

export function userEvidence(at: string, accountName: string, domainName: string, aadUserId: string | null = aadUserIdOf(accountName)): Evidence {
  return {
    ...EMPTY, entityType: 'User', evidenceCreationTime: at, accountName, domainName: domainName.toUpperCase(),
    userSid: sidOf(accountName), aadUserId, userPrincipalName: `${accountName}@${UPN_SUFFIX}`,
  };
}

export function processEvidence(at: string, proc: ProcessRef, parent: ProcessRef | null, detected = true): Evidence {
  const hashes = hashesOf(proc.binary);
  return {
    ...EMPTY, entityType: 'Process', evidenceCreationTime: at, sha1: hashes.sha1, sha256: hashes.sha256,
    fileName: proc.binary.fileName, filePath: proc.binary.folder, processId: proc.processId, processCommandLine: proc.commandLine,
    processCreationTime: creationTimeOf(proc), parentProcessId: proc.parentProcessId,
    parentProcessCreationTime: parent ? creationTimeOf(parent) : null, parentProcessFileName: proc.parentFileName,
    parentProcessFilePath: parent ? parent.binary.folder : null, detectionStatus: detected ? 'Detected' : null,
  };
}

export function fileEvidence(at: string, file: Binary, folder = file.folder, status: string | null = 'Detected'): Evidence {
  const hashes = hashesOf(file);
  return { ...EMPTY, entityType: 'File', evidenceCreationTime: at, sha1: hashes.sha1, sha256: hashes.sha256, fileName: file.fileName, filePath: folder, detectionStatus: status };
}

export function ipEvidence(at: string, ipAddress: string): Evidence {
  return { ...EMPTY, entityType: 'Ip', evidenceCreationTime: at, ipAddress };
}

export function urlEvidence(at: string, url: string): Evidence {
  return { ...EMPTY, entityType: 'Url', evidenceCreationTime: at, url };
}

export function registryEvidence(at: string, key: string, valueName: string, valueData: string): Evidence {
  const hive = key.startsWith('HKEY_CURRENT_USER') ? 'HKEY_CURRENT_USER' : 'HKEY_LOCAL_MACHINE';
  return {
    ...EMPTY, entityType: 'Registry', evidenceCreationTime: at, registryKey: key.slice(hive.length + 1), registryHive: hive,
    registryValueType: 'String', registryValue: `${valueName}=${valueData}`,
  };
}

/** Alert ids look like the service's: "da" + .NET ticks of creation + "_" + a signed int. */
export function alertId(r: Random, createdMs: number): string {
  const ticks = (BigInt(Math.floor(createdMs)) + 62_135_596_800_000n) * 10_000n + BigInt(r.int(0, 9999));
  return `da${ticks}_${r.int(-2_147_483_648, 2_147_483_647)}`;
}

export interface AlertSpec {
  profile: MachineProfile;
  firstEventMs: number;
  lastEventMs: number;
  title: string;
  description: string;
  severity: Alert['severity'];
  status?: Alert['status'];
  category: string;
  detectionSource: string;
  mitreTechniques: string[];
  incidentId: number;
  threatFamilyName?: string | null;
  threatName?: string | null;
  relatedUser?: { userName: string; domainName: string } | null;
  /** Analyst notes, written a while after the alert was raised. */
  comments?: string[];
  evidence: (at: string) => Evidence[];
}

export function buildAlert(seed: number, aadTenantId: string, spec: AlertSpec, label: string): Alert {
  const r = Random.of(seed, 'alert', label);
  const createdMs = spec.lastEventMs + r.int(30, 180) * 1000;
  const created = formatTicks(createdMs, r.int(0, 9999));
  const status = spec.status ?? 'New';
  const updatedMs = createdMs + r.int(2, 40) * 1000 + (status === 'New' ? 0 : r.int(1, 48) * 3_600_000);
  const resolved = status === 'Resolved';
  return {
    id: alertId(r, createdMs),
    incidentId: spec.incidentId,
    investigationId: r.chance(0.6) ? r.int(100_000, 999_999) : null,
    assignedTo: status === 'New' ? null : 'soc-admin@fabrikam.onmicrosoft.com',
    severity: spec.severity,
    status,
    classification: resolved ? r.pick(['TruePositive', 'FalsePositive', 'InformationalExpectedActivity']) : null,
    determination: resolved ? r.pick(['Malware', 'SecurityTesting', 'NotMalicious']) : null,
    investigationState: resolved ? 'Benign' : r.pick(['Queued', 'Running', 'PendingApproval']),
    detectionSource: spec.detectionSource,
    detectorId: r.guid(),
    category: spec.category,
    threatFamilyName: spec.threatFamilyName ?? null,
    title: spec.title,
    description: spec.description,
    alertCreationTime: created,
    firstEventTime: formatTicks(spec.firstEventMs, r.int(0, 9999)),
    lastEventTime: formatTicks(spec.lastEventMs, r.int(0, 9999)),
    lastUpdateTime: formatTicks(updatedMs, r.int(0, 9999)),
    resolvedTime: resolved ? formatTicks(updatedMs, 0) : null,
    machineId: spec.profile.machine.id,
    computerDnsName: spec.profile.machine.computerDnsName,
    rbacGroupName: spec.profile.machine.rbacGroupName,
    aadTenantId,
    threatName: spec.threatName ?? null,
    mitreTechniques: spec.mitreTechniques,
    relatedUser: spec.relatedUser ?? null,
    comments: (spec.comments ?? []).map((comment, i) => ({
      comment,
      createdBy: 'soc-admin@fabrikam.onmicrosoft.com',
      createdTime: formatTicks(createdMs + (i + 1) * 47 * 60_000, r.int(0, 9999)),
    })),
    evidence: spec.evidence(formatTicks(createdMs + 700, r.int(0, 9999))),
  };
}
