import { OutpostError } from '../../../contract';
import { auditEntry, recordAudit } from '../audit/audit';
import type { CacheClient } from '../cache';
import type { Keychain } from '../keychain';
import { assertSyncAllowed, policyState, purgeExpired, recordTrustedTime } from '../policy/guard';
import type { SyncProgress } from '../sync/progress';
import { runSync, type SyncOptions, type SyncSummary } from '../sync/runner';
import type { SyncScopeInput } from '../sync/scope';
import type { TenantConnection } from '../tenant/connect';
import { wipeTenant } from './wipe-tenant';

export interface SyncTenantOptions {
  home: string;
  keychain: Keychain;
  connection: TenantConnection;
  cache: CacheClient;
  scope?: SyncScopeInput;
  signal?: AbortSignal;
  onProgress?(progress: SyncProgress): void;
  api?: SyncOptions['api'];
  now?(): Date;
}

/**
 * A sync under the tenant's policy: refused while the licence keeps the cache read-only,
 * the cache wiped when the policy says so (before or after the tenant says it), the
 * tenant's clock remembered, expired rows purged, and the whole thing in the audit log.
 */
export async function syncTenant(options: SyncTenantOptions): Promise<SyncSummary> {
  const { cache, connection } = options;
  const profile = connection.profile;
  const before = await policyState(cache, profile, options.now?.());
  if (before.lifecycle.state === 'wipe') {
    await wipeTenant({ home: options.home, keychain: options.keychain, profile, cache, reason: before.lifecycle.reason });
    throw new OutpostError('LICENSE_LAPSED', `The policy ended this cache (${before.lifecycle.reason}); it was wiped.`);
  }
  assertSyncAllowed(before);

  let latestServerTime: Date | null = null;
  let summary: SyncSummary;
  try {
    summary = await runSync({
      connection,
      cache,
      scope: options.scope,
      signal: options.signal,
      onProgress: options.onProgress,
      api: options.api,
      now: options.now,
      onServerTime: (date) => {
        if (!latestServerTime || date > latestServerTime) latestServerTime = date;
      },
      // Recorded with the forgetting itself, so a sync that fails later still accounts for it; how
      // many and why, never which (machine names are tenant data the cache just let go of).
      forgetAudit: () => auditEntry('purge', null, { reason: 'scope narrowed' }),
    });
  } catch (error) {
    if (latestServerTime) await recordTrustedTime(cache, latestServerTime);
    // The tenant may just have said the licence ended: apply it now, not at the next open.
    const after = await policyState(cache, profile, options.now?.());
    if (after.lifecycle.state === 'wipe') {
      await wipeTenant({ home: options.home, keychain: options.keychain, profile, cache, reason: after.lifecycle.reason });
      throw new OutpostError('LICENSE_LAPSED', `The tenant's licence has ended past its grace; the cache was wiped.`);
    }
    await recordAudit(cache, 'sync', profile.name, { ok: false, code: error instanceof OutpostError ? error.code : 'INTERNAL' }).catch(() => undefined);
    throw error;
  }
  if (latestServerTime) await recordTrustedTime(cache, latestServerTime);
  const after = await policyState(cache, profile, options.now?.());
  await purgeExpired(cache, after);
  await recordAudit(cache, 'sync', profile.name, {
    ok: true, rowsWritten: summary.rowsWritten, scope: summary.scope, retries: summary.retries, forgottenMachines: summary.forgotten?.machines ?? 0,
    unmatched: summary.unmatched,
  });
  return summary;
}
