import { recordAudit } from '../audit/audit';
import type { CacheClient } from '../cache';
import type { Keychain } from '../keychain';
import { policyState } from '../policy/guard';
import { effectivePolicy } from '../policy/policy';
import type { WipeReceipt } from '../policy/wipe';
import { connectTenant } from '../tenant/connect';
import type { TenantProfile } from '../tenant/profiles';
import { wipeTenant } from './wipe-tenant';

export interface SignOutOutcome {
  /** The cache is gone: the analyst asked for it, or the tenant's policy did. */
  wiped: boolean;
  /** The tenant's policy wipes the cache at every sign-out, whatever was asked. */
  policyRequiresWipe: boolean;
  receipt: WipeReceipt | null;
}

/**
 * Signs out of a tenant, the one path for the CLI and the window: the audit entry first
 * (while the cache still exists), then the refresh token leaves the keychain, so syncing
 * needs a new sign-in. The cache stays readable offline unless the analyst or the tenant's
 * policy asks for a wipe.
 */
export async function signOutTenant(options: {
  home: string;
  keychain: Keychain;
  profile: TenantProfile;
  /** The tenant's open cache, or null when it has none; closed here only when it is wiped. */
  cache: CacheClient | null;
  wipe: boolean;
}): Promise<SignOutOutcome> {
  const { home, keychain, profile, cache } = options;
  const policy = cache ? (await policyState(cache, profile)).policy : effectivePolicy(null, profile.policy);
  const wipe = options.wipe || policy.wipeOnSignOut;
  if (cache) await recordAudit(cache, 'sign-out', profile.name, { wipe });
  // No network here: signing out only forgets what the keychain holds for this profile.
  const connection = connectTenant(profile, keychain);
  try {
    await connection.signIn.signOut();
  } finally {
    connection.close();
  }
  const receipt = wipe ? await wipeTenant({ home, keychain, profile, cache, reason: 'sign-out' }) : null;
  return { wiped: wipe, policyRequiresWipe: policy.wipeOnSignOut, receipt };
}
