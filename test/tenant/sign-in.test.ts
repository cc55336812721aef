import http from 'node:http';
import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { memoryKeychain, osKeychain } from '../../main/services/keychain';
import { connectTenant } from '../../main/services/tenant/connect';
import { tokenAccount } from '../../main/services/tenant/sign-in';
import { profileFor } from './emulated-tenant';

const running: RunningEmulator[] = [];
async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<RunningEmulator> {
  const started = await startEmulator({ seed: 5, scale: 'small', deviceCodeIntervalSeconds: 1, ...options });
  running.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/**
 * The system browser, as a test: open the authorize URL (auto-approved), and submit the
 * page's form_post to MSAL's loopback listener, as a browser would.
 */
function browserFor(ca: string): (url: string) => Promise<void> {
  return async (url) => {
    const page = await new Promise<string>((resolve, reject) => {
      https.get(url, { ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const action = /action="([^"]+)"/.exec(page)?.[1] ?? '';
    expect(action).toMatch(/^http:\/\/(localhost|127\.0\.0\.1):\d+\/?$/);
    const fields = new URLSearchParams(Object.fromEntries([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!])));
    expect(fields.has('code')).toBe(true);
    const posted = http.request(action, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (res) => res.resume());
    posted.on('error', () => undefined);
    posted.end(fields.toString());
  };
}

describe('sign-in', () => {
  it('device code: the prompt names the code and URL; the refresh token goes to the keychain, the access token does not', async () => {
    const emu = await emulator({ autoApprove: 'analyst-finance' });
    const keychain = osKeychain();
    const profile = profileFor(emu, { name: `signin-${process.pid}` });
    const connection = connectTenant(profile, keychain);
    const prompts: string[] = [];
    try {
      await connection.signIn.signInWithDeviceCode((p) => prompts.push(`${p.userCode} ${p.verificationUri}`));
      expect(prompts[0]).toMatch(/^\S+ https:\/\/127\.0\.0\.1:\d+\//);
      const stored = JSON.parse((await keychain.get(tokenAccount(profile.name)))!) as { cache: string };
      const cache = JSON.parse(stored.cache) as Record<string, Record<string, unknown>>;
      expect(Object.keys(cache.RefreshToken ?? {})).toHaveLength(1);
      expect(cache.AccessToken).toEqual({});
      // A new process (a new connection) signs in silently from the keychain alone.
      const later = connectTenant(profile, keychain);
      expect((await later.signIn.accessToken(false)).split('.')).toHaveLength(3);
      later.close();
    } finally {
      await connection.signIn.signOut();
      connection.close();
    }
    expect(await keychain.get(tokenAccount(profile.name))).toBeNull();
  });

  it('device code declined or left to expire: clear codes, no token stored', async () => {
    const emu = await emulator({ deviceCodeLifetimeSeconds: 2 });
    const keychain = memoryKeychain();
    const connection = connectTenant(profileFor(emu), keychain);
    const declined = connection.signIn.signInWithDeviceCode((p) => emu.approve(p.userCode, 'auditor', 'decline'));
    await expect(declined).rejects.toMatchObject({ code: 'SIGN_IN_DECLINED' });
    const expired = connectTenant(profileFor(emu), keychain).signIn.signInWithDeviceCode(() => undefined);
    await expect(expired).rejects.toMatchObject({ code: 'SIGN_IN_EXPIRED' });
    expect(await keychain.get(tokenAccount('emulated'))).toBeNull();
    connection.close();
  });

  it('a revoked refresh token becomes SIGN_IN_REQUIRED, never a crash', async () => {
    const emu = await emulator({ autoApprove: 'soc-admin' });
    const connection = connectTenant(profileFor(emu), memoryKeychain());
    await connection.signIn.signInWithDeviceCode(() => undefined);
    expect(emu.revokeRefreshTokens()).toBeGreaterThan(0);
    await expect(connection.signIn.accessToken(true)).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    connection.close();
  });

  it('authorization code + PKCE through the browser and a loopback redirect', async () => {
    const emu = await emulator({ autoApprove: 'analyst-eng' });
    const connection = connectTenant(profileFor(emu), memoryKeychain());
    await connection.signIn.signInWithBrowser(browserFor(emu.caCertPem));
    expect(await connection.signIn.signedIn()).toBe('browser');
    const token = await connection.signIn.accessToken(false);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { scp?: string; upn?: string };
    expect(claims.scp).toBeTruthy();
    connection.close();
  });

  it('client credentials: the secret goes to the keychain and the token carries roles', async () => {
    const emu = await emulator();
    const keychain = memoryKeychain();
    const connection = connectTenant(profileFor(emu), keychain);
    await connection.signIn.signInWithClientCredentials(emu.registration.confidentialClientSecret);
    const claims = JSON.parse(Buffer.from((await connection.signIn.accessToken(false)).split('.')[1]!, 'base64url').toString()) as { roles?: string[] };
    expect(claims.roles?.length).toBeGreaterThan(0);
    await expect(connectTenant(profileFor(emu), memoryKeychain()).signIn.accessToken(false)).rejects.toMatchObject({ code: 'SIGN_IN_REQUIRED' });
    connection.close();
  });
});
