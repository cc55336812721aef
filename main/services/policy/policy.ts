import { z } from 'zod';
import type { AdminPolicy } from '../tenant/profiles';

export const licenseStates = ['active', 'grace', 'suspended', 'expired'] as const;
export type LicenseState = (typeof licenseStates)[number];

/** The policy a tenant serves (Outpost's policy endpoint); every field optional. */
export const TenantPolicyAnswer = z.object({
  retentionDays: z.number().int().min(30).max(180).optional(),
  licenseState: z.enum(licenseStates).optional(),
  graceEndsAt: z.string().nullable().optional(),
  maxOfflineDays: z.number().int().min(1).max(365).optional(),
  wipeOnSignOut: z.boolean().optional(),
  idleLockMinutes: z.number().int().min(1).max(1440).optional(),
});
export type TenantPolicyAnswer = z.infer<typeof TenantPolicyAnswer>;

/** What Outpost enforces: the stricter of the tenant's policy and the administrator's profile. */
export interface EffectivePolicy {
  retentionDays: number;
  maxOfflineDays: number;
  licenseState: LicenseState;
  graceEndsAt: string | null;
  wipeOnSignOut: boolean;
  idleLockMinutes: number;
  /** Screened workstations: lock when the window loses focus. */
  lockOnBlur: boolean;
  /** Past the offline maximum: wipe instead of lock. */
  wipeWhenOfflineTooLong: boolean;
}

/** The tenant keeps data 180 days at most (mde-api.md); these apply when no source says. */
export const defaultPolicy: EffectivePolicy = {
  retentionDays: 180,
  maxOfflineDays: 30,
  licenseState: 'active',
  graceEndsAt: null,
  wipeOnSignOut: false,
  idleLockMinutes: 15,
  lockOnBlur: false,
  wipeWhenOfflineTooLong: false,
};

const minOf = (fallback: number, ...values: Array<number | undefined>) => {
  const given = values.filter((v): v is number => typeof v === 'number');
  return given.length > 0 ? Math.min(...given) : fallback;
};

export function effectivePolicy(tenant: TenantPolicyAnswer | null, admin: AdminPolicy = {}): EffectivePolicy {
  return {
    retentionDays: minOf(defaultPolicy.retentionDays, tenant?.retentionDays, admin.retentionDays),
    maxOfflineDays: minOf(defaultPolicy.maxOfflineDays, tenant?.maxOfflineDays, admin.maxOfflineDays),
    licenseState: tenant?.licenseState ?? defaultPolicy.licenseState,
    graceEndsAt: tenant?.graceEndsAt ?? null,
    wipeOnSignOut: tenant?.wipeOnSignOut === true || admin.wipeOnSignOut === true,
    idleLockMinutes: minOf(defaultPolicy.idleLockMinutes, tenant?.idleLockMinutes, admin.idleLockMinutes),
    lockOnBlur: admin.lockOnBlur === true,
    wipeWhenOfflineTooLong: admin.wipeWhenOfflineTooLong === true,
  };
}
