// The toolkit the attack stories are written with: a writer that records hunting rows,
// raises alerts and fills the answer key, and the shapes of that key.
import { Random } from '../prng';
import { domainOf } from './accounts';
import type { Binary } from './binaries';
import { type AlertSpec, buildAlert } from './evidence';
import { type ProcessRef, creationTimeOf, processCreatedRow } from './rows';
import type { HuntingRow, HuntingTable } from './schema';
import type { Alert, MachineProfile } from './types';

export interface StoryEvent {
  table: HuntingTable;
  machineIndex: number;
  row: HuntingRow;
}

export interface StoryProcess {
  machineId: string;
  processId: number;
  fileName: string;
  commandLine: string;
  creationTime: string;
}

export interface StoryKey {
  id: string;
  title: string;
  alertIds: string[];
  machineIds: string[];
  sha1s: string[];
  ips: string[];
  urls: string[];
  domains: string[];
  accounts: string[];
  processes: StoryProcess[];
  registryKeys: string[];
}

export interface StoryBook {
  events: StoryEvent[];
  alerts: Alert[];
  stories: StoryKey[];
  /** Which machines each story domain was contacted from (for /api/domains/{d}/machines). */
  domainMachines: Map<string, Set<number>>;
}

export class StoryWriter {
  readonly events: StoryEvent[] = [];
  readonly alerts: Alert[] = [];
  readonly stories: StoryKey[] = [];
  readonly domainMachines = new Map<string, Set<number>>();
  private pidRandom: Random;

  constructor(readonly seed: number, readonly aadTenantId: string) {
    this.pidRandom = Random.of(seed, 'story-pids');
  }

  pid(): number {
    return this.pidRandom.int(300, 16_000) * 4;
  }

  row(table: HuntingTable, profile: MachineProfile, row: HuntingRow): void {
    this.events.push({ table, machineIndex: profile.index, row });
  }

  /** Start `binary` as a child of `parent` and record the ProcessCreated row. */
  spawn(profile: MachineProfile, parent: ProcessRef, binary: Binary, commandLine: string, atMs: number, account = parent.accountName): ProcessRef {
    const child: ProcessRef = {
      binary, processId: this.pid(), commandLine, creationMs: atMs, parentProcessId: parent.processId,
      parentFileName: parent.binary.fileName, accountName: account, accountDomain: domainOf(account, profile),
    };
    this.row('DeviceProcessEvents', profile, processCreatedRow(profile, parent, child, 0));
    return child;
  }

  contacted(domain: string, profile: MachineProfile): void {
    const set = this.domainMachines.get(domain) ?? new Set<number>();
    set.add(profile.index);
    this.domainMachines.set(domain, set);
  }

  alert(spec: AlertSpec, key: StoryKey): Alert {
    const alert = buildAlert(this.seed, this.aadTenantId, spec, `${key.id}:${key.alertIds.length}:${spec.title}`);
    this.alerts.push(alert);
    key.alertIds.push(alert.id);
    if (!key.machineIds.includes(alert.machineId)) key.machineIds.push(alert.machineId);
    return alert;
  }
}

export function newKey(id: string, title: string): StoryKey {
  return { id, title, alertIds: [], machineIds: [], sha1s: [], ips: [], urls: [], domains: [], accounts: [], processes: [], registryKeys: [] };
}

export function noteProcess(key: StoryKey, profile: MachineProfile, p: ProcessRef): void {
  key.processes.push({ machineId: profile.machine.id, processId: p.processId, fileName: p.binary.fileName, commandLine: p.commandLine, creationTime: creationTimeOf(p) });
}

export function longLived(profile: MachineProfile, binary: Binary, processId: number, account: string, creationMs: number, commandLine: string, parent = 'userinit.exe'): ProcessRef {
  return { binary, processId, commandLine, creationMs, parentProcessId: 1000 + (processId % 900), parentFileName: parent, accountName: account, accountDomain: domainOf(account, profile) };
}
