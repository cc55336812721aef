// The tenant's registration: what a person (or a test) needs to sign in and what to
// expect: ids, secrets, users with their device groups, and row counts per table.
import { API_AUDIENCE } from './auth/tokens';
import { ALL_GROUPS } from './tenant/directory';
import type { HuntingTable } from './tenant/schema';
import type { StoryKey } from './tenant/stories';
import { C2 } from './tenant/stories';
import type { Tenant } from './tenant/tenant';
import type { DeviceGroup } from './tenant/types';
import { formatTicks } from './time';

export interface RegisteredUser {
  name: string;
  displayName: string;
  upn: string;
  oid: string;
  deviceGroups: DeviceGroup[];
  seesAllGroups: boolean;
}

export interface TenantRegistration {
  tenantId: string;
  /** Set when the emulator is running: https://127.0.0.1:PORT/{tenantId}. */
  authority: string | null;
  /** Set when running: https://127.0.0.1:PORT (the API paths start with /api). */
  apiBaseUrl: string | null;
  scope: string;
  publicClientId: string;
  confidentialClientId: string;
  confidentialClientSecret: string;
  users: RegisteredUser[];
  deviceGroups: DeviceGroup[];
  seed: number;
  /** Midnight UTC ending the 30 days of generated data. */
  anchor: string;
  machineCount: number;
  alertCount: number;
  rowCounts: Record<HuntingTable, number>;
  totalEvents: number;
}

export interface AnswerKey {
  seed: number;
  anchor: string;
  tenantId: string;
  c2: typeof C2;
  stories: StoryKey[];
}

export function registrationOf(tenant: Tenant, baseUrl: string | null): TenantRegistration {
  const rowCounts = tenant.tableTotals();
  return {
    tenantId: tenant.identity.tenantId,
    authority: baseUrl ? `${baseUrl}/${tenant.identity.tenantId}` : null,
    apiBaseUrl: baseUrl,
    scope: `${API_AUDIENCE}/.default`,
    publicClientId: tenant.identity.publicClientId,
    confidentialClientId: tenant.identity.confidentialClientId,
    confidentialClientSecret: tenant.identity.confidentialClientSecret,
    users: tenant.users.map((u) => ({
      name: u.name,
      displayName: u.displayName,
      upn: u.upn,
      oid: u.oid,
      deviceGroups: ALL_GROUPS.filter((g) => u.allGroups || u.groupIds.includes(g.id)),
      seesAllGroups: u.allGroups,
    })),
    deviceGroups: ALL_GROUPS,
    seed: tenant.seed,
    anchor: formatTicks(tenant.anchorMs),
    machineCount: tenant.fleet.length,
    alertCount: tenant.alerts.length,
    rowCounts,
    totalEvents: Object.values(rowCounts).reduce((a, b) => a + b, 0),
  };
}

export function answerKeyOf(tenant: Tenant): AnswerKey {
  return {
    seed: tenant.seed,
    anchor: formatTicks(tenant.anchorMs),
    tenantId: tenant.identity.tenantId,
    c2: C2,
    stories: structuredClone(tenant.stories),
  };
}
