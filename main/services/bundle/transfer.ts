import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { OutpostError } from '../../../contract';
import { actor, auditEntry, recordAudit } from '../audit/audit';
import { cacheKeyAccount, cachePaths, openTenantCache, type CacheClient, type SchemaUpgrade } from '../cache';
import { normalizeTime } from '../cache/columns';
import { bundleTables, type BundleFilter } from '../cache/queries-bundle';
import type { Keychain } from '../keychain';
import { openTenant } from '../operations/open-tenant';
import { assertReadable, policyState, purgeExpired, type PolicyState } from '../policy/guard';
import { machineInScope, SyncScope, type SyncScopeInput } from '../sync/scope';
import { endpointsOf, findProfile, getProfile, listProfiles, saveProfile, type TenantProfile } from '../tenant/profiles';
import { clouds, geos } from '../tenant/clouds';
import { exportRows, mergeBundle } from './cache-rows';
import type { BundleHeaderInput, BundleRow, TenantPolicy } from './format';
import type { OpenedBundle } from './open';

type UpgradeNotice = (upgrade: SchemaUpgrade) => void;

const dayMs = 86_400_000;

/** The scope flags of `bundle export`, as in `sync`. */
export interface ExportScopeFlags {
  groups?: string[];
  machines?: string[];
  days?: number;
  severity?: string[];
  status?: string[];
}

export interface ExportSource {
  profile: TenantProfile;
  header: BundleHeaderInput;
  rows: AsyncIterable<BundleRow>;
  /** Records the export in the tenant's audit log (after the bundle is sealed) and closes the cache. */
  finish(sealed: { bundleId: string; counts: Record<string, number>; signerFingerprint: string; file: string; sealedFor: 'recipient' | 'passphrase' }): Promise<void>;
  close(): Promise<void>;
}

/** The policy as it travels: what the exporting workstation enforces now (the tenant's, made stricter by its administrator). */
function bundlePolicy(state: PolicyState): TenantPolicy {
  const grace = state.policy.graceEndsAt ? Date.parse(state.policy.graceEndsAt) : Number.NaN;
  return {
    retentionDays: state.policy.retentionDays,
    licenseState: state.policy.licenseState,
    graceEndsAt: Number.isNaN(grace) ? null : new Date(grace).toISOString(),
    maxOfflineDays: state.policy.maxOfflineDays,
    idleLockMinutes: state.policy.idleLockMinutes,
    wipeOnSignOut: state.policy.wipeOnSignOut,
  };
}

/**
 * Opens a tenant's cache under its policy (purged, refused when locked or wiped) and lays
 * out what goes into its bundle: the header, and its rows streamed page by page. With no
 * scope flag the whole cache goes, under the scope it was synced with.
 */
