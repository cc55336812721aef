// The fleet: a handful of named machines the attack stories play out on, then as many
// ordinary machines as the scale needs, spread across groups, OS versions and tags.
import { Random, stableHex } from '../prng';
import { DAY_MS, HOUR_MS, formatTicks } from '../time';
import { DNS_SUFFIX, EMPLOYEES, GROUPS } from './directory';
import type { DeviceGroup, MachineProfile, MachineRole } from './types';

interface OsChoice {
  osPlatform: string;
  version: string;
  osBuild: number;
  osVersion: string;
}

const OS: Record<string, OsChoice> = {
  win11: { osPlatform: 'Windows11', version: '24H2', osBuild: 26100, osVersion: '10.0' },
  win11old: { osPlatform: 'Windows11', version: '23H2', osBuild: 22631, osVersion: '10.0' },
  win10: { osPlatform: 'Windows10', version: '22H2', osBuild: 19045, osVersion: '10.0' },
  server2022: { osPlatform: 'WindowsServer2022', version: '21H2', osBuild: 20348, osVersion: '10.0' },
  server2019: { osPlatform: 'WindowsServer2019', version: '1809', osBuild: 17763, osVersion: '10.0' },
  ubuntu: { osPlatform: 'Linux', version: '24.04', osBuild: 1, osVersion: '24.04' },
  rhel: { osPlatform: 'Linux', version: '9.4', osBuild: 1, osVersion: '9.4' },
};

interface Blueprint {
  shortName: string;
  group: DeviceGroup;
  role: MachineRole;
  os: OsChoice;
  primaryUser: string;
  tags: string[];
}

/** The machines the attack stories need, present at every scale, in this order. */
export const STORY_MACHINES = {
  dc: 0,
  fileServer: 1,
  financeVictim: 2,
  financeSecond: 3,
  engineeringBeacon: 4,
  engineeringPeer: 5,
  buildServer: 6,
  sqlServer: 7,
  kiosk: 8,
} as const;

const NAMED: Blueprint[] = [
  { shortName: 'SRV-DC01', group: GROUPS.servers, role: 'domain-controller', os: OS.server2022!, primaryUser: 'adm-jreyes', tags: ['Tier0', 'DomainController'] },
  { shortName: 'SRV-FS01', group: GROUPS.servers, role: 'server', os: OS.server2019!, primaryUser: 'svc-backup', tags: ['FileServer'] },
  { shortName: 'FIN-WS-001', group: GROUPS.finance, role: 'workstation', os: OS.win11!, primaryUser: 'mchen', tags: ['Finance', 'VIP'] },
  { shortName: 'FIN-WS-002', group: GROUPS.finance, role: 'workstation', os: OS.win10!, primaryUser: 'jpatel', tags: ['Finance'] },
  { shortName: 'ENG-LT-001', group: GROUPS.engineering, role: 'workstation', os: OS.win11!, primaryUser: 'spark', tags: ['Engineering', 'Laptop'] },
  { shortName: 'ENG-LT-002', group: GROUPS.engineering, role: 'workstation', os: OS.win11old!, primaryUser: 'ojohnson', tags: ['Engineering', 'Laptop'] },
  { shortName: 'lnx-build-01', group: GROUPS.engineering, role: 'linux', os: OS.ubuntu!, primaryUser: 'svc-deploy', tags: ['BuildAgent'] },
  { shortName: 'SRV-SQL01', group: GROUPS.servers, role: 'server', os: OS.server2022!, primaryUser: 'svc-sql', tags: ['Database'] },
  { shortName: 'KIOSK-01', group: GROUPS.ungrouped, role: 'workstation', os: OS.win10!, primaryUser: 'kiosk', tags: ['Kiosk', 'Lobby'] },
];

function ordinaryBlueprint(r: Random, index: number): Blueprint {
  const group = r.weighted<DeviceGroup>([
    [GROUPS.finance, 30],
    [GROUPS.engineering, 38],
    [GROUPS.servers, 20],
    [GROUPS.ungrouped, 12],
  ]);
  const n = String(index).padStart(3, '0');
  if (group.id === GROUPS.servers.id) {
    const linux = r.chance(0.25);
    const kind = r.pick(linux ? ['web', 'app', 'mon'] : ['app', 'web', 'print', 'sql', 'fs']);
    return {
      shortName: linux ? `lnx-${kind}-${n}` : `SRV-${kind.toUpperCase()}${n}`,
      group,
      role: linux ? 'linux' : 'server',
      os: linux ? (r.chance(0.5) ? OS.ubuntu! : OS.rhel!) : r.chance(0.6) ? OS.server2022! : OS.server2019!,
      primaryUser: r.pick(EMPLOYEES.servers),
      tags: r.chance(0.4) ? ['Production'] : [],
    };
  }
  if (group.id === GROUPS.engineering.id && r.chance(0.12)) {
    return { shortName: `lnx-dev-${n}`, group, role: 'linux', os: OS.ubuntu!, primaryUser: r.pick(EMPLOYEES.engineering), tags: ['Engineering'] };
  }
  const os = r.weighted([[OS.win11!, 55], [OS.win11old!, 15], [OS.win10!, 30]] as const);
  const prefix = group.id === GROUPS.finance.id ? 'FIN-WS' : group.id === GROUPS.engineering.id ? 'ENG-LT' : 'WS';
  const people = group.id === GROUPS.finance.id ? EMPLOYEES.finance : group.id === GROUPS.engineering.id ? EMPLOYEES.engineering : EMPLOYEES.ungrouped;
  const tags = group.id === GROUPS.ungrouped.id ? [] : [group.name, ...(r.chance(0.3) ? ['Laptop'] : [])];
  return { shortName: `${prefix}-${n}`, group, role: 'workstation', os, primaryUser: r.pick(people), tags };
}

