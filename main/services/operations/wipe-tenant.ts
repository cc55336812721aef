import type { CacheClient } from '../cache';
import type { Keychain } from '../keychain';
import { wipeTenantCache, type WipeReason, type WipeReceipt } from '../policy/wipe';
import type { TenantProfile } from '../tenant/profiles';
import { forgetSignIn } from '../tenant/sign-in';

/**
 * Erases a tenant from this machine: its cache (key first, then files) and its sign-in
 * (refresh token and any client secret).
 * The cache must be closed first so no thread holds the file or the key.
 */
export async function wipeTenant(options: {
  home: string;
  keychain: Keychain;
  profile: TenantProfile;
  cache?: Pick<CacheClient, 'close'> | null;
  reason: WipeReason;
}): Promise<WipeReceipt> {
  await options.cache?.close().catch(() => undefined);
  const receipt = await wipeTenantCache({ home: options.home, tenantId: options.profile.tenantId, keychain: options.keychain, reason: options.reason });
  await forgetSignIn(options.keychain, options.profile.name).catch(() => undefined);
  return receipt;
}
