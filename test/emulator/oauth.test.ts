// Sign-in as Entra ID does it: authorization code with PKCE through the consent page,
// refresh tokens that rotate, client credentials, device-code errors, signed JWTs, and
// @azure/msal-node (the library the sync uses) talking to the emulator unchanged.
import { createHash, randomBytes } from 'node:crypto';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse, PublicClientApplication } from '@azure/msal-node';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

let emu: RunningEmulator;
let client: EmulatorClient;

beforeAll(async () => {
  emu = await startEmulator({ seed: 8, now: FIXED_NOW, limits: RELAXED_LIMITS, deviceCodeIntervalSeconds: 1 });
  client = new EmulatorClient(emu);
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

const b64url = (b: Buffer) => b.toString('base64url');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function authorizeUrl(verifier: string, redirectUri = 'http://localhost:53123/callback', method = 'S256'): string {
  const reg = emu.registration;
  const q = new URLSearchParams({
    client_id: reg.publicClientId, response_type: 'code', redirect_uri: redirectUri, scope: `${reg.scope} offline_access openid profile`,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: method, state: 'st-1', nonce: 'n-1',
  });
  return `/${reg.tenantId}/oauth2/v2.0/authorize?${q.toString()}`;
}

describe('authorization code with PKCE', () => {
  it('consents on the emulator page, redirects to the loopback with the code, and redeems it only with the verifier', async () => {
    const reg = emu.registration;
    const verifier = b64url(randomBytes(32));
    const page = await client.raw(authorizeUrl(verifier));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    const request = page.headers.get('x-outpost-consent-request')!;
    const consent = await client.form(`/${reg.tenantId}/oauth2/v2.0/authorize`, { request, user: 'analyst-eng', decision: 'approve' });
    expect(consent.status).toBe(302);
    const location = new URL(consent.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('http://localhost:53123/callback');
    expect(location.searchParams.get('state')).toBe('st-1');
    const code = location.searchParams.get('code')!;
    const redeem = (fields: Record<string, string>) => client.form(`/${reg.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code', client_id: reg.publicClientId, code, redirect_uri: 'http://localhost:53123/callback', ...fields,
    });
    const wrong = await redeem({ code_verifier: b64url(randomBytes(32)) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    const tokens = await redeem({ code_verifier: verifier });
    expect(tokens.status, tokens.text).toBe(200);
    const id = decodeJwt(String(tokens.body.id_token));
    expect(id).toMatchObject({ aud: reg.publicClientId, nonce: 'n-1', preferred_username: 'analyst-eng@fabrikam.onmicrosoft.com' });
    const again = await redeem({ code_verifier: verifier });
    expect(again.body.error).toBe('invalid_grant');
  });

  it('refuses non-loopback redirects without redirecting, and the plain PKCE method', async () => {
    const evil = await client.raw(authorizeUrl('v', 'https://evil.example/cb'));
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
    expect((evil.body as { error_codes: number[] }).error_codes).toEqual([50011]);
    const plain = await client.raw(authorizeUrl('v', 'http://127.0.0.1:40000', 'plain'));
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('a declined consent comes back as access_denied', async () => {
    const page = await client.raw(authorizeUrl('v'));
    const consent = await client.form(`/${emu.registration.tenantId}/oauth2/v2.0/authorize`, { request: page.headers.get('x-outpost-consent-request')!, user: 'soc-admin', decision: 'decline' });
    expect(new URL(consent.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });
});

describe('tokens', () => {
  it('are RS256 JWTs for the Defender API, verifiable with the published keys', async () => {
    const reg = emu.registration;
    const jwks = await client.raw(`/${reg.tenantId}/discovery/v2.0/keys`);
    const keys = createLocalJWKSet(jwks.body as Parameters<typeof createLocalJWKSet>[0]);
    const user = await client.signIn('analyst-finance');
    const { payload, protectedHeader } = await jwtVerify(user, keys, { audience: 'https://api.securitycenter.microsoft.com', issuer: `${emu.url}/${reg.tenantId}/v2.0` });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ tid: reg.tenantId, upn: 'analyst-finance@fabrikam.onmicrosoft.com', appid: reg.publicClientId });
    expect(String(payload.scp).split(' ')).toContain('AdvancedQuery.Read');
    expect(payload.exp! - payload.iat!).toBe(3600);
    const app = decodeJwt(await client.appToken());
    expect(app.roles).toContain('Machine.Read.All');
    expect(app.scp).toBeUndefined();
    expect(app.upn).toBeUndefined();
  });

  it('client credentials need the right secret and a /.default scope, and carry no refresh token', async () => {
    const reg = emu.registration;
    const base = { grant_type: 'client_credentials', client_id: reg.confidentialClientId, scope: reg.scope };
    const bad = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { ...base, client_secret: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    const scope = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { ...base, client_secret: reg.confidentialClientSecret, scope: 'https://api.securitycenter.microsoft.com/Machine.Read' });
    expect(scope.body.error).toBe('invalid_scope');
    const ok = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { ...base, client_secret: reg.confidentialClientSecret });
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeUndefined();
    const wrongTenant = await client.form('/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token', { ...base, client_secret: reg.confidentialClientSecret });
    expect(wrongTenant.body.error_codes).toEqual([90002]);
  });

  it('refresh tokens rotate: the old one is refused once used; a revoked one is refused', async () => {
    const reg = emu.registration;
    const code = await client.form(`/${reg.tenantId}/oauth2/v2.0/devicecode`, { client_id: reg.publicClientId, scope: `${reg.scope} offline_access` });
    emu.approve(String(code.body.user_code), 'soc-admin');
    const first = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: reg.publicClientId, device_code: String(code.body.device_code) });
    const refresh = (rt: unknown) => client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'refresh_token', client_id: reg.publicClientId, refresh_token: String(rt), scope: `${reg.scope} offline_access` });
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const reused = await refresh(first.body.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    expect(emu.revokeRefreshTokens('soc-admin')).toBeGreaterThan(0);
    const revoked = await refresh(third.body.refresh_token);
    expect(revoked.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });
});

describe('device code errors', () => {
  async function start(e: RunningEmulator, c: EmulatorClient) {
    const reg = e.registration;
    const code = await c.form(`/${reg.tenantId}/oauth2/v2.0/devicecode`, { client_id: reg.publicClientId, scope: reg.scope });
    const poll = () => c.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: reg.publicClientId, device_code: String(code.body.device_code) });
    return { code, poll };
  }

  it('declined, unknown and expired codes', async () => {
    const { code, poll } = await start(emu, client);
    emu.approve(String(code.body.user_code), 'analyst-eng', 'decline');
    expect((await poll()).body.error).toBe('authorization_declined');
    const reg = emu.registration;
    const unknown = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: reg.publicClientId, device_code: 'made-up' });
    expect(unknown.body.error).toBe('bad_verification_code');
    const confidential = await client.form(`/${reg.tenantId}/oauth2/v2.0/devicecode`, { client_id: reg.confidentialClientId, scope: reg.scope });
    expect(confidential.status).toBe(401);

    const short = await startEmulator({ seed: 8, now: FIXED_NOW, deviceCodeLifetimeSeconds: 1 });
    const shortClient = new EmulatorClient(short);
    try {
      const { poll: pollShort } = await start(short, shortClient);
      await sleep(1200);
      expect((await pollShort()).body.error).toBe('expired_token');
    } finally {
      await shortClient.close();
      await short.close();
    }
  });

  it('auto-approve signs every device code in as the named user', async () => {
    const auto = await startEmulator({ seed: 8, now: FIXED_NOW, autoApprove: 'analyst-finance' });
    const autoClient = new EmulatorClient(auto);
    try {
      const { poll } = await start(auto, autoClient);
      const tokens = await poll();
      expect(decodeJwt(String(tokens.body.access_token)).upn).toBe('analyst-finance@fabrikam.onmicrosoft.com');
      const verifier = 'v'.repeat(43);
      const redirect = await autoClient.raw(authorizeUrl(verifier).replace(emu.registration.tenantId, auto.registration.tenantId).replace(emu.registration.publicClientId, auto.registration.publicClientId));
      expect(redirect.status).toBe(302);
      expect(new URL(redirect.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    } finally {
      await autoClient.close();
      await auto.close();
    }
  });

  it('short-lived tokens expire and the API then answers 401', async () => {
    const brief = await startEmulator({ seed: 8, now: FIXED_NOW, tokenLifetimeSeconds: 1 });
    const briefClient = new EmulatorClient(brief);
    try {
      const token = await briefClient.appToken();
      expect((await briefClient.get(token, '/api/machines?$top=1')).status).toBe(200);
      await sleep(2100);
      const expired = await briefClient.get<{ error: { code: string; message: string } }>(token, '/api/machines?$top=1');
      expect(expired.status).toBe(401);
      expect(expired.body.error).toMatchObject({ code: 'Unauthorized', message: 'The access token has expired' });
    } finally {
      await briefClient.close();
      await brief.close();
    }
  });
});

describe('@azure/msal-node against the emulator', () => {
  function networkClient(agent: Agent): INetworkModule {
    const send = async <T>(url: string, method: string, options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> => {
      const res = await fetch(url, { method, headers: options?.headers, body: options?.body, dispatcher: agent });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { headers, body: (await res.json()) as T, status: res.status };
    };
    return {
      sendGetRequestAsync: (url, options) => send(url, 'GET', options),
      sendPostRequestAsync: (url, options) => send(url, 'POST', options),
    };
  }

  it('signs in with a device code, refreshes silently, and gets an app token', async () => {
    const reg = emu.registration;
    const host = new URL(emu.url).host;
    const common = { authority: reg.authority!, knownAuthorities: [host] };
    const system = { networkClient: networkClient(client.agent) };
    const pca = new PublicClientApplication({ auth: { clientId: reg.publicClientId, ...common }, system });
    const scopes = [reg.scope];
    const result = await pca.acquireTokenByDeviceCode({
      scopes,
      deviceCodeCallback: (r) => emu.approve(r.userCode, 'analyst-eng'),
    });
    expect(result).not.toBeNull();
    expect(result!.account?.username).toBe('analyst-eng@fabrikam.onmicrosoft.com');
    expect(decodeJwt(result!.accessToken).aud).toBe('https://api.securitycenter.microsoft.com');
    const machines = await client.get<{ value: { rbacGroupId: number }[] }>(result!.accessToken, '/api/machines');
    expect(new Set(machines.body.value.map((m) => m.rbacGroupId))).toEqual(new Set([102, 103]));

    const refreshed = await pca.acquireTokenSilent({ scopes, account: result!.account!, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result!.accessToken);
    expect(decodeJwt(refreshed.accessToken).upn).toBe('analyst-eng@fabrikam.onmicrosoft.com');

    // The system-browser flow: MSAL listens on a loopback port and opens the browser;
    // here the "browser" fetches the authorize URL and follows the redirect.
    const auto = await startEmulator({ seed: 8, now: FIXED_NOW, autoApprove: 'analyst-finance' });
    const autoAgent = new Agent({ connect: { ca: auto.caCertPem } });
    try {
      const autoReg = auto.registration;
      const interactive = new PublicClientApplication({
        auth: { clientId: autoReg.publicClientId, authority: autoReg.authority!, knownAuthorities: [new URL(auto.url).host] },
        system: { networkClient: networkClient(autoAgent) },
      });
      const signedIn = await interactive.acquireTokenInteractive({
        scopes,
        openBrowser: async (authorizeUrl) => {
          // MSAL asks for response_mode=form_post: the page posts the code to its loopback.
          const page = await (await fetch(authorizeUrl, { dispatcher: autoAgent, redirect: 'manual' })).text();
          const action = /action="([^"]+)"/.exec(page)![1]!;
          expect(action).toMatch(/^http:\/\/localhost:\d+\/?$/);
          const fields = Object.fromEntries([...page.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
          expect(Object.keys(fields)).toEqual(expect.arrayContaining(['code', 'state', 'client_info']));
          void fetch(action, { method: 'POST', body: new URLSearchParams(fields) }).then((r) => r.text());
        },
        successTemplate: 'Signed in.',
      });
      expect(signedIn.account?.username).toBe('analyst-finance@fabrikam.onmicrosoft.com');
      expect(decodeJwt(signedIn.accessToken).scp).toContain('Machine.Read');
    } finally {
      await autoAgent.close();
      await auto.close();
    }

    const cca = new ConfidentialClientApplication({ auth: { clientId: reg.confidentialClientId, clientSecret: reg.confidentialClientSecret, ...common }, system });
    const app = await cca.acquireTokenByClientCredential({ scopes });
    expect(decodeJwt(app!.accessToken).roles).toContain('AdvancedQuery.Read.All');
  });
});
