// The tenant policy: an Outpost extension served at GET /api/outpost/policy, since
// Microsoft's API publishes no retention or licence setting. The client takes the
// stricter of this and the administrator's tenant profile.

export type LicenseState = 'active' | 'grace' | 'suspended' | 'expired';

export interface TenantPolicy {
  retentionDays: number;
  licenseState: LicenseState;
  graceEndsAt: string | null;
  maxOfflineDays: number;
  wipeOnSignOut: boolean;
  idleLockMinutes: number;
}

export const POLICY_PATH = '/api/outpost/policy';

export const DEFAULT_POLICY: TenantPolicy = {
  retentionDays: 180,
  licenseState: 'active',
  graceEndsAt: null,
  maxOfflineDays: 14,
  wipeOnSignOut: false,
  idleLockMinutes: 15,
};

const LICENSE_STATES: readonly LicenseState[] = ['active', 'grace', 'suspended', 'expired'];

/** Merge a change into a policy, refusing values the service would never hold. */
export function applyPolicy(current: TenantPolicy, change: Partial<TenantPolicy>): TenantPolicy {
  const next = { ...current, ...change };
  if (!Number.isInteger(next.retentionDays) || next.retentionDays < 30 || next.retentionDays > 180) {
    throw new Error(`retentionDays must be a whole number from 30 to 180, got ${String(next.retentionDays)}`);
  }
  if (!LICENSE_STATES.includes(next.licenseState)) throw new Error(`licenseState must be one of ${LICENSE_STATES.join(', ')}`);
  if (next.graceEndsAt !== null && Number.isNaN(Date.parse(next.graceEndsAt))) throw new Error('graceEndsAt must be an ISO date-time or null');
  for (const k of ['maxOfflineDays', 'idleLockMinutes'] as const) {
    if (!Number.isInteger(next[k]) || next[k] < 0) throw new Error(`${k} must be a whole number of zero or more`);
  }
  if (typeof next.wipeOnSignOut !== 'boolean') throw new Error('wipeOnSignOut must be true or false');
  return next;
}

/** Parse `key=value,key=value` from the command line into a policy change. */
export function parsePolicyArgument(text: string): Partial<TenantPolicy> {
  const change: Record<string, unknown> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, ...rest] = part.split('=');
    const value = rest.join('=');
    switch (key) {
      case 'retentionDays': case 'maxOfflineDays': case 'idleLockMinutes':
        change[key] = Number(value); break;
      case 'wipeOnSignOut':
        change[key] = value === 'true'; break;
      case 'graceEndsAt':
        change[key] = value === '' || value === 'null' ? null : value; break;
      case 'licenseState':
        change[key] = value; break;
      default:
        throw new Error(`unknown policy setting '${key ?? ''}'`);
    }
  }
  return change as Partial<TenantPolicy>;
}
