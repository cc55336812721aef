// The tenant's entities in the API's own field names (mde-api.md, "Entities"), plus
// the private facts the generator keeps about each machine.

export interface DeviceGroup {
  /** A number, as the documented examples print it (the property table says string). */
  id: number;
  name: string;
}

export interface TenantUser {
  /** Short name used on the CLI (`--auto-approve soc-admin`). */
  name: string;
  displayName: string;
  upn: string;
  oid: string;
  /** Device group ids this user may see; `allGroups` sees every group and ungrouped devices. */
  groupIds: number[];
  allGroups: boolean;
}

export interface MachineIpAddress {
  ipAddress: string;
  macAddress: string;
  operationalStatus: string;
}

export interface Machine {
  id: string;
  computerDnsName: string;
  firstSeen: string;
  lastSeen: string;
  osPlatform: string;
  version: string;
  osProcessor: string;
  osBuild: number;
  osArchitecture: string;
  lastIpAddress: string;
  lastExternalIpAddress: string;
  healthStatus: string;
  onboardingStatus: string;
  deviceValue: string;
  rbacGroupId: number;
  rbacGroupName: string;
  riskScore: string;
  exposureLevel: string;
  isAadJoined: boolean;
  aadDeviceId: string | null;
  machineTags: string[];
  ipAddresses: MachineIpAddress[];
}

export type MachineRole = 'workstation' | 'server' | 'domain-controller' | 'linux';

/** What the generator knows about a machine beyond its API form. */
export interface MachineProfile {
  index: number;
  machine: Machine;
  shortName: string;
  role: MachineRole;
  /** The main interactive user (workstations) or service account (servers). */
  primaryUser: string;
  /** Relative activity: a busy build server generates more events than a kiosk. */
  activity: number;
  osVersion: string;
  clientVersion: string;
}

export interface Evidence {
  entityType: string;
  evidenceCreationTime: string;
  sha1: string | null;
  sha256: string | null;
  fileName: string | null;
  filePath: string | null;
  processId: number | null;
  processCommandLine: string | null;
  processCreationTime: string | null;
  parentProcessId: number | null;
  parentProcessCreationTime: string | null;
  parentProcessFileName: string | null;
  parentProcessFilePath: string | null;
  ipAddress: string | null;
  url: string | null;
  registryKey: string | null;
  registryHive: string | null;
  registryValueType: string | null;
  registryValue: string | null;
  accountName: string | null;
  domainName: string | null;
  userSid: string | null;
  aadUserId: string | null;
  userPrincipalName: string | null;
  detectionStatus: string | null;
}

export interface AlertComment {
  comment: string;
  createdBy: string;
  createdTime: string;
}

export interface Alert {
  id: string;
  incidentId: number;
  investigationId: number | null;
  assignedTo: string | null;
  severity: 'UnSpecified' | 'Informational' | 'Low' | 'Medium' | 'High';
  status: 'Unknown' | 'New' | 'InProgress' | 'Resolved';
  classification: string | null;
  determination: string | null;
  investigationState: string;
  detectionSource: string;
  detectorId: string;
  category: string;
  threatFamilyName: string | null;
  title: string;
  description: string;
  alertCreationTime: string;
  firstEventTime: string;
  lastEventTime: string;
  lastUpdateTime: string;
  resolvedTime: string | null;
  machineId: string;
  computerDnsName: string;
  rbacGroupName: string;
  aadTenantId: string;
  threatName: string | null;
  mitreTechniques: string[];
  relatedUser: { userName: string; domainName: string } | null;
  comments: AlertComment[];
  evidence: Evidence[];
}

export interface FileProfile {
  sha1: string;
  sha256: string;
  globalPrevalence: number;
  globalFirstObserved: string;
  globalLastObserved: string;
  size: number;
  fileType: string | null;
  isPeFile: boolean;
  filePublisher: string | null;
  fileProductName: string | null;
  signer: string | null;
  issuer: string | null;
  signerHash: string | null;
  isValidCertificate: boolean;
  determinationType: string;
  determinationValue: string;
}

export interface LogonUser {
  id: string;
  accountName: string;
  accountDomain: string;
  accountSid: string;
  firstSeen: string;
  lastSeen: string;
  mostPrevalentMachineId: string | null;
  leastPrevalentMachineId: string | null;
  logonTypes: string;
  logOnMachinesCount: number;
  isDomainAdmin: boolean;
  isOnlyNetworkUser: boolean;
}
