// The demo tenant's directory: its ids, device groups and the people who sign in.
// Fixed per seed, so a test can name a user or group without reading the registration.
import { Random } from '../prng';
import type { DeviceGroup, TenantUser } from './types';

export const DOMAIN = 'fabrikam';
export const DNS_SUFFIX = 'corp.fabrikam.com';
export const UPN_SUFFIX = 'fabrikam.onmicrosoft.com';

export const GROUPS = {
  finance: { id: 101, name: 'Finance' },
  engineering: { id: 102, name: 'Engineering' },
  servers: { id: 103, name: 'Servers' },
  // Machines in no group still carry an rbacGroupId; 0 marks them here.
  ungrouped: { id: 0, name: 'Ungrouped devices' },
} as const satisfies Record<string, DeviceGroup>;

export const ALL_GROUPS: DeviceGroup[] = Object.values(GROUPS);

export interface TenantIdentity {
  tenantId: string;
  publicClientId: string;
  confidentialClientId: string;
  confidentialClientSecret: string;
  /** The object id the app-only tokens carry. */
  appObjectId: string;
}

export function tenantIdentity(seed: number): TenantIdentity {
  const r = Random.of(seed, 'identity');
  return {
    tenantId: r.guid(),
    publicClientId: r.guid(),
    confidentialClientId: r.guid(),
    confidentialClientSecret: `opst~${r.hex(34)}`,
    appObjectId: r.guid(),
  };
}

export function tenantUsers(seed: number): TenantUser[] {
  const r = Random.of(seed, 'users');
  const user = (name: string, displayName: string, groupIds: number[], allGroups = false): TenantUser => ({
    name,
    displayName,
    upn: `${name}@${UPN_SUFFIX}`,
    oid: r.guid(),
    groupIds,
    allGroups,
  });
  return [
    user('soc-admin', 'Avery Okafor (SOC lead)', ALL_GROUPS.map((g) => g.id), true),
    user('analyst-finance', 'Jordan Reyes (Tier 1, Finance)', [GROUPS.finance.id]),
    user('analyst-eng', 'Sam Whitaker (Tier 1, Engineering and Servers)', [GROUPS.engineering.id, GROUPS.servers.id]),
    user('auditor', 'Casey Lindqvist (auditor, no device groups)', []),
  ];
}

/** Find a user by short name, UPN or object id. */
export function findUser(users: readonly TenantUser[], nameOrUpn: string): TenantUser | undefined {
  const key = nameOrUpn.toLowerCase();
  return users.find((u) => u.name === key || u.upn.toLowerCase() === key || u.oid === key);
}

/** People whose accounts appear on machines (logons, process owners). */
export const EMPLOYEES = {
  finance: ['mchen', 'jpatel', 'lgarcia', 'tnguyen', 'rsmith', 'kmuller', 'abrown', 'dkim'],
  engineering: ['spark', 'ojohnson', 'hsato', 'pwright', 'elopez', 'bnovak', 'cwhite', 'fmartin'],
  servers: ['svc-backup', 'svc-sql', 'svc-deploy', 'adm-jreyes'],
  ungrouped: ['kiosk', 'frontdesk'],
} as const;

export const DOMAIN_ADMINS = new Set(['adm-jreyes']);
