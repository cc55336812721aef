import type { Keychain } from '../keychain';
import { DefenderApi, type DefenderApiOptions } from './defender-api';
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
    api: (options = {}) => new DefenderApi({ ...options, baseUrl: endpoints.apiBase, http, accessToken: (force) => signIn.accessToken(force) }),
    close: () => http.close(),
  };
}
