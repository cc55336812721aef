import type { EffectivePolicy } from './policy';

const DAY_MS = 86_400_000;

/**
 * What a cache may do now:
 * - open: read and sync;
 * - read-only: read, no sync (licence in grace or suspended), with days left for a banner;
 * - locked: nothing until a sync succeeds (offline longer than the policy allows);
 * - wipe: erase now (licence expired past its grace, or offline too long when the policy says wipe).
 */
export type CacheLifecycle =
  | { state: 'open' }
  | { state: 'read-only'; reason: 'grace' | 'suspended'; daysLeft: number | null; banner: string }
  | { state: 'locked'; reason: 'offline-too-long'; banner: string }
  | { state: 'wipe'; reason: 'license-expired' | 'offline-too-long' };

/**
 * The clock Outpost trusts: never earlier than the latest time the tenant vouched for (its
 * Date headers, the last sync). A laptop clock set back cannot extend retention or grace.
 */
export function trustedNow(localNow: Date, lastTrusted: Date | null): Date {
  return lastTrusted && lastTrusted.getTime() > localNow.getTime() ? lastTrusted : localNow;
}

export function lifecycleOf(policy: EffectivePolicy, now: Date, lastSyncAt: Date | null): CacheLifecycle {
  const graceEnd = policy.graceEndsAt ? Date.parse(policy.graceEndsAt) : null;
  const daysLeft = graceEnd === null ? null : Math.max(0, Math.ceil((graceEnd - now.getTime()) / DAY_MS));
  switch (policy.licenseState) {
    case 'expired':
      if (graceEnd !== null && now.getTime() < graceEnd) {
        return { state: 'read-only', reason: 'grace', daysLeft, banner: `The licence has ended: read-only, erased in ${daysLeft} day(s).` };
      }
      return { state: 'wipe', reason: 'license-expired' };
    case 'grace':
      if (graceEnd !== null && now.getTime() >= graceEnd) return { state: 'wipe', reason: 'license-expired' };
      return { state: 'read-only', reason: 'grace', daysLeft, banner: `The licence is in its grace period: read-only${daysLeft === null ? '' : `, ${daysLeft} day(s) left`}.` };
    case 'suspended':
      return { state: 'read-only', reason: 'suspended', daysLeft, banner: 'The licence is suspended: read-only, sync is off.' };
    case 'active':
      break;
  }
  if (lastSyncAt && now.getTime() - lastSyncAt.getTime() > policy.maxOfflineDays * DAY_MS) {
    if (policy.wipeWhenOfflineTooLong) return { state: 'wipe', reason: 'offline-too-long' };
    return { state: 'locked', reason: 'offline-too-long', banner: `Offline for more than ${policy.maxOfflineDays} days: locked until a sync succeeds.` };
  }
  return { state: 'open' };
}

/** The oldest time a row may carry and still be kept. */
export function retentionCutoff(policy: EffectivePolicy, now: Date): string {
  return new Date(now.getTime() - policy.retentionDays * DAY_MS).toISOString();
}
