// The emulator speaks plain HTTP APIs: curl alone (no Outpost code) can sign in with a
// device code, page through machines, run a hunting query, and meet the documented
// 429 and 400 answers. Only the run's CA is trusted; nothing skips verification.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index';
import { FIXED_NOW } from './client';

const run = promisify(execFile);

interface CurlAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
}

let emu: RunningEmulator;
let dir: string;
let caFile: string;

async function curl(args: string[]): Promise<CurlAnswer> {
  const { stdout } = await run('curl', ['-sS', '-g', '--cacert', caFile, '-D', '-', ...args], { maxBuffer: 64 * 1024 * 1024 });
  const split = stdout.indexOf('\r\n\r\n');
  const head = stdout.slice(0, split).split('\r\n');
  const body = stdout.slice(split + 4);
  const status = Number(head[0]!.split(' ')[1]);
  const headers = Object.fromEntries(head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    // Not JSON (the verification page).
  }
  return { status, headers, body, json };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'outpost-emulator-'));
  caFile = path.join(dir, 'ca.pem');
  emu = await startEmulator({ seed: 7, caOut: caFile, now: FIXED_NOW, deviceCodeIntervalSeconds: 1, pageSize: 8, limits: { entityPerMinute: 40 } });
});

afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('curl against the emulator', () => {
  it('refuses a client that does not trust the run CA', async () => {
    await expect(run('curl', ['-sS', `${emu.url}/api/machines`])).rejects.toThrow();
  });

  it('signs in with a device code, pages machines, runs a hunting query, meets 400 and 429', async () => {
    const reg = emu.registration;
    const base = `${emu.url}/${reg.tenantId}/oauth2/v2.0`;
    const code = await curl(['-X', 'POST', '--data-urlencode', `client_id=${reg.publicClientId}`, '--data-urlencode', `scope=${reg.scope} offline_access openid profile`, `${base}/devicecode`]);
    expect(code.status).toBe(200);
    expect(code.json).toMatchObject({ interval: 1, expires_in: 900, verification_uri: `${emu.url}/devicelogin` });
    expect(String(code.json.message)).toContain(String(code.json.user_code));

    const poll = () => curl(['-X', 'POST', '--data-urlencode', 'grant_type=urn:ietf:params:oauth:grant-type:device_code', '--data-urlencode', `client_id=${reg.publicClientId}`, '--data-urlencode', `device_code=${String(code.json.device_code)}`, `${base}/token`]);
    const pending = await poll();
    expect(pending.status).toBe(400);
    expect(pending.json).toMatchObject({ error: 'authorization_pending', error_codes: [70016] });
    expect(String(pending.json.error_description)).toMatch(/^AADSTS70016: .*Trace ID: .*Correlation ID: /);
    const tooFast = await poll();
    expect(tooFast.json.error).toBe('slow_down');

    // Approve on the verification page, as a person would in a browser.
    const page = await curl([`${emu.url}/devicelogin`]);
    expect(page.body).toContain('name="user_code"');
    const approved = await curl(['-X', 'POST', '--data-urlencode', `user_code=${String(code.json.user_code)}`, '--data-urlencode', 'user=analyst-finance', '--data-urlencode', 'decision=approve', `${emu.url}/devicelogin`]);
    expect(approved.status).toBe(200);
    await sleep(1100);
    const token = await poll();
    expect(token.status).toBe(200);
    expect(token.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof token.json.refresh_token).toBe('string');
    const bearer = ['-H', `Authorization: Bearer ${String(token.json.access_token)}`];

    // Paged read: follow @odata.nextLink to the end.
    const machines: { id: string; rbacGroupName: string }[] = [];
    let next: string | undefined = `${emu.url}/api/machines`;
    let pages = 0;
    while (next) {
      const answer = await curl([...bearer, next]);
      expect(answer.status).toBe(200);
      expect(answer.json['@odata.context']).toBe(`${emu.url}/api/$metadata#Machines`);
      machines.push(...(answer.json.value as { id: string; rbacGroupName: string }[]));
      next = answer.json['@odata.nextLink'] as string | undefined;
      pages++;
    }
    const expected = emu.groundTruth.machines('analyst-finance', { from: '2000-01-01', to: '2100-01-01' });
    expect(machines.map((m) => m.id)).toEqual(expected.map((m) => m.id));
    expect(pages).toBe(Math.ceil(expected.length / 8));
    expect(new Set(machines.map((m) => m.rbacGroupName))).toEqual(new Set(['Finance']));

    const hunt = await curl([...bearer, '-X', 'POST', '-H', 'Content-Type: application/json', '--data', JSON.stringify({ Query: 'DeviceProcessEvents | where Timestamp > ago(7d) | summarize count() by DeviceId' }), `${emu.url}/api/advancedqueries/run`]);
    expect(hunt.status).toBe(200);
    expect(hunt.json.Schema).toEqual([{ Name: 'DeviceId', Type: 'String' }, { Name: 'count_', Type: 'Int64' }]);
    const rows = hunt.json.Results as { DeviceId: string; count_: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => machines.some((m) => m.id === r.DeviceId))).toBe(true);

    const bad = await curl([...bearer, `${emu.url}/api/machines?$filter=healthStatus%20eq%20Active`]);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.json)).toEqual(['error']);
    expect(bad.json.error).toMatchObject({ code: 'ODataError' });
    expect(Object.keys(bad.json.error as object).sort()).toEqual(['code', 'message', 'target']);
    expect((bad.json.error as { target: string }).target).toMatch(/^[0-9a-f-]{36}$/);

    // A burst past the (lowered) per-minute limit: 429 with Retry-After in seconds.
    const statuses: number[] = [];
    let throttled: CurlAnswer | undefined;
    for (let i = 0; i < 45 && !throttled; i++) {
      const a = await curl([...bearer, `${emu.url}/api/machines?$top=1`]);
      statuses.push(a.status);
      if (a.status === 429) throttled = a;
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled!.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled!.json.error).toMatchObject({ code: 'TooManyRequests' });
    expect(String((throttled!.json.error as { message: string }).message)).toMatch(/Maximum allowed is 40 per 1 minute/);
  });
});