export async function exportSource(options: { home: string; keychain: Keychain; tenant: string; flags?: ExportScopeFlags; now?: Date; onUpgrade?: UpgradeNotice }): Promise<ExportSource> {
  const profile = await getProfile(options.home, options.tenant);
  const { cache, state } = await openTenant({ home: options.home, keychain: options.keychain, profile, now: options.now, onUpgrade: options.onUpgrade });
  try {
    assertReadable(state);
    const flags = options.flags ?? {};
    const scoped = Boolean(flags.groups?.length || flags.machines?.length || flags.days || flags.severity?.length || flags.status?.length);
    const stored = (await cache.query('scope')) as { scope: unknown } | null;
    let scope: SyncScope;
    const filter: BundleFilter = {};
    if (scoped) {
      const parsed = SyncScope.safeParse({
        groups: flags.groups ?? [],
        machines: flags.machines ?? [],
        days: flags.days ?? 30,
        severities: (flags.severity ?? []) as SyncScopeInput['severities'],
        statuses: (flags.status ?? []) as SyncScopeInput['statuses'],
      } satisfies SyncScopeInput);
      if (!parsed.success) throw new OutpostError('BAD_REQUEST', `The export scope is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
      scope = parsed.data;
      if (scope.groups.length > 0 || scope.machines.length > 0) {
        const machines = await cache.query('bundleMachineScope');
        filter.deviceIds = machines.filter((machine) => machineInScope(scope, machine)).map((machine) => machine.id);
      }
      if (flags.days) filter.since = normalizeTime(new Date(state.now.getTime() - scope.days * dayMs).toISOString());
      filter.severities = scope.severities;
      filter.statuses = scope.statuses;
    } else {
      const parsed = SyncScope.safeParse(stored?.scope ?? {});
      scope = parsed.success ? parsed.data : SyncScope.parse({});
    }
    const region = endpointsOf(profile).region.id;
    const header: BundleHeaderInput = {
      tenantId: profile.tenantId,
      region,
      scope,
      policy: bundlePolicy(state),
      createdAt: state.now,
      origin: { name: profile.name, cloud: profile.cloud, geo: profile.geo, clientId: profile.clientId },
      lastSyncAt: state.lastSyncAt?.toISOString() ?? null,
    };
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await cache.close();
    };
    return {
      profile,
      header,
      rows: exportRows(cache, filter),
      async finish(sealed) {
        try {
          await recordAudit(cache, 'export', profile.name, {
            bundleId: sealed.bundleId,
            signer: sealed.signerFingerprint,
            counts: sealed.counts,
            sealedFor: sealed.sealedFor,
            scope: scoped ? scope : null,
          });
        } finally {
          await close();
        }
      },
      close,
    };
  } catch (error) {
    await cache.close().catch(() => undefined);
    throw error;
  }
}

export interface ImportResult {
  tenant: string;
  tenantId: string;
  created: boolean;
  bundleId: string;
  signer: string;
  /** Rows in the bundle, per table. */
  counts: Record<string, number>;
  /** Rows the cache gained or changed, per cache table. */
  changed: Record<string, number>;
  /** Entities skipped because the cache held the same or a newer version. */
  unchanged: number;
}

export interface ImportTarget {
  /** Checked against the signed envelope before anything is decrypted. */
  expect: { tenantId?: string; region?: string };
  /** `onUpgrade`: the target cache, written by an older Outpost, is upgraded as it opens. */
  merge(bundle: OpenedBundle, hooks?: { onProgress?(rows: number): void; onAppended?(rows: number): void | Promise<void>; onUpgrade?: UpgradeNotice }): Promise<ImportResult>;
}

/** Cloud and geo from a region id ("commercial-us", "gcc-high", ...), for a profile made from a bundle. */
function cloudAndGeo(region: string, origin: OpenedBundle['header']['origin']): { cloud: TenantProfile['cloud']; geo: TenantProfile['geo'] } {
  if (origin && (clouds as readonly string[]).includes(origin.cloud) && (origin.geo === null || (geos as readonly string[]).includes(origin.geo))) {
    return { cloud: origin.cloud as TenantProfile['cloud'], geo: origin.geo as TenantProfile['geo'] };
  }
  const cloud = clouds.find((c) => region === c || region.startsWith(`${c}-`));
  if (!cloud) throw new OutpostError('BUNDLE_INVALID', `The bundle names a region (${region}) this version of Outpost does not know.`);
  const geo = region.length > cloud.length ? region.slice(cloud.length + 1) : null;
  if (geo !== null && !(geos as readonly string[]).includes(geo)) throw new OutpostError('BUNDLE_INVALID', `The bundle names a region (${region}) this version of Outpost does not know.`);
  return { cloud, geo: geo as TenantProfile['geo'] };
}

async function freeName(home: string, wanted: string, tenantId: string): Promise<string> {
  const existing = await findProfile(home, wanted);
  if (!existing || existing.tenantId.toLowerCase() === tenantId.toLowerCase()) return wanted;
  return `${wanted}-${tenantId.replace(/[^a-z0-9]/gi, '').slice(0, 8).toLowerCase()}`;
}

const dataTables = ['machines', 'machine_ip_addresses', 'machine_tags', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files', 'device_info',
  'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses', 'domains', 'urls'];

/**
 * Where a bundle goes on this laptop: the named tenant (`--tenant`), or the profile with the
 * bundle's tenant id, or a new profile made from the bundle's header (name, cloud, geo),
 * marked as fed by bundles. A profile or cache of that tenant in another region refuses it.
 */
export async function importTarget(options: { home: string; keychain: Keychain; tenant?: string; now?: () => Date }): Promise<ImportTarget> {
  const { home, keychain } = options;
  const named = options.tenant ? await getProfile(home, options.tenant) : null;
  return {
    expect: named ? { tenantId: named.tenantId, region: endpointsOf(named).region.id } : {},
    async merge(bundle, hooks = {}) {
      const header = bundle.header;
      const profile = named ?? (await listProfiles(home)).find((p) => p.tenantId.trim().toLowerCase() === header.tenantId.trim().toLowerCase()) ?? null;
      if (profile && endpointsOf(profile).region.id !== header.region) {
        throw new OutpostError('REGION_MISMATCH', `The bundle holds data from region ${header.region}, but tenant ${profile.name} on this laptop is in region ${endpointsOf(profile).region.id}. Nothing was imported.`);
      }
      let cache: CacheClient;
      let created = false;
      if (profile) {
        cache = (await openTenant({ home, keychain, profile, create: 'if-missing', now: options.now?.(), onUpgrade: hooks.onUpgrade })).cache;
      } else {
        cloudAndGeo(header.region, header.origin); // refuses an unknown region before anything is created
        created = !existsSync(cachePaths(home, header.tenantId).database);
        cache = await openTenantCache({ home, tenantId: header.tenantId, region: header.region, keychain, create: 'if-missing', onUpgrade: hooks.onUpgrade });
      }
      let committed = false;
      try {
        const before = (await cache.info()).rowCounts;
        const fresh = bundleTables.length > 0 && dataTables.every((table) => (before[table] ?? 0) === 0);
        // The profile's name is chosen now: the audit entry naming it commits with the merge.
        const name = profile?.name ?? (await freeName(home, header.origin?.name ?? `tenant-${header.tenantId.slice(0, 8)}`, header.tenantId));
        const merged = await mergeBundle({
          cache,
          bundle,
          fresh,
          onProgress: hooks.onProgress,
          onAppended: hooks.onAppended,
          audit: (result) => auditEntry('import', name, {
            bundleId: header.bundleId,
            signer: bundle.signerFingerprint,
            counts: header.counts,
            createdAt: header.createdAt,
            newest: result.newest,
            unchanged: result.entitiesKept,
            by: actor(),
          }),
        });
        committed = true;

        let target = profile;
        if (!target) {
          const { cloud, geo } = cloudAndGeo(header.region, header.origin);
          target = await saveProfile(home, {
            name,
            tenantId: header.tenantId,
            cloud,
            geo,
            clientId: header.origin?.clientId ?? 'bundle-import',
            feed: 'bundle',
            createdAt: new Date().toISOString(),
          });
        }
        // The bundle's policy now applies here: purge what its retention no longer allows.
        const state = await policyState(cache, target, options.now?.());
        await purgeExpired(cache, state);
        const after = (await cache.info()).rowCounts;
        const changed: Record<string, number> = {};
        for (const table of dataTables) {
          const delta = (after[table] ?? 0) - (before[table] ?? 0);
          if (delta !== 0) changed[table] = delta;
        }
        for (const [table, count] of Object.entries(merged.entitiesWritten)) {
          const name = { machines: 'machines', alerts: 'alerts', logonUsers: 'logon_users', files: 'files' }[table] ?? table;
          changed[name] = Math.max(changed[name] ?? 0, count);
        }
        return {
          tenant: target.name,
          tenantId: header.tenantId,
          created,
          bundleId: header.bundleId,
          signer: bundle.signerFingerprint,
          counts: header.counts,
          changed,
          unchanged: merged.entitiesKept,
        };
      } catch (error) {
        if (created && !committed) {
          // Nothing of this tenant was here before: leave nothing behind, not even an empty cache.
          await cache.close().catch(() => undefined);
          await rm(cachePaths(home, header.tenantId).folder, { recursive: true, force: true });
          await keychain.delete(cacheKeyAccount(header.tenantId)).catch(() => false);
        }
        throw error;
      } finally {
        await cache.close().catch(() => undefined);
      }
    },
  };
}
