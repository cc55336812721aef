// Everyday telemetry: what a healthy machine does all day. Each (table, machine, day)
// draws from its own PRNG stream, so any machine-day regenerates alone.
import { Random } from '../prng';
import { DAY_MS, HOUR_MS } from '../time';
import { domainOf, sidOf } from './accounts';
import { BIN, type Binary, DOWNLOADS, LINUX_LOGS, UPDATE_FILES } from './binaries';
import { STORY_MACHINES } from './machines';
import {
  type ProcessRef,
  baseRow,
  fileEventRow,
  logonEventRow,
  networkEventRow,
  processCreatedRow,
  registryEventRow,
} from './rows';
import type { HuntingRow, HuntingTable } from './schema';
import type { MachineProfile } from './types';

/** The long-lived processes of a machine on a given day (boot at the start of the day). */
interface DayProcesses {
  services: ProcessRef;
  svchost: ProcessRef;
  explorer: ProcessRef;
  defender: ProcessRef;
  lsass: ProcessRef;
  cron: ProcessRef;
  sshd: ProcessRef;
}

function dayProcesses(seed: number, profile: MachineProfile, dayStartMs: number): DayProcesses {
  const r = Random.of(seed, 'day-processes', profile.index, dayStartMs);
  const boot = dayStartMs - r.int(1, 20) * DAY_MS + r.int(0, 12) * HOUR_MS;
  const pid = () => r.int(100, 16_000) * 4;
  const sys = (binary: Binary, commandLine: string, parentPid: number, parent: string, creationMs: number): ProcessRef => ({
    binary, processId: pid(), commandLine, creationMs, parentProcessId: parentPid, parentFileName: parent, accountName: 'system', accountDomain: 'nt authority',
  });
  const services = sys(BIN.services, 'services.exe', 600 + r.int(0, 100), 'wininit.exe', boot + 2000);
  const user = profile.primaryUser;
  const logon = dayStartMs + 7 * HOUR_MS + r.int(0, 120) * 60_000;
  return {
    services,
    svchost: sys(BIN.svchost, 'svchost.exe -k netsvcs -p -s Schedule', services.processId, 'services.exe', boot + 5000),
    lsass: sys(BIN.lsass, 'lsass.exe', 600 + r.int(0, 100), 'wininit.exe', boot + 2100),
    defender: sys(BIN.msmpeng, '"MsMpEng.exe"', services.processId, 'services.exe', boot + 9000),
    explorer: {
      binary: BIN.explorer, processId: pid(), commandLine: 'C:\\WINDOWS\\Explorer.EXE', creationMs: logon,
      parentProcessId: pid(), parentFileName: 'userinit.exe', accountName: user, accountDomain: domainOf(user, profile),
    },
    cron: { binary: BIN.cron, processId: r.int(600, 900), commandLine: '/usr/sbin/cron -f -P', creationMs: boot, parentProcessId: 1, parentFileName: 'systemd', accountName: 'root', accountDomain: profile.shortName },
    sshd: { binary: BIN.sshd, processId: r.int(900, 1200), commandLine: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', creationMs: boot, parentProcessId: 1, parentFileName: 'systemd', accountName: 'root', accountDomain: profile.shortName },
  };
}

/** When in the day an event happens: office hours for people, all day for servers. */
function eventTime(r: Random, profile: MachineProfile, dayStartMs: number): number {
  if (profile.role === 'workstation' && r.chance(0.85)) return dayStartMs + 7.5 * HOUR_MS + r.next() * 10 * HOUR_MS;
  return dayStartMs + r.next() * DAY_MS;
}

const USER_APPS: readonly (readonly [Binary, string, number])[] = [
  [BIN.msedge, '"msedge.exe" --single-argument https://fabrikam.sharepoint.com/sites/home', 30],
  [BIN.chrome, '"chrome.exe" ', 12],
  [BIN.winword, '"WINWORD.EXE" /n "C:\\Users\\{user}\\Documents\\Quarterly report.docx"', 10],
  [BIN.excel, '"EXCEL.EXE" "C:\\Users\\{user}\\OneDrive - Fabrikam\\Budget FY26.xlsx"', 10],
  [BIN.outlook, '"OUTLOOK.EXE" ', 12],
  [BIN.teams, '"ms-teams.exe" ', 10],
  [BIN.onedrive, '"OneDrive.exe" /background', 6],
  [BIN.cmd, '"cmd.exe" ', 3],
  [BIN.code, '"Code.exe" ', 4],
  [BIN.git, 'git.exe fetch --all', 3],
];

const SERVICE_CHILDREN: readonly (readonly [Binary, string, number])[] = [
  [BIN.taskhostw, 'taskhostw.exe', 20],
  [BIN.sc, 'sc.exe start wuauserv', 6],
  [BIN.wuauclt, '"wuauclt.exe" /RunHandlerComServer', 6],
  [BIN.searchIndexer, 'C:\\WINDOWS\\system32\\SearchIndexer.exe /Embedding', 5],
  [BIN.mpcmdrun, '"MpCmdRun.exe" -SignaturesUpdateService -ScheduleJob -RestrictPrivileges', 8],
  [BIN.officeClickToRun, '"OfficeClickToRun.exe" /frequentupdate SCHEDULEDTASK displaylevel=False', 4],
  [BIN.googleUpdate, '"GoogleUpdate.exe" /ua /installsource scheduler', 4],
  [BIN.conhost, '\\??\\C:\\WINDOWS\\system32\\conhost.exe 0xffffffff -ForceV1', 6],
];

const LINUX_CHILDREN: readonly (readonly [Binary, string, number])[] = [
  [BIN.sh, '/bin/sh -c "cd / && run-parts --report /etc/cron.hourly"', 30],
  [BIN.apt, 'apt-get update -qq', 5],
  [BIN.python, '/usr/bin/python3 /usr/bin/unattended-upgrade', 5],
  [BIN.bash, '-bash', 10],
  [BIN.mdatp, '/opt/microsoft/mdatp/sbin/wdavdaemon edr 12 11 --log_level info', 5],
];

function processNoise(r: Random, profile: MachineProfile, p: DayProcesses, ms: number, ticks: number): HuntingRow {
  const pid = r.int(200, 16_000) * 4;
  if (profile.role === 'linux') {
    const [binary, cmd] = r.weighted(LINUX_CHILDREN.map(([b, c, w]) => [[b, c] as const, w] as const));
    const parent = binary === BIN.bash ? p.sshd : p.cron;
    return processCreatedRow(profile, parent, { binary, processId: pid, commandLine: cmd, creationMs: ms, parentProcessId: parent.processId, parentFileName: parent.binary.fileName, accountName: 'root', accountDomain: profile.shortName }, ticks);
  }
  const userApp = profile.role === 'workstation' && r.chance(0.6);
  const table = userApp ? USER_APPS : SERVICE_CHILDREN;
  const [binary, cmdTemplate] = r.weighted(table.map(([b, c, w]) => [[b, c] as const, w] as const));
  const parent = userApp ? p.explorer : binary === BIN.mpcmdrun ? p.defender : p.svchost;
  const account = userApp ? profile.primaryUser : 'system';
  const commandLine = cmdTemplate.replace('{user}', profile.primaryUser);
  return processCreatedRow(profile, parent, { binary, processId: pid, commandLine, creationMs: ms, parentProcessId: parent.processId, parentFileName: parent.binary.fileName, accountName: account, accountDomain: domainOf(account, profile) }, ticks);
}

function fileNoise(r: Random, profile: MachineProfile, p: DayProcesses, ms: number, ticks: number): HuntingRow {
  if (profile.role === 'linux') {
    return fileEventRow(profile, p.cron, ms, ticks, { actionType: 'FileModified', file: r.pick(LINUX_LOGS) });
  }
  if (profile.role === 'workstation' && r.chance(0.5)) {
    const file = r.pick(DOWNLOADS);
    const browser: ProcessRef = { ...p.explorer, binary: BIN.msedge, commandLine: '"msedge.exe" --single-argument', processId: p.explorer.processId + 4 };
    return fileEventRow(profile, browser, ms, ticks, {
      actionType: 'FileCreated', file, folderOverride: `C:\\Users\\${profile.primaryUser}\\${file.folder}`,
      originUrl: `https://fabrikam.sharepoint.com/sites/shared/${encodeURIComponent(file.fileName)}`, originIp: '13.107.136.10',
    });
  }
  return fileEventRow(profile, p.svchost, ms, ticks, { actionType: r.pick(['FileCreated', 'FileModified', 'FileDeleted'] as const), file: r.pick(UPDATE_FILES) });
}

function registryNoise(r: Random, profile: MachineProfile, p: DayProcesses, ms: number, ticks: number): HuntingRow {
  const choice = r.int(0, 3);
  if (choice === 0 && profile.role === 'workstation') {
    return registryEventRow(profile, p.explorer, ms, ticks, {
      actionType: 'RegistryValueSet',
      key: `HKEY_CURRENT_USER\\S-1-5-21-3623811015-3361044348-30300820-${1100 + (profile.index % 900)}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs`,
      valueName: 'MRUListEx', valueType: 'Binary', valueData: '',
    });
  }
  if (choice === 1) {
    return registryEventRow(profile, p.defender, ms, ticks, {
      actionType: 'RegistryValueSet', key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates',
      valueName: 'AVSignatureVersion', valueType: 'String', valueData: `1.421.${r.int(100, 999)}.0`,
    });
  }
  return registryEventRow(profile, p.svchost, ms, ticks, {
    actionType: 'RegistryValueSet', key: 'HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\Tcpip\\Parameters\\Interfaces',
    valueName: 'DhcpIPAddress', valueType: 'String', valueData: profile.machine.lastIpAddress,
  });
}

export const DESTINATIONS: readonly (readonly [string, string, number])[] = [
  ['13.107.42.14', 'fabrikam.sharepoint.com', 20],
  ['20.190.151.68', 'login.microsoftonline.com', 15],
  ['52.113.194.132', 'teams.microsoft.com', 12],
  ['13.107.6.156', 'www.office.com', 10],
  ['140.82.112.4', 'github.com', 6],
  ['20.42.65.92', 'winatp-gw-eus.microsoft.com', 10],
  ['142.250.65.78', 'www.google.com', 6],
];

function networkNoise(r: Random, profile: MachineProfile, p: DayProcesses, ms: number, ticks: number, dc: MachineProfile | undefined): HuntingRow {
  const localPort = r.int(49_152, 65_000);
  if (dc && dc !== profile && profile.role !== 'linux' && r.chance(0.25)) {
    const [port, proto] = r.pick([[88, 'Tcp'], [389, 'Tcp'], [445, 'Tcp'], [53, 'Udp']] as const);
    return networkEventRow(profile, p.lsass, ms, ticks, { actionType: 'ConnectionSuccess', remoteIp: dc.machine.lastIpAddress, remotePort: port, localPort, protocol: proto });
  }
  if (profile.role === 'linux') {
    return networkEventRow(profile, p.cron, ms, ticks, { actionType: 'ConnectionSuccess', remoteIp: '185.125.190.36', remotePort: 80, remoteUrl: 'archive.ubuntu.com', localPort });
  }
  const [ip, url] = r.weighted(DESTINATIONS.map(([i, u, w]) => [[i, u] as const, w] as const));
  const actor = profile.role === 'workstation' && r.chance(0.6) ? { ...p.explorer, binary: BIN.msedge, commandLine: '"msedge.exe"', processId: p.explorer.processId + 4 } : p.svchost;
  return networkEventRow(profile, actor, ms, ticks, { actionType: r.chance(0.97) ? 'ConnectionSuccess' : 'ConnectionFailed', remoteIp: ip, remotePort: 443, remoteUrl: url, localPort });
}

function logonNoise(r: Random, profile: MachineProfile, p: DayProcesses, ms: number, ticks: number): HuntingRow {
  const failed = r.chance(0.05);
  const user = profile.primaryUser;
  if (profile.role === 'linux') {
    return logonEventRow(profile, p.sshd, ms, ticks, {
      actionType: failed ? 'LogonFailed' : 'LogonSuccess', logonType: 'Network', accountName: failed ? 'admin' : 'root', accountDomain: profile.shortName,
      accountSid: '', protocol: '', failureReason: failed ? 'InvalidUserNameOrPassword' : '', isLocalAdmin: true, logonId: r.int(1000, 4_000_000),
      remoteIp: failed ? `203.0.113.${r.int(2, 250)}` : '10.20.0.15', remotePort: r.int(30_000, 60_000),
    });
  }
  const interactive = profile.role === 'workstation' && r.chance(0.6);
  const account = interactive ? user : r.pick(['system', 'network service', user]);
  return logonEventRow(profile, { ...p.services, binary: interactive ? BIN.winlogon : BIN.services, commandLine: interactive ? 'winlogon.exe' : 'services.exe' }, ms, ticks, {
    actionType: failed ? 'LogonFailed' : 'LogonSuccess',
    logonType: interactive ? r.pick(['Interactive', 'Unlock', 'CachedInteractive']) : account === user ? 'Network' : 'Service',
    accountName: account, accountDomain: domainOf(account, profile), accountSid: sidOf(account), protocol: interactive ? 'Negotiate' : 'Kerberos',
    failureReason: failed ? 'InvalidUserNameOrPassword' : '', isLocalAdmin: account === 'system', logonId: r.int(100_000, 90_000_000),
  });
}

function deviceInfoRow(r: Random, profile: MachineProfile, ms: number, ticks: number): HuntingRow {
  const m = profile.machine;
  return {
    ...baseRow('DeviceInfo', profile, ms, ticks),
    ClientVersion: profile.clientVersion,
    PublicIP: m.lastExternalIpAddress,
    OSPlatform: m.osPlatform,
    OSBuild: m.osBuild,
    OSVersion: profile.osVersion,
    AadDeviceId: m.aadDeviceId ?? '',
    LoggedOnUsers: JSON.stringify(profile.role === 'linux' ? [{ UserName: 'root' }] : [{ UserName: profile.primaryUser, DomainName: domainOf(profile.primaryUser, profile).toUpperCase(), Sid: sidOf(profile.primaryUser) }]),
    MachineGroup: m.rbacGroupName === 'Ungrouped devices' ? '' : m.rbacGroupName,
    OnboardingStatus: m.onboardingStatus,
    SensorHealthState: r.chance(0.98) ? 'Active' : 'Inactive',
  };
}

/** `count` ordinary rows of `table` for one machine-day, in no particular order. */
export function noiseRows(seed: number, table: HuntingTable, profile: MachineProfile, fleet: readonly MachineProfile[], dayStartMs: number, count: number): HuntingRow[] {
  const r = Random.of(seed, 'rows', table, profile.index, dayStartMs);
  const p = dayProcesses(seed, profile, dayStartMs);
  const dc = fleet[STORY_MACHINES.dc];
  const rows: HuntingRow[] = [];
  for (let i = 0; i < count; i++) {
    const ticks = r.int(0, 9999);
    if (table === 'DeviceInfo') {
      // Spread the inventory snapshots evenly over the day, as the sensor reports them.
      const ms = dayStartMs + Math.floor(((i + r.next()) * DAY_MS) / count);
      rows.push(deviceInfoRow(r, profile, ms, ticks));
      continue;
    }
    const ms = eventTime(r, profile, dayStartMs);
    switch (table) {
      case 'DeviceProcessEvents': rows.push(processNoise(r, profile, p, ms, ticks)); break;
      case 'DeviceFileEvents': rows.push(fileNoise(r, profile, p, ms, ticks)); break;
      case 'DeviceRegistryEvents': rows.push(registryNoise(r, profile, p, ms, ticks)); break;
      case 'DeviceNetworkEvents': rows.push(networkNoise(r, profile, p, ms, ticks, dc)); break;
      case 'DeviceLogonEvents': rows.push(logonNoise(r, profile, p, ms, ticks)); break;
    }
  }
  return rows;
}