function ipOctets(r: Random, group: DeviceGroup): string {
  const subnet = { 101: 10, 102: 20, 103: 1, 0: 99 }[group.id] ?? 50;
  return `10.${subnet}.${r.int(0, 7)}.${r.int(10, 250)}`;
}

export function buildMachines(seed: number, count: number, anchorMs: number): MachineProfile[] {
  const fleet: MachineProfile[] = [];
  for (let index = 0; index < count; index++) {
    const r = Random.of(seed, 'machine', index);
    const bp = NAMED[index] ?? ordinaryBlueprint(r, index);
    const isLinux = bp.role === 'linux';
    const id = stableHex(seed, 40, 'machine-id', index);
    const ip = ipOctets(r, bp.group);
    const mac = r.hex(12).toUpperCase();
    const firstSeen = anchorMs - r.int(120, 900) * DAY_MS - r.int(0, 86_399_999);
    // The kiosk has been switched off for a week: every tenant has a machine that went quiet.
    const quiet = index === STORY_MACHINES.kiosk;
    const health = quiet ? 'Inactive' : index < NAMED.length ? 'Active' : r.weighted([['Active', 92], ['Inactive', 5], ['ImpairedCommunication', 2], ['NoSensorData', 1]] as const);
    // An inactive machine stopped reporting days ago; the rest were seen in the last hours.
    const lastSeen = quiet ? anchorMs - 9 * DAY_MS + 5 * HOUR_MS : health === 'Inactive' ? anchorMs - r.int(8, 25) * DAY_MS - r.int(0, 23) * HOUR_MS : anchorMs - r.int(1, 3 * 60) * 60_000;
    const isServer = bp.role !== 'workstation';
    fleet.push({
      index,
      shortName: bp.shortName,
      role: bp.role,
      primaryUser: bp.primaryUser,
      activity: bp.role === 'domain-controller' ? 2.2 : bp.role === 'server' ? 1.5 : isLinux ? 0.9 : 0.7 + r.next() * 0.6,
      osVersion: bp.os.osVersion,
      clientVersion: isLinux ? '101.25012.0000' : `10.8${r.int(760, 790)}.${bp.os.osBuild}.${r.int(1000, 5000)}`,
      machine: {
        id,
        computerDnsName: isLinux ? bp.shortName : `${bp.shortName.toLowerCase()}.${DNS_SUFFIX}`,
        firstSeen: formatTicks(firstSeen, r.int(0, 9999)),
        lastSeen: formatTicks(lastSeen, r.int(0, 9999)),
        osPlatform: bp.os.osPlatform,
        version: bp.os.version,
        osProcessor: 'x64',
        osBuild: bp.os.osBuild,
        osArchitecture: '64-bit',
        lastIpAddress: ip,
        lastExternalIpAddress: `198.18.${r.int(0, 3)}.${r.int(2, 250)}`,
        healthStatus: health,
        onboardingStatus: 'Onboarded',
        deviceValue: bp.tags.includes('VIP') || bp.role === 'domain-controller' ? 'High' : 'Normal',
        rbacGroupId: bp.group.id,
        rbacGroupName: bp.group.name,
        riskScore: r.weighted([['None', 40], ['Low', 35], ['Medium', 20], ['High', 5]] as const),
        exposureLevel: r.weighted([['Low', 45], ['Medium', 45], ['High', 10]] as const),
        isAadJoined: !isServer,
        aadDeviceId: isServer ? null : r.guid(),
        machineTags: bp.tags,
        ipAddresses: [
          { ipAddress: ip, macAddress: mac, operationalStatus: 'Up' },
          ...(isLinux ? [] : [{ ipAddress: `fe80::${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}`, macAddress: mac, operationalStatus: 'Up' }]),
        ],
      },
    });
  }
  return fleet;
}

/** Typical start of the working day for a machine, used for boot and logon times. */
export function workdayStartMs(dayStartMs: number): number {
  return dayStartMs + 7 * HOUR_MS;
}
