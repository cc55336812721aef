import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { createAppContext, type AppContext } from '../../main/app-context';
import { createHandlers } from '../../main/router/handlers';
import { createRouter } from '../../main/router/router';
import { cacheKeyAccount, cachePaths } from '../../main/services/cache';
import { saveProfile, type AdminPolicy } from '../../main/services/tenant/profiles';
import { clientSecretAccount, tokenAccount } from '../../main/services/tenant/sign-in';
import { tempHome, trackedKeychain } from '../cache/helpers';
import { profileFor } from './emulated-tenant';

/*
 * Sign-out from the window, through the router as the renderer calls it, on the real OS
 * keychain: a device-code sign-in against the emulator puts a real refresh token there first.
 */

const origin = { transport: 'test' } as const;
let emulator: RunningEmulator;
beforeAll(async () => {
  // A seed no other test uses: its tenant id names this file's cache key in the shared keychain.
  emulator = await startEmulator({ seed: 61, scale: 'small', autoApprove: 'soc-admin', deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await emulator?.close();
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A tenant signed in from the window, with a cache holding one process event. */
async function signedInTenant(policy: AdminPolicy = {}) {
  const home = tempHome();
  const keychain = trackedKeychain();
  cleanups.push(() => home.remove(), () => keychain.cleanup());
  const context: AppContext = createAppContext('browser', { env: { OUTPOST_HOME: home.home }, keychain });
  cleanups.push(() => context.workspace.closeAll());
  const name = `signout-${process.pid}`;
  const profile = await saveProfile(home.home, { ...profileFor(emulator, { name }), policy });
  const router = createRouter(createHandlers(context));
  const call = async (channel: string, request: unknown) => {
    const result = await router.dispatch(channel, request, origin);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value;
  };
  expect(await call('tenants.signIn', { tenant: name })).toEqual({ signedIn: true });
  await (await context.workspace.cache(name)).write({ processEvents: [{ Timestamp: new Date().toISOString(), DeviceId: 'd', ReportId: 1 }] });
  expect(await keychain.get(tokenAccount(name))).toContain('RefreshToken');
  // As `outpost login --client-credentials` leaves it for unattended syncs: a way in of its own.
  await keychain.set(clientSecretAccount(name), 'app-registration-secret');
  const listed = async () => ((await call('tenants.list', {})) as Array<{ name: string; signedIn: boolean | null; hasCache: boolean }>).find((t) => t.name === name)!;
  expect(await listed()).toMatchObject({ signedIn: true, hasCache: true });
  return { home: home.home, keychain, context, name, paths: cachePaths(home.home, profile.tenantId), keyAccount: cacheKeyAccount(profile.tenantId), call, listed };
}

describe('tenants.signOut', () => {
  it('forgets the refresh token and audits the sign-out; the cache stays readable offline', async () => {
    const tenant = await signedInTenant();
    expect(await tenant.call('tenants.signOut', { tenant: tenant.name, wipe: false })).toEqual({ wiped: false, policyRequiresWipe: false });
    expect(await tenant.keychain.get(tokenAccount(tenant.name))).toBeNull();
    expect(await tenant.keychain.get(clientSecretAccount(tenant.name))).toBeNull();
    expect(await tenant.listed()).toMatchObject({ signedIn: false, hasCache: true });
    const audit = (await tenant.call('audit.list', { tenant: tenant.name })) as Array<{ action: string; target: string; detail: unknown }>;
    expect(audit.at(-1)).toMatchObject({ action: 'sign-out', target: tenant.name, detail: { wipe: false } });
    expect((await (await tenant.context.workspace.cache(tenant.name)).info()).rowCounts.process_events).toBe(1);
  });

  it('with wipe, the cache key and files go too, and a sign-out receipt is kept', async () => {
    const tenant = await signedInTenant();
    expect(await tenant.call('tenants.signOut', { tenant: tenant.name, wipe: true })).toEqual({ wiped: true, policyRequiresWipe: false });
    expect(await tenant.keychain.get(tokenAccount(tenant.name))).toBeNull();
    expect(await tenant.keychain.get(clientSecretAccount(tenant.name))).toBeNull();
    expect(await tenant.keychain.get(tenant.keyAccount)).toBeNull();
    expect(existsSync(tenant.paths.folder)).toBe(false);
    expect(await tenant.listed()).toMatchObject({ signedIn: false, hasCache: false });
    const folder = path.join(tenant.home, 'receipts');
    const receipts = readdirSync(folder).filter((file) => file.startsWith('wipe-receipt'));
    expect(receipts.map((file) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { reason: string })).toMatchObject([{ reason: 'sign-out' }]);
  });

  it("a tenant whose policy wipes at sign-out is wiped even when the analyst did not ask", async () => {
    const tenant = await signedInTenant({ wipeOnSignOut: true });
    expect(await tenant.call('tenants.signOut', { tenant: tenant.name, wipe: false })).toEqual({ wiped: true, policyRequiresWipe: true });
    expect(existsSync(tenant.paths.folder)).toBe(false);
    expect(await tenant.keychain.get(tokenAccount(tenant.name))).toBeNull();
  });
});
