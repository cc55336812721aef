import { OutpostError } from '../../../contract';
import { openTenantCache, type CacheClient, type OpenTenantCacheOptions } from '../cache';
import type { Keychain } from '../keychain';
import { assertReadable, policyState, purgeExpired, type PolicyState } from '../policy/guard';
import { endpointsOf, type TenantProfile } from '../tenant/profiles';
import { wipeTenant } from './wipe-tenant';

/**
 * Opens a tenant's cache under its policy: a cache the policy has ended is wiped here,
 * at open, whatever the laptop's clock says; anything past retention is purged before
 * the first read.
 */
export async function openTenant(options: {
  home: string;
  keychain: Keychain;
  profile: TenantProfile;
  create?: boolean | 'if-missing';
  /** 'sync' may open a cache locked for being offline too long: a sync is what unlocks it. */
  purpose?: 'read' | 'sync';
  now?: Date;
  /** Told before a cache written by an older Outpost is upgraded (it can take minutes). */
  onUpgrade?: OpenTenantCacheOptions['onUpgrade'];
}): Promise<{ cache: CacheClient; state: PolicyState }> {
  const { home, keychain, profile } = options;
  const cache = await openTenantCache({
    home, tenantId: profile.tenantId, region: endpointsOf(profile).region.id, keychain, create: options.create ?? false, onUpgrade: options.onUpgrade,
  });
  try {
    const state = await policyState(cache, profile, options.now);
    if (state.lifecycle.state === 'wipe') {
      const reason = state.lifecycle.reason;
      await wipeTenant({ home, keychain, profile, cache, reason });
      throw new OutpostError('CACHE_NOT_FOUND', `The cache of tenant ${profile.name} was wiped at open: ${reason === 'license-expired' ? 'the licence ended past its grace period' : 'offline longer than the policy allows'}.`);
    }
    if ((options.purpose ?? 'read') === 'read') assertReadable(state);
    await purgeExpired(cache, state);
    return { cache, state };
  } catch (error) {
    await cache.close().catch(() => undefined);
    throw error;
  }
}
