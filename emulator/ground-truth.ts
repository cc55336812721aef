// Ground truth for tests: exactly what the API would return to a user (or the app) for
// a scope, computed straight from the generator, not through the API's own code paths.
import { TenantView, type Viewer } from './access';
import { findUser } from './tenant/directory';
import type { Lookups } from './tenant/lookups';
import type { HuntingRow, HuntingTable } from './tenant/schema';
import type { Tenant } from './tenant/tenant';
import type { Alert, LogonUser, Machine, MachineProfile } from './tenant/types';
import { DAY_MS, formatTicks, normalizeDateTime } from './time';

export interface TruthScope {
  groupIds?: number[];
  machineIds?: string[];
  /** Inclusive bounds: alerts by lastUpdateTime, hunting rows by Timestamp. */
  from: string | Date;
  to: string | Date;
  severities?: Alert['severity'][];
  statuses?: Alert['status'][];
}

/** A user's short name or UPN, or 'app' for an application token. */
export type TruthViewer = string;

function canonical(t: string | Date): string {
  const s = typeof t === 'string' ? normalizeDateTime(t) : formatTicks(t.getTime());
  if (!s) throw new Error(`not a date-time: ${String(t)}`);
  return s;
}

export class GroundTruth {
  constructor(
    private readonly tenant: Tenant,
    private readonly lookups: Lookups,
    private readonly nowMs: () => number,
  ) {}

  private view(viewer: TruthViewer): TenantView {
    if (viewer === 'app') return new TenantView(this.tenant, { kind: 'app' });
    const user = findUser(this.tenant.users, viewer);
    if (!user) throw new Error(`no user '${viewer}' in the tenant`);
    const v: Viewer = { kind: 'user', user };
    return new TenantView(this.tenant, v);
  }

  private profiles(viewer: TruthViewer, scope: TruthScope): MachineProfile[] {
    return this.view(viewer).machines.filter(
      (p) => (!scope.groupIds || scope.groupIds.includes(p.machine.rbacGroupId)) && (!scope.machineIds || scope.machineIds.includes(p.machine.id)),
    );
  }

  /** Machines in scope that the viewer may see. */
  machines(viewer: TruthViewer, scope: TruthScope): Machine[] {
    return this.profiles(viewer, scope).map((p) => p.machine);
  }

  /** Alerts of those machines, last updated within [from, to], with evidence. */
  alerts(viewer: TruthViewer, scope: TruthScope): Alert[] {
    const ids = new Set(this.profiles(viewer, scope).map((p) => p.machine.id));
    const from = canonical(scope.from);
    const to = canonical(scope.to);
    return this.tenant.alerts.filter(
      (a) =>
        ids.has(a.machineId) && a.lastUpdateTime >= from && a.lastUpdateTime <= to &&
        (!scope.severities || scope.severities.includes(a.severity)) && (!scope.statuses || scope.statuses.includes(a.status)),
    );
  }

  /** Logon users per machine id. */
  logonUsers(viewer: TruthViewer, scope: TruthScope): Map<string, LogonUser[]> {
    return new Map(this.profiles(viewer, scope).map((p) => [p.machine.id, this.lookups.logonUsers(p)]));
  }

  /**
   * Hunting rows of `table` with Timestamp in [from, to] and inside the service's
   * 30-day window, in API form, machine-day by machine-day (not globally sorted).
   */
  *huntingRows(viewer: TruthViewer, scope: TruthScope, table: HuntingTable): Iterable<HuntingRow> {
    const windowStart = formatTicks(this.nowMs() - 30 * DAY_MS);
    const windowEnd = formatTicks(this.nowMs());
    const from = [canonical(scope.from), windowStart].sort()[1]!;
    const to = [canonical(scope.to), windowEnd].sort()[0]!;
    for (const p of this.profiles(viewer, scope)) {
      for (let day = 0; day < this.tenant.days; day++) {
        for (const row of this.tenant.rowsFor(table, p.index, day)) {
          const t = String(row.Timestamp);
          if (t >= from && t <= to) yield row;
        }
      }
    }
  }

  huntingCount(viewer: TruthViewer, scope: TruthScope, table: HuntingTable): number {
    let n = 0;
    for (const _ of this.huntingRows(viewer, scope, table)) n++;
    return n;
  }
}
