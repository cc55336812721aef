import type { Keychain } from '../keychain';
import { DefenderApi, documentedLimiters, type CallLimiters, type DefenderApiOptions } from './defender-api';
import { HttpsClient } from './https-client';
import { endpointsOf, type TenantEndpoints, type TenantProfile } from './profiles';
import { TenantSignIn } from './sign-in';

export interface TenantConnection {
  profile: TenantProfile;
  endpoints: TenantEndpoints;
  http: HttpsClient;
  signIn: TenantSignIn;
  api(options?: Partial<Omit<DefenderApiOptions, 'baseUrl' | 'http' | 'accessToken'>>): DefenderApi;
  close(): void;
}

/*
 * The service counts an application's calls per tenant over a minute and an hour, across
 * syncs: a sync started 20 minutes after one that made 1,000 entity calls has 500 left. Each
 * sync built its own windows and knew none of that, so the tenant said 429 (and Outpost waited
 * its Retry-After) where the windows would have paced the calls. Kept per API host, tenant
 * and application for the life of the process; a new process starts with empty windows (the
 * 429 path covers what an earlier one spent).
 */
const tenantLimiters = new Map<string, CallLimiters>();

function limitersFor(profile: TenantProfile, endpoints: TenantEndpoints): CallLimiters {
  const key = `${endpoints.apiBase}|${profile.tenantId.toLowerCase()}|${profile.clientId}`;
  let limiters = tenantLimiters.get(key);
  if (!limiters) tenantLimiters.set(key, (limiters = documentedLimiters()));
  return limiters;
}

/**
 * Everything that talks to one tenant, built from its profile alone: the same path for a
 * real tenant, a private endpoint and the emulator (only hosts and the extra CA differ).
 */
export function connectTenant(profile: TenantProfile, keychain: Keychain): TenantConnection {
  const endpoints = endpointsOf(profile);
  const http = new HttpsClient(profile.caPem);
  const signIn = new TenantSignIn(profile, endpoints, http, keychain);
  return {
    profile,
    endpoints,
    http,
    signIn,
    api: (options = {}) => new DefenderApi({ limiters: limitersFor(profile, endpoints), ...options, baseUrl: endpoints.apiBase, http, accessToken: (force) => signIn.accessToken(force) }),
    close: () => http.close(),
  };
}
