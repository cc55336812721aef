import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { OutpostError } from '../../../contract';
import { assertHostInRegion, clouds, geos, regionOf, type Region } from './clouds';

/**
 * A tenant profile: which tenant, in which cloud and geo, through which app registration,
 * optionally through custom hosts with an extra CA to trust. Profiles are configuration,
 * not evidence: they hold no secret (client secrets and tokens live in the keychain) and no
 * tenant data, so they are plain JSON under OUTPOST_HOME/tenants/.
 */
const hostName = z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/i, 'a host name, optionally with :port');

export const AdminPolicy = z
  .object({
    retentionDays: z.number().int().min(30).max(180).optional(),
    maxOfflineDays: z.number().int().min(1).max(365).optional(),
    wipeOnSignOut: z.boolean().optional(),
    idleLockMinutes: z.number().int().min(1).max(1440).optional(),
    lockOnBlur: z.boolean().optional(),
    wipeWhenOfflineTooLong: z.boolean().optional(),
  })
  .strict();
export type AdminPolicy = z.infer<typeof AdminPolicy>;

export const TenantProfile = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'letters, digits, dot, dash or underscore'),
    tenantId: z.string().min(1).max(128),
    cloud: z.enum(clouds),
    geo: z.enum(geos).nullable(),
    clientId: z.string().min(1).max(128),
    /** Overrides for a private endpoint (or the emulator); https only. */
    loginHost: hostName.optional(),
    apiHost: hostName.optional(),
    /** PEM of an extra CA to trust for this profile only. */
    caPem: z.string().optional(),
    /** The emulator-backed demo tenant. */
    demo: z.boolean().default(false),
    /** 'bundle': made by `outpost bundle import` on an air-gapped laptop; fed by bundles, never synced. */
    feed: z.enum(['sync', 'bundle']).optional(),
    /** The confidential client for client-credentials sign-in; its secret is in the keychain. */
    appClientId: z.string().optional(),
    /** Set by an administrator for tenants that publish no policy; the stricter value wins. */
    policy: AdminPolicy.default({}),
    createdAt: z.string(),
  })
  .strict();
export type TenantProfile = z.infer<typeof TenantProfile>;
export type TenantProfileInput = z.input<typeof TenantProfile>;

export interface TenantEndpoints {
  region: Region;
  authority: string;
  apiBase: string;
  apiScope: string;
}

export function endpointsOf(profile: TenantProfile): TenantEndpoints {
  const region = regionOf(profile.cloud, profile.geo);
  const loginHost = profile.loginHost ?? region.loginHost;
  const apiHost = profile.apiHost ?? region.apiHost;
  assertHostInRegion(region, 'login', loginHost);
  assertHostInRegion(region, 'api', apiHost);
  return {
    region,
    authority: `https://${loginHost}/${profile.tenantId}`,
    apiBase: `https://${apiHost}`,
    apiScope: region.apiScope,
  };
}

const folder = (home: string) => path.join(home, 'tenants');
const fileOf = (home: string, name: string) => path.join(folder(home), `${name.toLowerCase()}.json`);

export async function saveProfile(home: string, input: TenantProfileInput, options: { replace?: boolean } = {}): Promise<TenantProfile> {
  const parsed = TenantProfile.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OutpostError('BAD_REQUEST', `Invalid tenant profile${issue?.path.length ? ` (${issue.path.join('.')})` : ''}: ${issue?.message}`);
  }
  const profile = parsed.data;
  endpointsOf(profile); // refuses hosts of another region before anything is written
  const existing = await findProfile(home, profile.name);
  if (existing && !options.replace) throw new OutpostError('TENANT_EXISTS', `A tenant profile named ${profile.name} exists already.`);
  if (existing && regionOf(existing.cloud, existing.geo).id !== regionOf(profile.cloud, profile.geo).id) {
    throw new OutpostError('REGION_MISMATCH', `Tenant ${profile.name} is in region ${regionOf(existing.cloud, existing.geo).id}; a region change needs a new tenant profile and cache.`);
  }
  await mkdir(folder(home), { recursive: true, mode: 0o700 });
  const file = fileOf(home, profile.name);
  await writeFile(`${file}.tmp`, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return profile;
}

export async function findProfile(home: string, name: string): Promise<TenantProfile | null> {
  let text: string;
  try {
    text = await readFile(fileOf(home, name), 'utf8');
  } catch {
    return null;
  }
  return TenantProfile.parse(JSON.parse(text));
}

export async function getProfile(home: string, name: string): Promise<TenantProfile> {
  const profile = await findProfile(home, name);
  if (!profile) throw new OutpostError('TENANT_NOT_FOUND', `No tenant profile named ${name}. Add one with \`outpost tenant add\`.`);
  return profile;
}

export async function listProfiles(home: string): Promise<TenantProfile[]> {
  let names: string[];
  try {
    names = await readdir(folder(home));
  } catch {
    return [];
  }
  const profiles = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => findProfile(home, n.slice(0, -5))));
  return profiles.filter((p): p is TenantProfile => p !== null).sort((a, b) => a.name.localeCompare(b.name));
}
