// Switchable faults, aimed at kinds of calls, and the tenant policy endpoint.
import { Agent, fetch } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POLICY_PATH, type RunningEmulator, parseFaultArgument, startEmulator } from '../../emulator/index';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

let emu: RunningEmulator;
let client: EmulatorClient;
let token: string;

beforeAll(async () => {
  emu = await startEmulator({ seed: 12, now: FIXED_NOW, limits: RELAXED_LIMITS });
  client = new EmulatorClient(emu);
  token = await client.appToken();
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});
afterEach(() => emu.faults.clear());

const entity = () => client.get(token, '/api/machines?$top=2');
const hunting = () => client.hunt(token, 'DeviceInfo | take 3');

describe('faults', () => {
  it('throttle: the next N hunting calls get 429 with Retry-After; entity calls are untouched', async () => {
    emu.faults.set('throttle', { target: 'hunting', count: 2, retryAfterSeconds: 7 });
    expect((await entity()).status).toBe(200);
    const first = await hunting();
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((first.body as unknown as { error: { code: string } }).error.code).toBe('TooManyRequests');
    expect((await hunting()).status).toBe(429);
    expect((await hunting()).status).toBe(200);
    expect(emu.faults.active()).toEqual([]);
  });

  it('server-error on every 3rd entity call, after letting some through', async () => {
    emu.faults.set('server-error', { target: 'entity', every: 3 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await entity()).status);
    expect(statuses).toEqual([200, 200, 500, 200, 200, 500]);
    emu.faults.set('server-error', { afterCalls: 2, count: 1 });
    expect([(await entity()).status, (await hunting()).status, (await entity()).status, (await entity()).status]).toEqual([200, 200, 500, 200]);
  });

  it('a fraction of calls fails, deterministically for the seed', async () => {
    emu.faults.set('server-error', { fraction: 0.5 });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await entity()).status);
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(2);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(2);
  });

  it('slow responses still arrive whole', async () => {
    emu.faults.set('slow', { delayMs: 150, count: 1 });
    const answer = await hunting();
    expect(answer.status).toBe(200);
    expect(emu.faults.firedCount('slow')).toBe(1);
  });

  it('cut-body drops the connection mid-stream', async () => {
    emu.faults.set('cut-body', { target: 'hunting', afterBytes: 200, count: 1 });
    const agent = new Agent({ connect: { ca: emu.caCertPem } });
    try {
      const res = await fetch(`${emu.url}/api/advancedqueries/run`, {
        method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ Query: 'DeviceProcessEvents | take 500' }),
      });
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    } finally {
      await agent.close();
    }
    expect((await hunting()).status).toBe(200);
  });

  it('malformed-json answers 200 with a body that does not parse', async () => {
    emu.faults.set('malformed-json', { target: 'entity', count: 1 });
    const answer = await entity();
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.text)).toThrow();
    expect(JSON.parse((await entity()).text)).toHaveProperty('value');
  });

  it('expired-token makes a valid token look expired', async () => {
    emu.faults.set('expired-token', { count: 1 });
    const answer = await entity();
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await entity()).status).toBe(200);
  });

  it('revoked-refresh-token refuses the next refresh', async () => {
    const reg = emu.registration;
    const code = await client.form(`/${reg.tenantId}/oauth2/v2.0/devicecode`, { client_id: reg.publicClientId, scope: `${reg.scope} offline_access` });
    emu.approve(String(code.body.user_code), 'analyst-finance');
    const tokens = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: reg.publicClientId, device_code: String(code.body.device_code) });
    emu.faults.set('revoked-refresh-token', { count: 1 });
    const refused = await client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'refresh_token', client_id: reg.publicClientId, refresh_token: String(tokens.body.refresh_token) });
    expect(refused.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('the token endpoint can be throttled or fail, for sign-in retries; API faults leave it alone', async () => {
    const reg = emu.registration;
    const ask = () => client.form(`/${reg.tenantId}/oauth2/v2.0/token`, { grant_type: 'client_credentials', client_id: reg.confidentialClientId, client_secret: reg.confidentialClientSecret, scope: reg.scope });
    emu.faults.set('server-error');
    expect((await ask()).status).toBe(200);
    emu.faults.set('throttle', { target: 'token', count: 1, retryAfterSeconds: 3 });
    const throttled = await ask();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('3');
    expect(throttled.body).toMatchObject({ error: 'temporarily_unavailable' });
    emu.faults.set('server-error', { target: 'all', count: 1 });
    expect((await ask()).body).toMatchObject({ error: 'server_error' });
    expect((await ask()).status).toBe(200);
  });

  it('license-lapsed: 403 on every API call, and the policy says expired', async () => {
    emu.faults.set('license-lapsed');
    for (const answer of [await entity(), await hunting(), await client.get(token, '/api/alerts')]) {
      expect(answer.status).toBe(403);
      expect((answer.body as unknown as { error: { code: string } }).error.code).toBe("Forbidden");
    }
    expect((await client.get(token, POLICY_PATH)).body).toMatchObject({ licenseState: 'expired' });
    emu.faults.clear('license-lapsed');
    expect((await entity()).status).toBe(200);
  });

  it('reads faults from the command line form', () => {
    expect(parseFaultArgument('throttle=5')).toEqual({ name: 'throttle', options: { count: 5 } });
    expect(parseFaultArgument('slow=1500,target=hunting')).toEqual({ name: 'slow', options: { delayMs: 1500, target: 'hunting' } });
    expect(parseFaultArgument('cut-body=2048,target=hunting,count=1,after=3')).toEqual({ name: 'cut-body', options: { afterBytes: 2048, target: 'hunting', count: 1, afterCalls: 3 } });
    expect(parseFaultArgument('server-error,every=3,fraction=0.5')).toEqual({ name: 'server-error', options: { every: 3, fraction: 0.5 } });
    expect(() => parseFaultArgument('gremlins')).toThrow(/unknown fault/);
    expect(() => parseFaultArgument('throttle,target=moon')).toThrow(/unknown target/);
  });
});

describe('tenant policy', () => {
  it(`GET ${POLICY_PATH} answers the policy, settable in-process and validated`, async () => {
    const answer = await client.get(token, POLICY_PATH);
    expect(answer.body).toEqual({ retentionDays: 180, licenseState: 'active', graceEndsAt: null, maxOfflineDays: 14, wipeOnSignOut: false, idleLockMinutes: 15 });
    emu.setPolicy({ retentionDays: 45, licenseState: 'grace', graceEndsAt: '2026-12-31T00:00:00Z', wipeOnSignOut: true });
    expect((await client.get(token, POLICY_PATH)).body).toMatchObject({ retentionDays: 45, licenseState: 'grace', graceEndsAt: '2026-12-31T00:00:00Z', wipeOnSignOut: true });
    expect(() => emu.setPolicy({ retentionDays: 200 })).toThrow(/30 to 180/);
    expect(() => emu.setPolicy({ licenseState: 'borrowed' as never })).toThrow(/licenseState/);
    const user = await client.signIn('auditor');
    expect((await client.get(user, POLICY_PATH)).status).toBe(200);
    expect((await client.raw(POLICY_PATH)).status).toBe(401);
  });
});
