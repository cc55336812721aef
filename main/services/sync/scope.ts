import { z } from 'zod';

export const severities = ['UnSpecified', 'Informational', 'Low', 'Medium', 'High'] as const;
export const statuses = ['Unknown', 'New', 'InProgress', 'Resolved'] as const;

/**
 * What the analyst chose to sync. The tenant's RBAC cuts it further: a delegated sign-in
 * only ever receives its own device groups. Stored with the cache and shown.
 */
export const SyncScope = z
  .object({
    /** Device group names or ids; empty = every group the sign-in can see. */
    groups: z.array(z.string().min(1).max(256)).max(500).default([]),
    /** Machine ids or DNS names; empty = every machine of the chosen groups. */
    machines: z.array(z.string().min(1).max(256)).max(10_000).default([]),
    /** How far back hunting data reaches: at most the API's 30 days. */
    days: z.number().int().min(1).max(30).default(30),
    severities: z.array(z.enum(severities)).default([]),
    statuses: z.array(z.enum(statuses)).default([]),
  })
  .strict();
export type SyncScope = z.infer<typeof SyncScope>;
export type SyncScopeInput = z.input<typeof SyncScope>;

export interface ScopedMachine {
  id: string;
  computerDnsName?: string | null;
  rbacGroupId?: number | string | null;
  rbacGroupName?: string | null;
}

export function machineInScope(scope: SyncScope, machine: ScopedMachine): boolean {
  if (scope.groups.length > 0) {
    const group = [String(machine.rbacGroupId ?? ''), (machine.rbacGroupName ?? 'Ungrouped devices').toLowerCase()];
    if (!scope.groups.some((g) => group.includes(g) || group.includes(g.toLowerCase()))) return false;
  }
  if (scope.machines.length > 0) {
    const names = [machine.id.toLowerCase(), (machine.computerDnsName ?? '').toLowerCase()];
    if (!scope.machines.some((m) => names.includes(m.toLowerCase()) || names[1]?.split('.')[0] === m.toLowerCase())) return false;
  }
  return true;
}

/**
 * The group and machine names of a scope that no machine the sign-in can see answers to, told
 * apart the way machineInScope matches them. A name here is most likely mistyped (or a group
 * the sign-in's RBAC does not reach); the analyst is told, never left with a quiet gap.
 */
export class ScopeMatches {
  private readonly groups = new Set<string>();
  private readonly names = new Set<string>();

  see(machine: ScopedMachine): void {
    this.groups.add(String(machine.rbacGroupId ?? ''));
    this.groups.add((machine.rbacGroupName ?? 'Ungrouped devices').toLowerCase());
    const host = (machine.computerDnsName ?? '').toLowerCase();
    this.names.add(machine.id.toLowerCase());
    this.names.add(host);
    this.names.add(host.split('.')[0] ?? '');
  }

  unmatched(scope: SyncScope): string[] {
    return [
      ...scope.groups.filter((g) => !this.groups.has(g) && !this.groups.has(g.toLowerCase())).map((g) => `group ${g}`),
      ...scope.machines.filter((m) => !this.names.has(m.toLowerCase())).map((m) => `machine ${m}`),
    ];
  }
}

/** The OData filter for alerts: incremental by lastUpdateTime, cut by severity and status. */
export function alertFilter(scope: SyncScope, since: string | null): string | undefined {
  const parts: string[] = [];
  if (since) parts.push(`lastUpdateTime ge ${since}`);
  if (scope.severities.length > 0) parts.push(`(${scope.severities.map((s) => `severity eq '${s}'`).join(' or ')})`);
  if (scope.statuses.length > 0) parts.push(`(${scope.statuses.map((s) => `status eq '${s}'`).join(' or ')})`);
  return parts.length > 0 ? parts.join(' and ') : undefined;
}
