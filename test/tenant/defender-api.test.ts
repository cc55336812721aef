import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator';
import { memoryKeychain } from '../../main/services/keychain';
import { connectTenant } from '../../main/services/tenant/connect';
import type { ApiWait } from '../../main/services/tenant/defender-api';
import { emulatedTenant, profileFor, recordingClock, type EmulatedTenant } from './emulated-tenant';

const countRows = {
  consume: async (batches: AsyncIterable<Array<Record<string, unknown>>>) => {
    let rows = 0;
    for await (const batch of batches) rows += batch.length;
    return rows;
  },
  discard: async () => undefined,
};

describe('Defender API client against the emulator', () => {
  let tenant: EmulatedTenant;
  beforeAll(async () => {
    tenant = await emulatedTenant('soc-admin', { pageSize: 7 });
  });
  afterAll(() => tenant.close());

  const api = (waits: ApiWait[] = []) =>
    tenant.connection.api({ clock: recordingClock(), backoffBaseMs: 1, onWait: (wait) => waits.push(wait) });

  it('pages a collection with $top/$skip and nextLink, and gets every machine once', async () => {
    const ids: string[] = [];
    for await (const page of api().pages<{ id: string }>('/api/machines', {}, 5)) ids.push(...page.map((m) => m.id));
    expect(ids.length).toBe(tenant.emulator.registration.machineCount);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('streams a hunting answer', async () => {
    const rows = await api().hunt('DeviceProcessEvents | take 250', countRows);
    expect(rows).toBe(250);
  });

  it('obeys Retry-After on 429 and then succeeds', async () => {
    tenant.emulator.faults.set('throttle', { count: 2, retryAfterSeconds: 7, target: 'entity' });
    const waits: ApiWait[] = [];
    const machine = await api(waits).getJson<{ value: unknown[] }>('/api/machines?$top=1');
    expect(machine.value.length).toBe(1);
    expect(waits.filter((w) => w.kind === 'throttle').map((w) => w.ms)).toEqual([7000, 7000]);
  });

  it('retries 500s, cut bodies and malformed JSON with backoff', async () => {
    for (const fault of ['server-error', 'cut-body', 'malformed-json'] as const) {
      tenant.emulator.faults.clear();
      tenant.emulator.faults.set(fault, { count: 2, target: 'hunting', afterBytes: 200 });
      const waits: ApiWait[] = [];
      const rows = await api(waits).hunt('DeviceNetworkEvents | take 400', countRows);
      expect(rows, fault).toBe(400);
      expect(waits.filter((w) => w.kind === 'retry').length, fault).toBe(2);
    }
    tenant.emulator.faults.clear();
  });

  it('gives up after its retries with a clear error', async () => {
    tenant.emulator.faults.set('server-error', { target: 'entity' });
    await expect(tenant.connection.api({ clock: recordingClock(), retries: 2, backoffBaseMs: 1 }).getJson('/api/machines')).rejects.toMatchObject({ code: 'API_ERROR' });
    tenant.emulator.faults.clear();
  });

  it('refreshes the token once on 401, then carries on', async () => {
    tenant.emulator.faults.set('expired-token', { count: 1 });
    const page = await api().getJson<{ value: unknown[] }>('/api/machines?$top=2');
    expect(page.value.length).toBe(2);
    tenant.emulator.faults.clear();
  });

  it("surfaces the error body's code and message on a bad filter", async () => {
    const failure = api().getJson("/api/machines?$filter=riskScore eq 'High' and (");
    await expect(failure).rejects.toMatchObject({ code: 'API_ERROR', message: expect.stringMatching(/400 \((InvalidInput|ODataError|BadRequest)/) });
  });

  it('reports a lapsed licence as LICENSE_LAPSED', async () => {
    tenant.emulator.faults.set('license-lapsed');
    await expect(api().getJson('/api/machines')).rejects.toMatchObject({ code: 'LICENSE_LAPSED' });
    tenant.emulator.faults.clear();
  });
});

describe('HTTPS to a tenant', () => {
  it('refuses a server whose certificate it does not trust (no CA in the profile)', async () => {
    const emulator = await startEmulator({ seed: 3, scale: 'small' });
    const untrusting = connectTenant({ ...profileFor(emulator), caPem: undefined }, memoryKeychain());
    try {
      await expect(untrusting.http.request({ method: 'GET', url: `${emulator.url}/api/machines` })).rejects.toMatchObject({ code: 'CERTIFICATE_UNTRUSTED' });
    } finally {
      untrusting.close();
      await emulator.close();
    }
  });

  it('refuses plain HTTP', async () => {
    const connection = connectTenant(profileFor(await startEmulator({ seed: 3, scale: 'small' }).then(async (e) => (await e.close(), e))), memoryKeychain());
    await expect(connection.http.request({ method: 'GET', url: 'http://127.0.0.1:9/api/machines' })).rejects.toMatchObject({ code: 'INSECURE_ENDPOINT' });
    connection.close();
  });
});

describe("the tenant's call windows", () => {
  it("are kept across a process's syncs of the same tenant and application, not shared with another", async () => {
    const tenant = await emulatedTenant('soc-admin', { seed: 17 });
    try {
      // A sync builds its API client from its own connection; the service counts across them.
      const first = tenant.connection.api();
      for (let i = 0; i < 3; i++) await first.getJson('/api/machines?$top=1');
      const next = connectTenant(profileFor(tenant.emulator), tenant.keychain);
      expect(next.api().callsFreeNow('entity')).toBe(97);
      expect(next.api().callsFreeNow('hunting')).toBe(45);
      next.close();
      const otherApp = connectTenant(profileFor(tenant.emulator, { clientId: 'another-app' }), tenant.keychain);
      expect(otherApp.api().callsFreeNow('entity')).toBe(100);
      otherApp.close();
      // A test's own clock or limits get windows of their own.
      expect(tenant.connection.api({ clock: recordingClock() }).callsFreeNow('entity')).toBe(100);
    } finally {
      await tenant.close();
    }
  });
});
