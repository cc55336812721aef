import { existsSync } from 'node:fs';
import { OutpostError, type ResponseOf } from '../../../contract';
import type { AppContext } from '../../app-context';
import { exportAuditJsonl, recordAudit, verifyAudit } from '../../services/audit/audit';
import { cachePaths } from '../../services/cache';
import { reportedTables, tenantCacheStatus } from '../../services/operations/tenant-status';
import { signOutTenant } from '../../services/operations/sign-out';
import { wipeTenant } from '../../services/operations/wipe-tenant';
import { policyState, type PolicyState } from '../../services/policy/guard';
import { effectivePolicy } from '../../services/policy/policy';
import { endpointsOf, saveProfile, type TenantProfile } from '../../services/tenant/profiles';
import { tokenAccount } from '../../services/tenant/sign-in';
import type { tenantRequestNames } from '../../../contract/names/tenants';
import type { Handlers } from '../router';

type TenantHandlers = Pick<Handlers, (typeof tenantRequestNames)[number]>;
type Lifecycle = ResponseOf<'sync.status'>['lifecycle'];

function lifecycleData(state: PolicyState): Lifecycle {
  const lifecycle = state.lifecycle;
  return {
    state: lifecycle.state,
    reason: 'reason' in lifecycle ? lifecycle.reason : null,
    banner: 'banner' in lifecycle ? lifecycle.banner : null,
    daysLeft: 'daysLeft' in lifecycle ? lifecycle.daysLeft : null,
  };
}

export function tenantHandlers(context: AppContext): TenantHandlers {
  const { workspace, syncs, lock } = context;
  const keychain = workspace.keychain;
  const hasCache = (profile: TenantProfile) => existsSync(cachePaths(workspace.home, profile.tenantId).database);

  async function summary(profile: TenantProfile): Promise<ResponseOf<'tenants.list'>[number]> {
    let state: PolicyState | null = null;
    if (hasCache(profile) && !lock.locked) {
      const cache = await workspace.cache(profile.name).catch(() => null);
      if (cache) state = await policyState(cache, profile);
    }
    return {
      name: profile.name,
      tenantId: profile.tenantId,
      region: endpointsOf(profile).region.id,
      demo: profile.demo,
      hasCache: hasCache(profile),
      lastSyncAt: state?.lastSyncAt?.toISOString() ?? null,
      lifecycle: state ? lifecycleData(state) : null,
      signedIn: await keychain.get(tokenAccount(profile.name)).then((token) => token !== null, () => null),
    };
  }

  async function openCache(tenant: string) {
    return workspace.cache(tenant);
  }

  return {
    'tenants.list': async () => Promise.all((await workspace.profiles()).map(summary)),
    'tenants.addDemo': async () => {
      if (!context.demo) throw new OutpostError('NOT_FOUND', 'The demo tenant is available when Outpost runs from its checkout (npm start).');
      return summary(await saveProfile(workspace.home, context.demo.profileInput(), { replace: true }));
    },
    'tenants.signIn': async ({ tenant, method }) => {
      if (method !== 'device-code') throw new OutpostError('BAD_REQUEST', 'From the window, sign in with a device code; `outpost login --browser` uses the system browser.');
      await syncs.signIn(await workspace.profile(tenant));
      const cache = await workspace.cache(tenant, 'if-missing');
      await recordAudit(cache, 'sign-in', tenant, { method });
      return { signedIn: true };
    },
    'tenants.signOut': async ({ tenant, wipe }) => {
      const profile = await workspace.profile(tenant);
      await syncs.stop(tenant);
      const cache = hasCache(profile) ? await workspace.cache(tenant, false, 'sync') : null;
      const outcome = await signOutTenant({ home: workspace.home, keychain, profile, cache, wipe });
      // A wiped cache was closed underneath the workspace: forget it.
      if (outcome.wiped) await workspace.close(tenant);
      return { wiped: outcome.wiped, policyRequiresWipe: outcome.policyRequiresWipe };
    },
    'sync.start': async ({ tenant, scope }) => {
      await workspace.profile(tenant);
      return { started: syncs.start(tenant, scope) };
    },
    'sync.cancel': ({ tenant }) => ({ cancelled: syncs.cancel(tenant) }),
    'sync.status': async ({ tenant }) => {
      const profile = await workspace.profile(tenant);
      const cache = hasCache(profile) ? await openCache(tenant) : null;
      const state = cache ? await policyState(cache, profile) : null;
      const status = cache ? await tenantCacheStatus(cache) : null;
      const policy = state?.policy ?? effectivePolicy(null, profile.policy);
      return {
        tenant,
        running: syncs.isRunning(tenant),
        progress: syncs.progress(tenant),
        scope: (status?.scope ?? null) as ResponseOf<'sync.status'>['scope'],
        lastSync: status?.lastSync ?? {},
        rowCounts: status?.rowCounts ?? Object.fromEntries(reportedTables.map((table) => [table, 0])),
        policy,
        lifecycle: state ? lifecycleData(state) : { state: 'open', reason: null, banner: null, daysLeft: null },
        lastError: syncs.lastError(tenant),
      };
    },
    'cache.wipe': async ({ tenant, confirm }) => {
      if (confirm !== tenant) throw new OutpostError('BAD_REQUEST', 'Type the tenant name to confirm the wipe; nothing was wiped.');
      const profile = await workspace.profile(tenant);
      syncs.cancel(tenant);
      await workspace.close(tenant);
      const receipt = await wipeTenant({ home: workspace.home, keychain: workspace.keychain, profile, reason: 'analyst' });
      return { tenantIdHash: receipt.tenantIdHash, at: receipt.at, reason: receipt.reason, bytesRemoved: receipt.bytesRemoved };
    },
    'audit.list': async ({ tenant, afterSeq, limit }) => {
      const rows = (await (await openCache(tenant)).query('auditLog', { afterSeq, limit })) as unknown as Array<{
        seq: number; at: string; actor: string | null; action: string; target: string | null; detail: string | null; hash: string;
      }>;
      return rows.map((row) => ({ ...row, detail: row.detail === null ? null : (JSON.parse(row.detail) as unknown) }));
    },
    'audit.verify': async ({ tenant }) => {
      const verdict = await verifyAudit(await openCache(tenant));
      return verdict.ok
        ? { ok: true, entries: verdict.entries, brokenAt: null, reason: null }
        : { ok: false, entries: verdict.entries, brokenAt: verdict.brokenAt, reason: verdict.reason };
    },
    'audit.export': async ({ tenant }) => {
      const cache = await openCache(tenant);
      await recordAudit(cache, 'export', 'audit-log', { format: 'jsonl' });
      return exportAuditJsonl(cache);
    },
    'session.lock': async () => {
      await lock.lock('locked by the analyst');
      return { locked: true };
    },
    'session.unlock': async () => {
      await lock.unlock();
      return { locked: false };
    },
    'session.activity': async ({ kind }) => ({ locked: await lock.activity(kind) }),
  };
}
