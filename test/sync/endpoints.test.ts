// The sync's endpoints: a profile pointed at a host of another region is refused, and a tenant
// whose certificate is not trusted is refused, before anything reaches the cache. The unit
// proofs live in test/tenant (regions.test.ts: hosts per region and profile saving;
// defender-api.test.ts: the HTTPS client refusing an untrusted certificate); these add the
// same refusals on the sync's own path (connect, open the cache, runSync).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { memoryKeychain } from '../../main/services/keychain';
import { openTenant } from '../../main/services/operations/open-tenant';
import { runSync } from '../../main/services/sync/runner';
import { OutpostError } from '../../contract';
import { connectTenant, type TenantConnection } from '../../main/services/tenant/connect';
import { DefenderApi } from '../../main/services/tenant/defender-api';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, testCache } from './helpers';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: 51, scale: 'small', autoApprove: 'soc-admin', deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await emulator?.close();
});

describe('the sync refuses endpoints it must not talk to', () => {
  it('a profile whose API host belongs to another region cannot even connect (REGION_MISMATCH)', () => {
    const keychain = memoryKeychain();
    expect(() => connectTenant(profileFor(emulator, { geo: 'eu', apiHost: 'us.api.security.microsoft.com', caPem: undefined }), keychain)).toThrow(expect.objectContaining({ code: 'REGION_MISMATCH' }));
    expect(() => connectTenant(profileFor(emulator, { cloud: 'gcc-high', geo: null, loginHost: 'login.microsoftonline.com', apiHost: 'api-gov.securitycenter.microsoft.us' }), keychain))
      .toThrow(expect.objectContaining({ code: 'REGION_MISMATCH' }));
  });

  it("a cache made for one region is not synced under a profile of another: the region is fixed at the cache's creation", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-region-'));
    const keychain = memoryKeychain();
    try {
      const us = profileFor(emulator);
      const { cache } = await openTenant({ home, keychain, profile: us, create: 'if-missing', purpose: 'sync' });
      await cache.close();
      // The same tenant, now said to be in the EU (its hosts the emulator's private ones, so only the region differs).
      const eu = profileFor(emulator, { geo: 'eu' });
      await expect(openTenant({ home, keychain, profile: eu, create: 'if-missing', purpose: 'sync' })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('a tenant whose certificate is not trusted (no CA in the profile): sign-in refused, the sync refused with CERTIFICATE_UNTRUSTED, nothing written', async () => {
    const keychain = memoryKeychain();
    const untrusting = connectTenant(profileFor(emulator, { caPem: undefined }), keychain);
    const trusting = connectTenant(profileFor(emulator), memoryKeychain());
    const store = await testCache(emulator.registration.tenantId);
    try {
      await expect(untrusting.signIn.signInWithDeviceCode(() => undefined)).rejects.toBeInstanceOf(OutpostError);
      expect(await keychain.list?.()).toEqual([]);
      // Even holding a valid access token, the sync will not talk to an API host it cannot verify.
      await trusting.signIn.signInWithDeviceCode(() => undefined);
      const connection: TenantConnection = {
        ...untrusting,
        api: (options = {}) => new DefenderApi({ ...options, baseUrl: untrusting.endpoints.apiBase, http: untrusting.http, accessToken: (force) => trusting.signIn.accessToken(force) }),
      };
      await expect(runSync({ connection, cache: store.cache, api: { clock: recordingClock(), backoffBaseMs: 1 } })).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
      for (const [table, sum] of Object.entries(store.read(cacheSums))) expect(sum.rows, table).toBe(0);
    } finally {
      untrusting.close();
      trusting.close();
      await store.close();
    }
  });

  it('a profile trusting another server\'s CA is refused too', async () => {
    const other = await startEmulator({ seed: 52, scale: 'small' });
    const connection = connectTenant(profileFor(emulator, { caPem: other.caCertPem }), memoryKeychain());
    try {
      await expect(connection.http.request({ method: 'GET', url: `${emulator.url}/api/machines` })).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
      await expect(connection.signIn.signInWithDeviceCode(() => undefined)).rejects.toBeInstanceOf(OutpostError);
    } finally {
      connection.close();
      await other.close();
    }
  });

  // Known bug (main/services/tenant/sign-in.ts, signInError): MSAL wraps the TLS refusal, and the
  // mapping turns it into SIGN_IN_REQUIRED "try again" (or NETWORK), hiding the cause from the
  // analyst. Marked as failing so it flips, and is noticed, once the sign-in names the certificate.
  it('sign-in against an untrusted certificate says CERTIFICATE_UNTRUSTED', async () => {
    const connection = connectTenant(profileFor(emulator, { caPem: undefined }), memoryKeychain());
    try {
      await expect(connection.signIn.signInWithDeviceCode(() => undefined)).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
    } finally {
      connection.close();
    }
  });
});
