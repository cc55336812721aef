/**
 * The advanced-hunting queries the sync sends: a fixed, small subset of KQL (table, where,
 * in, order by, take, summarize count() by), with every value quoted by us.
 */
export const huntingTableNames = [
  'DeviceInfo',
  'DeviceProcessEvents',
  'DeviceFileEvents',
  'DeviceRegistryEvents',
  'DeviceNetworkEvents',
  'DeviceLogonEvents',
] as const;
export type HuntingTable = (typeof huntingTableNames)[number];

/** The cache batch field each hunting table fills. */
export const batchFieldOf = {
  DeviceInfo: 'deviceInfo',
  DeviceProcessEvents: 'processEvents',
  DeviceFileEvents: 'fileEvents',
  DeviceRegistryEvents: 'registryEvents',
  DeviceNetworkEvents: 'networkEvents',
  DeviceLogonEvents: 'logonEvents',
} as const satisfies Record<HuntingTable, string>;

export function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function kqlTime(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(iso)) throw new Error(`not an ISO time: ${iso}`);
  return `datetime(${iso})`;
}

function where(from: string, to: string, machineIds: readonly string[]): string {
  return `| where Timestamp >= ${kqlTime(from)} and Timestamp < ${kqlTime(to)}\n| where DeviceId in (${machineIds.map(kqlString).join(', ')})`;
}

export function countQuery(table: HuntingTable, from: string, to: string, machineIds: readonly string[]): string {
  return `${table}\n${where(from, to, machineIds)}\n| summarize count() by DeviceId`;
}

export function rowsQuery(table: HuntingTable, from: string, to: string, machineIds: readonly string[], limit: number): string {
  return `${table}\n${where(from, to, machineIds)}\n| order by Timestamp asc, ReportId asc\n| take ${limit}`;
}
