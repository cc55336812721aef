// Advanced hunting: the 30-day window, the 100,000-row cap, semantic errors, and the
// operators the sync client relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

const now = FIXED_NOW().getTime();
const iso = (ms: number) => new Date(ms).toISOString();

describe('advanced hunting on the demo tenant', () => {
  let emu: RunningEmulator;
  let client: EmulatorClient;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 4, now: FIXED_NOW, limits: RELAXED_LIMITS });
    client = new EmulatorClient(emu);
    token = await client.appToken();
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('never returns data older than 30 days, nor from the future', async () => {
    const all = await client.hunt(token, 'DeviceInfo | project Timestamp | order by Timestamp asc');
    const stamps = all.body.Results.map((r) => String(r.Timestamp));
    expect(stamps.length).toBeGreaterThan(0);
    expect(stamps[0]! >= iso(now - 30 * 86_400_000).replace('Z', '0000Z')).toBe(true);
    expect(stamps[stamps.length - 1]! <= iso(now).replace('Z', '0000Z')).toBe(true);
    const old = await client.hunt(token, `DeviceProcessEvents | where Timestamp < datetime(${iso(now - 31 * 86_400_000)})`);
    expect(old.status).toBe(200);
    expect(old.body.Results).toEqual([]);
    const generatedButExpired = await client.hunt(token, `DeviceInfo | where Timestamp < ago(30d) | take 1`);
    expect(generatedButExpired.body.Results).toEqual([]);
  });

  it('finds the story in the telemetry: WINWORD spawning PowerShell, beacons to the C2', async () => {
    const key = emu.answerKey();
    const spawn = await client.hunt(token, "DeviceProcessEvents | where InitiatingProcessFileName =~ 'winword.exe' and FileName == 'powershell.exe' | project DeviceId, ProcessId, ProcessCommandLine");
    const phishing = key.stories.find((s) => s.id === 'phishing')!;
    expect(spawn.body.Results).toHaveLength(1);
    expect(phishing.processes.some((p) => p.processId === spawn.body.Results[0]!.ProcessId && p.machineId === spawn.body.Results[0]!.DeviceId)).toBe(true);
    const beacons = await client.hunt(token, `DeviceNetworkEvents | where RemoteIP in ("${key.c2.primaryIp}", "${key.c2.secondaryIp}") | summarize count() by DeviceId`);
    const beaconing = key.stories.find((s) => s.id === 'beaconing')!;
    expect(new Set(beacons.body.Results.map((r) => r.DeviceId))).toEqual(new Set(beaconing.machineIds));
    const sha1 = key.stories.find((s) => s.id === 'malicious-file')!.sha1s[0]!;
    const files = await client.hunt(token, `DeviceProcessEvents | where SHA1 == "${sha1}" | summarize count() by DeviceName`);
    expect(files.body.Results.length).toBeGreaterThanOrEqual(3);
  });

  it('supports project, take 0, descending order and string operators', async () => {
    const desc = await client.hunt(token, 'DeviceLogonEvents | where ActionType == "LogonFailed" or LogonType startswith "Unl" | project Timestamp, ActionType, LogonType | order by Timestamp desc | take 20');
    expect(desc.body.Schema.map((c) => c.Name)).toEqual(['Timestamp', 'ActionType', 'LogonType']);
    const stamps = desc.body.Results.map((r) => String(r.Timestamp));
    expect(stamps).toEqual([...stamps].sort().reverse());
    expect(desc.body.Results.every((r) => r.ActionType === 'LogonFailed' || String(r.LogonType).startsWith('Unl'))).toBe(true);
    const none = await client.hunt(token, 'DeviceInfo | take 0');
    expect(none.body.Results).toEqual([]);
    expect(none.body.Schema.find((c) => c.Name === 'OSBuild')).toEqual({ Name: 'OSBuild', Type: 'Int64' });
  });

  it('answers unknown columns, tables and type mistakes with a 400 in the documented form', async () => {
    for (const [query, message] of [
      ['DeviceProcessEvents | where Colour == "red"', /Failed to resolve column or scalar expression named 'Colour'/],
      ['DeviceImageLoadEvents | take 1', /Failed to resolve table 'DeviceImageLoadEvents'/],
      ['DeviceProcessEvents | project FileName | where Timestamp > ago(1d)', /named 'Timestamp'/],
      ['DeviceNetworkEvents | where RemotePort > "many"', /Cannot compare a number/],
      ['DeviceProcessEvents | summarize count() by DeviceId | order by Timestamp', /named 'Timestamp'/],
    ] as const) {
      const answer = await client.hunt(token, query);
      expect(answer.status, query).toBe(400);
      const body = answer.body as unknown as { error: { code: string; message: string; target: string } };
      expect(body.error.code).toBe('BadRequest');
      expect(body.error.message).toMatch(message);
      expect(body.error.target).toMatch(/^[0-9a-f-]{36}$/);
    }
    const noQuery = await client.raw('/api/advancedqueries/run', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"query": 1}' });
    expect(noQuery.status).toBe(400);
    expect((noQuery.body as { error: { code: string } }).error.code).toBe('MissingRequiredParameter');
  });
});

describe('the 100,000-row cap', () => {
  let emu: RunningEmulator;
  let client: EmulatorClient;
  let token: string;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 4, scale: 600_000, now: FIXED_NOW, limits: RELAXED_LIMITS });
    client = new EmulatorClient(emu);
    token = await client.appToken();
  });
  afterAll(async () => {
    await client?.close();
    await emu?.close();
  });

  it('refuses a result over 100,000 rows with a 400 and serves exactly 100,000 with take', async () => {
    expect(emu.registration.rowCounts.DeviceNetworkEvents).toBeGreaterThan(100_000);
    const tooMany = await client.hunt(token, 'DeviceNetworkEvents | project ReportId');
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as unknown as { error: { message: string } }).error.message).toMatch(/exceeds the limit of 100,000 rows/);
    const capped = await client.hunt(token, 'DeviceNetworkEvents | order by Timestamp asc | project DeviceId, ReportId | take 100000');
    expect(capped.status).toBe(200);
    expect(capped.body.Results).toHaveLength(100_000);
    const sorted = await client.hunt(token, 'DeviceNetworkEvents | project RemotePort, ReportId | order by RemotePort asc, ReportId desc | take 10');
    expect(sorted.body.Results).toHaveLength(10);
  });
});
