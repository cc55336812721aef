import { OutpostError } from '../../../contract';
import { auditEntry } from '../audit/audit';
import type { CacheClient, PurgeSummary } from '../cache';
import type { TenantProfile } from '../tenant/profiles';
import { lifecycleOf, retentionCutoff, trustedNow, type CacheLifecycle } from './lifecycle';
import { effectivePolicy, TenantPolicyAnswer, type EffectivePolicy } from './policy';

export interface PolicyState {
  policy: EffectivePolicy;
  lifecycle: CacheLifecycle;
  /** The clock decisions use: never earlier than what the tenant last vouched for. */
  now: Date;
  lastSyncAt: Date | null;
}

type PolicyCache = Pick<CacheClient, 'query' | 'write'>;

/** The tenant's served policy (if any) and the two clocks, as stored in the cache. */
export async function policyState(cache: PolicyCache, profile: TenantProfile, localNow: Date = new Date()): Promise<PolicyState> {
  const row = (await cache.query('policy')) as { policy?: string } | null;
  const served = row?.policy ? TenantPolicyAnswer.safeParse(JSON.parse(row.policy)) : null;
  const policy = effectivePolicy(served?.success ? served.data : null, profile.policy);
  const checkpoints = (await cache.query('checkpoints')) as Array<{ stream: string; cursor: string | null }>;
  const at = (stream: string) => {
    const cursor = checkpoints.find((c) => c.stream === stream)?.cursor;
    return cursor ? new Date(cursor) : null;
  };
  const lastSyncAt = at('sync');
  const trusted = [at('clock'), lastSyncAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  const now = trustedNow(localNow, trusted);
  return { policy, lifecycle: lifecycleOf(policy, now, lastSyncAt), now, lastSyncAt };
}

/** Records the latest time the tenant vouched for (Date headers, a finished sync); it only moves forward. */
export async function recordTrustedTime(cache: PolicyCache, seen: Date): Promise<void> {
  const checkpoints = (await cache.query('checkpoints')) as Array<{ stream: string; cursor: string | null }>;
  const current = checkpoints.find((c) => c.stream === 'clock')?.cursor;
  if (current && Date.parse(current) >= seen.getTime()) return;
  await cache.write({ checkpoints: [{ stream: 'clock', cursor: seen.toISOString(), detail: null }] });
}

/** Purges what retention no longer allows and records it in the audit log. */
export async function purgeExpired(cache: Pick<CacheClient, 'query' | 'write' | 'purge'>, state: PolicyState): Promise<PurgeSummary> {
  // The entry commits with the removal (cutoff, counts and freed pages added to it), or not at all.
  return cache.purge(retentionCutoff(state.policy, state.now), auditEntry('purge', null));
}

/** Refuses a sync the lifecycle does not allow (grace and suspended are read-only). */
export function assertSyncAllowed(state: PolicyState): void {
  if (state.lifecycle.state === 'read-only') {
    throw new OutpostError('SYNC_DISABLED', `${state.lifecycle.banner} Sync is off.`);
  }
}

/** Refuses reading a locked cache (past the offline maximum) until a sync succeeds. */
export function assertReadable(state: PolicyState): void {
  if (state.lifecycle.state === 'locked') throw new OutpostError('CACHE_LOCKED', state.lifecycle.banner);
}
