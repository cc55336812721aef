import { describe, expect, it } from 'vitest';
import { lifecycleOf, retentionCutoff, trustedNow } from '../../main/services/policy/lifecycle';
import { defaultPolicy, effectivePolicy } from '../../main/services/policy/policy';

const day = 86_400_000;
const now = new Date('2026-11-26T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * day);

describe('effective policy', () => {
  it('takes the stricter value of tenant and administrator', () => {
    const policy = effectivePolicy({ retentionDays: 90, maxOfflineDays: 20, idleLockMinutes: 30 }, { retentionDays: 60, maxOfflineDays: 45, idleLockMinutes: 5, wipeOnSignOut: true });
    expect(policy).toMatchObject({ retentionDays: 60, maxOfflineDays: 20, idleLockMinutes: 5, wipeOnSignOut: true, licenseState: 'active' });
  });

  it('falls back to the documented 180 days when neither source says', () => {
    expect(effectivePolicy(null).retentionDays).toBe(180);
    expect(effectivePolicy(null, { retentionDays: 45 }).retentionDays).toBe(45);
  });
});

describe('lifecycle', () => {
  const policy = (change: Partial<typeof defaultPolicy>) => ({ ...defaultPolicy, ...change });

  it('inside retention and recently synced: open', () => {
    expect(lifecycleOf(policy({}), now, ago(2))).toEqual({ state: 'open' });
  });

  it('grace: read-only with the days left', () => {
    const state = lifecycleOf(policy({ licenseState: 'grace', graceEndsAt: new Date(now.getTime() + 10 * day).toISOString() }), now, ago(1));
    expect(state).toMatchObject({ state: 'read-only', reason: 'grace', daysLeft: 10 });
  });

  it('suspended: read-only', () => {
    expect(lifecycleOf(policy({ licenseState: 'suspended' }), now, ago(1))).toMatchObject({ state: 'read-only', reason: 'suspended' });
  });

  it('expired past grace: wipe; expired within grace: read-only', () => {
    expect(lifecycleOf(policy({ licenseState: 'expired', graceEndsAt: ago(1).toISOString() }), now, ago(1))).toEqual({ state: 'wipe', reason: 'license-expired' });
    expect(lifecycleOf(policy({ licenseState: 'expired', graceEndsAt: null }), now, ago(1))).toEqual({ state: 'wipe', reason: 'license-expired' });
    expect(lifecycleOf(policy({ licenseState: 'expired', graceEndsAt: new Date(now.getTime() + day).toISOString() }), now, ago(1))).toMatchObject({ state: 'read-only' });
  });

  it('past the offline maximum: locked, or wiped when the policy says so', () => {
    expect(lifecycleOf(policy({ maxOfflineDays: 14 }), now, ago(15))).toMatchObject({ state: 'locked', reason: 'offline-too-long' });
    expect(lifecycleOf(policy({ maxOfflineDays: 14, wipeWhenOfflineTooLong: true }), now, ago(15))).toEqual({ state: 'wipe', reason: 'offline-too-long' });
    expect(lifecycleOf(policy({ maxOfflineDays: 14 }), now, ago(13))).toEqual({ state: 'open' });
  });

  it('a clock set back never extends retention or grace', () => {
    const trusted = new Date('2026-11-26T12:00:00Z');
    const setBack = new Date('2026-09-01T00:00:00Z');
    const clock = trustedNow(setBack, trusted);
    expect(clock).toEqual(trusted);
    const grace = policy({ licenseState: 'grace', graceEndsAt: '2026-11-01T00:00:00Z' });
    expect(lifecycleOf(grace, clock, ago(1))).toEqual({ state: 'wipe', reason: 'license-expired' });
    expect(lifecycleOf(grace, setBack, ago(1)).state).toBe('read-only'); // what the raw clock would have allowed
    expect(retentionCutoff(policy({ retentionDays: 30 }), clock)).toBe('2026-10-27T12:00:00.000Z');
  });
});
