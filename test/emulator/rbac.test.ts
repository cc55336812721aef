// A delegated user sees only the machines of their device groups, and only those
// machines' alerts and hunting rows, through every endpoint; the app sees everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../emulator/index';
import { EmulatorClient, FIXED_NOW, RELAXED_LIMITS } from './client';

let emu: RunningEmulator;
let client: EmulatorClient;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  emu = await startEmulator({ seed: 11, now: FIXED_NOW, limits: RELAXED_LIMITS });
  client = new EmulatorClient(emu);
  for (const user of ['analyst-finance', 'analyst-eng', 'auditor', 'soc-admin']) tokens[user] = await client.signIn(user);
  tokens.app = await client.appToken();
});
afterAll(async () => {
  await client?.close();
  await emu?.close();
});

const everything = { from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' };

/** Every machine id, alert id and hunting DeviceId a token can reach, endpoint by endpoint. */
async function reach(token: string) {
  const key = emu.answerKey();
  const implant = key.stories.find((s) => s.id === 'malicious-file')!.sha1s[0]!;
  const machineIds = new Set<string>();
  const alertIds = new Set<string>();
  const huntingDevices = new Set<string>();
  const alertMachine = new Map<string, string>();
  const addAlerts = (value: { id: string; machineId: string }[]) => value.forEach((a) => { alertIds.add(a.id); alertMachine.set(a.id, a.machineId); });

  for (const m of await client.all<{ id: string }>(token, '/api/machines')) machineIds.add(m.id);
  addAlerts(await client.all(token, '/api/alerts?$expand=evidence'));
  for (const path of [`/api/files/${implant}/machines`, `/api/domains/${key.c2.primaryDomain}/machines`]) {
    for (const m of await client.all<{ id: string }>(token, path)) machineIds.add(m.id);
  }
  for (const path of [`/api/files/${implant}/alerts`, `/api/ips/${key.c2.primaryIp}/alerts`, `/api/domains/${key.c2.primaryDomain}/alerts`]) {
    addAlerts(await client.all(token, path));
  }
  // Direct reads of every machine and alert in the tenant, one by one.
  const app = emu.groundTruth;
  for (const m of app.machines('app', everything)) {
    const answer = await client.get(token, `/api/machines/${m.id}`);
    if (answer.status === 200) machineIds.add(m.id);
    else expect(answer.status).toBe(404);
    const alerts = await client.get<{ value: { id: string; machineId: string }[] }>(token, `/api/machines/${m.id}/alerts`);
    if (alerts.status === 200) addAlerts(alerts.body.value);
    const logons = await client.get(token, `/api/machines/${m.id}/logonusers`);
    if (logons.status === 200) machineIds.add(m.id);
  }
  for (const a of app.alerts('app', everything)) {
    const answer = await client.get<{ id: string; machineId: string }>(token, `/api/alerts/${a.id}`);
    if (answer.status === 200) addAlerts([answer.body]);
    else expect(answer.status).toBe(404);
  }
  const everyId = app.machines('app', everything).map((m) => `"${m.id}"`).join(', ');
  for (const query of [
    'DeviceInfo | project DeviceId',
    `DeviceNetworkEvents | where RemoteIP == "${key.c2.primaryIp}" | project DeviceId`,
    `DeviceProcessEvents | where DeviceId in (${everyId}) | summarize count() by DeviceId`,
    'DeviceLogonEvents | summarize count() by DeviceId, DeviceName',
    'DeviceFileEvents | order by Timestamp desc | take 5000 | project DeviceId',
  ]) {
    const answer = await client.hunt(token, query);
    expect(answer.status, answer.text).toBe(200);
    for (const row of answer.body.Results) huntingDevices.add(String(row.DeviceId));
  }
  return { machineIds, alertIds, huntingDevices, alertMachine };
}

describe('RBAC by device group', () => {
  it('a Finance analyst never receives a machine, alert or hunting row outside Finance', async () => {
    const finance = new Set(emu.groundTruth.machines('app', { ...everything, groupIds: [101] }).map((m) => m.id));
    expect(finance.size).toBeGreaterThan(1);
    const seen = await reach(tokens['analyst-finance']!);
    expect([...seen.machineIds].filter((id) => !finance.has(id))).toEqual([]);
    expect([...seen.alertMachine.values()].filter((id) => !finance.has(id))).toEqual([]);
    expect([...seen.huntingDevices].filter((id) => !finance.has(id))).toEqual([]);
    // ...and does see what is theirs, including the Finance side of the attack.
    expect(seen.machineIds).toEqual(finance);
    expect(seen.huntingDevices).toEqual(finance);
    const phishing = emu.answerKey().stories.find((s) => s.id === 'phishing')!;
    for (const id of phishing.alertIds) expect(seen.alertIds.has(id)).toBe(true);
  });

  it('an analyst of Engineering and Servers sees exactly those groups, including the lateral movement', async () => {
    const theirs = new Set(emu.groundTruth.machines('app', { ...everything, groupIds: [102, 103] }).map((m) => m.id));
    const seen = await reach(tokens['analyst-eng']!);
    expect(seen.machineIds).toEqual(theirs);
    expect(seen.huntingDevices).toEqual(theirs);
    expect([...seen.alertMachine.values()].every((id) => theirs.has(id))).toBe(true);
    const lateral = emu.answerKey().stories.find((s) => s.id === 'lateral-movement')!;
    for (const id of lateral.alertIds) expect(seen.alertIds.has(id)).toBe(true);
  });

  it('a user with no device groups sees nothing; the admin and the app see everything', async () => {
    const none = await reach(tokens.auditor!);
    expect(none.machineIds.size + none.alertIds.size + none.huntingDevices.size).toBe(0);
    const all = new Set(emu.groundTruth.machines('app', everything).map((m) => m.id));
    for (const who of ['soc-admin', 'app']) {
      const seen = await reach(tokens[who]!);
      expect(seen.machineIds).toEqual(all);
      expect(seen.alertIds.size).toBe(emu.registration.alertCount);
    }
  });
});
