// Measures the emulator's memory while a client pages through every hunting row of a
// large tenant, a day and a table per query. The emulator runs in a child process (so
// the client's parsing is not counted) and reports its peak RSS. Run:
//   node --import tsx emulator/measure-memory.ts [events=1000000] [days=31] [tables=all, comma-separated]
// e.g. `... 10000000 3 DeviceNetworkEvents` samples the large tenant's busiest table.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { HUNTING_TABLES, type TenantRegistration, startEmulator } from './index';

const DAY_MS = 86_400_000;
const UNLIMITED = { entityPerMinute: 1e9, entityPerHour: 1e9, huntingPerMinute: 1e9, huntingPerHour: 1e9 };

async function serve(events: number, infoFile: string): Promise<void> {
  const emu = await startEmulator({ scale: events, limits: UNLIMITED });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  await writeFile(infoFile, JSON.stringify({ url: emu.url, ca: emu.caCertPem, registration: emu.registration, startRss: process.memoryUsage().rss }));
  process.once('SIGTERM', () => {
    clearInterval(timer);
    process.stdout.write(`${JSON.stringify({ peakRss: peak })}\n`);
    void emu.close().then(() => process.exit(0));
  });
}

async function measure(events: number, days: number, tables: readonly string[]): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'outpost-measure-'));
  const infoFile = path.join(dir, 'info.json');
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(events), infoFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  let info: { url: string; ca: string; registration: TenantRegistration; startRss: number } | undefined;
  while (!info) {
    await new Promise((r) => setTimeout(r, 200));
    info = await readFile(infoFile, 'utf8').then((t) => JSON.parse(t) as typeof info, () => undefined);
  }
  const { url, ca, registration: reg } = info;
  const agent = new Agent({ connect: { ca } });
  const tokenAnswer = await fetch(`${url}/${reg.tenantId}/oauth2/v2.0/token`, {
    method: 'POST', dispatcher: agent,
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: reg.confidentialClientId, client_secret: reg.confidentialClientSecret, scope: reg.scope }),
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const started = Date.now();
  const anchor = Date.parse(reg.anchor);
  let rows = 0;
  let calls = 0;
  let bytes = 0;
  for (const table of tables) {
    for (let day = days - 1; day >= 0; day--) {
      const from = new Date(anchor - day * DAY_MS).toISOString();
      const to = new Date(anchor - (day - 1) * DAY_MS).toISOString();
      const query = `${table} | where Timestamp >= datetime(${from}) and Timestamp < datetime(${to}) | order by Timestamp asc, ReportId asc | take 100000`;
      const res = await fetch(`${url}/api/advancedqueries/run`, {
        method: 'POST', dispatcher: agent, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ Query: query }),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${res.status}: ${text.slice(0, 300)}`);
      bytes += text.length;
      rows += (JSON.parse(text) as { Results: unknown[] }).Results.length;
      calls++;
    }
  }
  await agent.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const { peakRss } = JSON.parse(out.trim().split('\n').pop()!) as { peakRss: number };
  await rm(dir, { recursive: true, force: true });
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  process.stdout.write(
    `tenant: ${reg.totalEvents.toLocaleString('en-US')} events on ${reg.machineCount} machines\n` +
      `paged: ${rows.toLocaleString('en-US')} hunting rows (${mb(bytes)} of JSON) in ${calls} queries, ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
      `(the days before the anchor, newest first; rows older than 30 days from now are outside the hunting window)\n` +
      `emulator RSS: ${mb(info.startRss)} after start, peak ${mb(peakRss)}\n`,
  );
}

const [, , first, second, third] = process.argv;
if (first === '--serve') await serve(Number(second), third!);
else await measure(Number(first ?? 1_000_000), Number(second ?? 31), third ? third.split(',') : HUNTING_TABLES);
