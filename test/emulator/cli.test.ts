// `outpost emulator`: one ready line, HTTPS with the CA written where asked, faults and
// policy from flags, a clean exit on SIGTERM; `--describe` prints the registration.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo';

const entry = path.join(repoRoot, 'test/emulator/cli-entry.ts');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'outpost-emulator-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function outpost(args: string[]): { child: ChildProcess; stdout: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    if (code !== 0) console.error(err);
    resolve(code);
  }));
  return { child, stdout: () => out, exit };
}

describe('outpost emulator', () => {
  it('--describe prints the registration as JSON and exits', async () => {
    const run = outpost(['emulator', '--describe', '--seed', '3']);
    expect(await run.exit).toBe(0);
    const reg = JSON.parse(run.stdout()) as { tenantId: string; users: { name: string }[]; rowCounts: Record<string, number>; confidentialClientSecret: string };
    expect(reg.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reg.users.map((u) => u.name)).toContain('soc-admin');
    expect(Object.keys(reg.rowCounts)).toHaveLength(6);
    expect(reg.confidentialClientSecret.length).toBeGreaterThan(20);
  });

  it('serves HTTPS until SIGTERM, with the CA, faults and policy from its flags', async () => {
    const caFile = path.join(dir, 'ca.pem');
    const run = outpost(['emulator', '--port', '0', '--seed', '3', '--scale', '20000', '--ca-out', caFile, '--auto-approve', 'soc-admin',
      '--fault', 'server-error=1,target=entity', '--policy', 'retentionDays=60,licenseState=grace', '--token-lifetime', '600']);
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /^Emulator ready: (https:\/\/127\.0\.0\.1:\d+)\n$/.exec(run.stdout());
        if (m) {
          clearInterval(timer);
          resolve(m[1]!);
        }
      }, 50);
      void run.exit.then((code) => reject(new Error(`exited early with ${String(code)}`)));
    });
    const agent = new Agent({ connect: { ca: await readFile(caFile, 'utf8') } });
    try {
      const describe = outpost(['emulator', '--describe', '--seed', '3', '--scale', '20000']);
      await describe.exit;
      const reg = JSON.parse(describe.stdout()) as { tenantId: string; confidentialClientId: string; confidentialClientSecret: string; scope: string };
      const token = await fetch(`${url}/${reg.tenantId}/oauth2/v2.0/token`, {
        method: 'POST', dispatcher: agent,
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: reg.confidentialClientId, client_secret: reg.confidentialClientSecret, scope: reg.scope }),
      });
      const body = (await token.json()) as { access_token: string; expires_in: number };
      expect(body.expires_in).toBe(600);
      const get = (p: string) => fetch(`${url}${p}`, { dispatcher: agent, headers: { authorization: `Bearer ${body.access_token}` } });
      expect((await get('/api/machines')).status).toBe(500);
      expect((await get('/api/machines')).status).toBe(200);
      expect(await (await get('/api/outpost/policy')).json()).toMatchObject({ retentionDays: 60, licenseState: 'grace' });
      await expect(fetch(url.replace('https:', 'http:'), { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
    } finally {
      await agent.close();
    }
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    expect(run.stdout().split('\n').filter(Boolean)).toHaveLength(1);
  });
});
