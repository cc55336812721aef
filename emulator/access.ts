// Who sees what: delegated tokens see only the machines of the user's device groups,
// and only those machines' alerts and hunting rows; app tokens see the whole tenant.
import type { Tenant } from './tenant/tenant';
import type { Alert, MachineProfile, TenantUser } from './tenant/types';

/** A caller as RBAC sees it: a user, or the application (the whole tenant). */
export type Viewer = { kind: 'app' } | { kind: 'user'; user: TenantUser };

export function canSee(viewer: Viewer, profile: MachineProfile): boolean {
  if (viewer.kind === 'app' || viewer.user.allGroups) return true;
  return viewer.user.groupIds.includes(profile.machine.rbacGroupId);
}

export class TenantView {
  readonly machines: MachineProfile[];
  private readonly ids: Set<string>;

  constructor(
    readonly tenant: Tenant,
    readonly viewer: Viewer,
  ) {
    this.machines = tenant.fleet.filter((p) => canSee(viewer, p));
    this.ids = new Set(this.machines.map((p) => p.machine.id));
  }

  seesMachineId(id: string): boolean {
    return this.ids.has(id);
  }

  machine(idOrName: string): MachineProfile | undefined {
    const key = idOrName.toLowerCase();
    const p = this.tenant.machineById.get(key) ?? this.tenant.fleet.find((m) => m.machine.computerDnsName.toLowerCase() === key);
    return p && this.ids.has(p.machine.id) ? p : undefined;
  }

  alerts(): Alert[] {
    return this.tenant.alerts.filter((a) => this.ids.has(a.machineId));
  }

  machineIndexes(): number[] {
    return this.machines.map((p) => p.index);
  }
}
