// The advanced hunting tables the emulator serves, with the columns Outpost keeps
// (mde-api.md, "Advanced hunting tables") and the type names the API's Schema uses.

export type ColumnType = 'DateTime' | 'String' | 'Int64' | 'Int32' | 'Boolean';
export type HuntingValue = string | number | boolean | null;
export type HuntingRow = Record<string, HuntingValue>;

export const HUNTING_TABLES = [
  'DeviceInfo',
  'DeviceProcessEvents',
  'DeviceFileEvents',
  'DeviceRegistryEvents',
  'DeviceNetworkEvents',
  'DeviceLogonEvents',
] as const;
export type HuntingTable = (typeof HUNTING_TABLES)[number];

export function isHuntingTable(name: string): name is HuntingTable {
  return (HUNTING_TABLES as readonly string[]).includes(name);
}

type Columns = readonly (readonly [string, ColumnType])[];

const COMMON: Columns = [
  ['Timestamp', 'DateTime'],
  ['DeviceId', 'String'],
  ['DeviceName', 'String'],
  ['ReportId', 'Int64'],
];

// AdditionalFields is `dynamic` in Kusto; the API hands it over as a JSON string (or
// null), so the Schema calls it a String to match the value a client receives.
const EVENT: Columns = [
  ['ActionType', 'String'],
  ['AdditionalFields', 'String'],
  ['InitiatingProcessFileName', 'String'],
  ['InitiatingProcessFolderPath', 'String'],
  ['InitiatingProcessSHA1', 'String'],
  ['InitiatingProcessId', 'Int64'],
  ['InitiatingProcessCommandLine', 'String'],
  ['InitiatingProcessCreationTime', 'DateTime'],
  ['InitiatingProcessParentId', 'Int64'],
  ['InitiatingProcessParentFileName', 'String'],
  ['InitiatingProcessAccountName', 'String'],
  ['InitiatingProcessAccountDomain', 'String'],
];

const OWN: Record<HuntingTable, Columns> = {
  DeviceInfo: [
    ['ClientVersion', 'String'],
    ['PublicIP', 'String'],
    ['OSPlatform', 'String'],
    ['OSBuild', 'Int64'],
    ['OSVersion', 'String'],
    ['AadDeviceId', 'String'],
    ['LoggedOnUsers', 'String'],
    ['MachineGroup', 'String'],
    ['OnboardingStatus', 'String'],
    ['SensorHealthState', 'String'],
  ],
  DeviceProcessEvents: [
    ['FileName', 'String'],
    ['FolderPath', 'String'],
    ['SHA1', 'String'],
    ['SHA256', 'String'],
    ['MD5', 'String'],
    ['ProcessId', 'Int64'],
    ['ProcessCommandLine', 'String'],
    ['ProcessCreationTime', 'DateTime'],
    ['AccountName', 'String'],
    ['AccountDomain', 'String'],
  ],
  DeviceFileEvents: [
    ['FileName', 'String'],
    ['FolderPath', 'String'],
    ['SHA1', 'String'],
    ['SHA256', 'String'],
    ['MD5', 'String'],
    ['FileSize', 'Int64'],
    ['FileOriginUrl', 'String'],
    ['FileOriginIP', 'String'],
    ['PreviousFileName', 'String'],
    ['RequestSourceIP', 'String'],
  ],
  DeviceRegistryEvents: [
    ['RegistryKey', 'String'],
    ['RegistryValueName', 'String'],
    ['RegistryValueType', 'String'],
    ['RegistryValueData', 'String'],
    ['PreviousRegistryKey', 'String'],
    ['PreviousRegistryValueName', 'String'],
    ['PreviousRegistryValueData', 'String'],
  ],
  DeviceNetworkEvents: [
    ['RemoteIP', 'String'],
    ['RemotePort', 'Int32'],
    ['RemoteUrl', 'String'],
    ['LocalIP', 'String'],
    ['LocalPort', 'Int32'],
    ['Protocol', 'String'],
    ['LocalIPType', 'String'],
    ['RemoteIPType', 'String'],
  ],
  DeviceLogonEvents: [
    ['LogonType', 'String'],
    ['AccountName', 'String'],
    ['AccountDomain', 'String'],
    ['AccountSid', 'String'],
    ['Protocol', 'String'],
    ['FailureReason', 'String'],
    ['IsLocalAdmin', 'Boolean'],
    ['LogonId', 'Int64'],
    ['RemoteDeviceName', 'String'],
    ['RemoteIP', 'String'],
    ['RemoteIPType', 'String'],
    ['RemotePort', 'Int32'],
  ],
};

export interface SchemaColumn {
  Name: string;
  Type: ColumnType;
}

export function tableSchema(table: HuntingTable): SchemaColumn[] {
  const parts = table === 'DeviceInfo' ? [COMMON, OWN[table]] : [COMMON, EVENT, OWN[table]];
  const seen = new Set<string>();
  const out: SchemaColumn[] = [];
  for (const [Name, Type] of parts.flat()) {
    if (seen.has(Name)) continue;
    seen.add(Name);
    out.push({ Name, Type });
  }
  return out;
}
