// A first sync makes one entity call per machine for its logged-on users, and the entity limit
// lets 100 go a minute: the sync once waited out the limit (two minutes at a few hundred
// machines) before the hunting tables, which have a limit of their own, could start. Now the
// calls the limit lets go at once go first, the rest after the hunting tables (runner.ts).
// Seen on the real HTTPS client with the client's entity limit lowered so a small tenant
// meets it; the emulator's own limits are out of the way, the clock a recording one.
// And a machine's logged-on users are asked again only when it was seen since and the last
// ask is six hours old, the longest unasked first (phases.ts LOGON_USERS_REFRESH_MS).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { RELAXED_LIMITS } from '../emulator/client';
import { memoryKeychain } from '../../main/services/keychain';
import { LOGON_USERS_REFRESH_MS } from '../../main/services/sync/phases';
import { runSync } from '../../main/services/sync/runner';
import { connectTenant } from '../../main/services/tenant/connect';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, syncWindow, testCache, truthSums, wholeMinute } from './helpers';

const at = wholeMinute(Date.now());
const USER = 'soc-admin';
const ENTITY_PER_MINUTE = 12;
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 9, scale: 'small', now: () => at, autoApprove: USER, deviceCodeIntervalSeconds: 1,
    limits: RELAXED_LIMITS,
  });
});
afterAll(async () => {
  await emulator?.close();
});

it('fetches the logged-on users the entity limit lets go at once, and the rest after the hunting tables', async () => {
  const store = await testCache(emulator.registration.tenantId);
  const connection = connectTenant(profileFor(emulator), memoryKeychain());
  await connection.signIn.signInWithDeviceCode(() => undefined);
  const calls: Array<'entity' | 'logon' | 'hunt'> = [];
  const request = connection.http.request.bind(connection.http);
  connection.http.request = async (call) => {
    if (call.url.endsWith('/api/advancedqueries/run')) calls.push('hunt');
    else if (call.url.includes('/logonusers')) calls.push('logon');
    else if (call.url.includes('/api/')) calls.push('entity');
    return request(call);
  };
  const phases: string[] = [];
  const clock = recordingClock();
  try {
    await runSync({
      connection, cache: store.cache, now: () => at, api: { clock, limits: { entity: { perMinute: ENTITY_PER_MINUTE, perHour: 1500 } } },
      onProgress: (progress) => {
        const phase = `${progress.phase}${progress.phase === 'logon-users' && progress.detail ? ' (held back)' : ''}`;
        if (phases.at(-1) !== phase) phases.push(phase);
      },
    });
    const machines = calls.filter((call) => call === 'logon').length;
    expect(machines).toBeGreaterThan(ENTITY_PER_MINUTE);
    const firstHunt = calls.indexOf('hunt');
    const lastHunt = calls.lastIndexOf('hunt');
    const before = calls.slice(0, firstHunt);
    // Every call the minute allowed went before the first hunting query, none beyond it.
    expect(before.length).toBe(ENTITY_PER_MINUTE);
    expect(before.filter((call) => call === 'logon').length).toBeGreaterThan(0);
    expect(calls.slice(firstHunt, lastHunt + 1)).not.toContain('logon');
    expect(calls.slice(lastHunt + 1).filter((call) => call === 'logon').length).toBe(machines - before.filter((call) => call === 'logon').length);
    expect(phases).toEqual(['policy', 'machines', 'alerts', 'logon-users', 'hunting', 'logon-users (held back)', 'files', 'done']);
    // No limit was broken on the way: the held-back calls waited their minute.
    expect(clock.slept.some((ms) => ms > 50_000)).toBe(true);
    expect(store.read(cacheSums)).toEqual(truthSums(emulator.groundTruth, USER, syncWindow(at)));
  } finally {
    connection.close();
    await store.close();
  }
});

/** A signed-in connection and a new cache, with the machines whose logged-on users each sync asks for. */
async function watchedSyncs(options: { logonUsersPerSync?: number } = {}) {
  const store = await testCache(emulator.registration.tenantId);
  const connection = connectTenant(profileFor(emulator), memoryKeychain());
  await connection.signIn.signInWithDeviceCode(() => undefined);
  const asked: string[] = [];
  const request = connection.http.request.bind(connection.http);
  connection.http.request = async (call) => {
    const match = /\/api\/machines\/([^/]+)\/logonusers/.exec(call.url);
    if (match) asked.push(decodeURIComponent(match[1]!));
    return request(call);
  };
  return {
    store,
    asked,
    sync: () => runSync({ connection, cache: store.cache, now: () => at, ...options, api: { clock: recordingClock() } }),
    close: async () => {
      connection.close();
      await store.close();
    },
  };
}

it('asks a machine seen since for its logged-on users again only once the last ask is six hours old, the longest unasked first', async () => {
  const { store, asked, sync, close } = await watchedSyncs();
  try {
    await sync();
    const machines = [...asked];
    expect(machines.length).toBeGreaterThan(5);
    asked.length = 0;
    await sync();
    expect(asked).toEqual([]); // nobody seen since

    const ago = (ms: number) => new Date(at.getTime() - ms).toISOString();
    const seenSince = '2000-01-01T00:00:00.000Z'; // a cursor older than the machine's lastSeen
    const [recent, old, older, legacy, notSeen, never] = machines as [string, string, string, string, string, string];
    await store.cache.write({
      checkpoints: [
        { stream: `logon-users:${recent}`, cursor: seenSince, detail: { fetchedAt: ago(LOGON_USERS_REFRESH_MS - 60_000) } },
        { stream: `logon-users:${old}`, cursor: seenSince, detail: { fetchedAt: ago(LOGON_USERS_REFRESH_MS) } },
        { stream: `logon-users:${older}`, cursor: seenSince, detail: { fetchedAt: ago(2 * LOGON_USERS_REFRESH_MS) } },
        { stream: `logon-users:${legacy}`, cursor: seenSince, detail: null },
        { stream: `logon-users:${notSeen}`, cursor: '9999-01-01T00:00:00.000Z', detail: { fetchedAt: ago(10 * LOGON_USERS_REFRESH_MS) } },
        { stream: `logon-users:${never}`, cursor: null, detail: null },
      ],
    });
    await sync();
    expect(asked).toEqual([never, legacy, older, old]);
    expect(store.read(cacheSums)).toEqual(truthSums(emulator.groundTruth, USER, syncWindow(at)));
  } finally {
    await close();
  }
});

it('asks at most so many machines a sync (1,000 by default), and the next sync the ones left first', async () => {
  const { store, asked, sync, close } = await watchedSyncs({ logonUsersPerSync: 4 });
  try {
    await sync();
    const first = [...asked];
    expect(first).toHaveLength(4);
    // The machine page says which were asked, and when: the others' empty list is for want of asking.
    expect(await store.cache.query('invMachine', { id: first[0]! })).toMatchObject({ logonUsersAsked: { at: at.toISOString() } });
    const machineIds = store.read((db) => db.prepare('SELECT id FROM machines').pluck().all() as string[]);
    const notAsked = machineIds.find((id) => !first.includes(id))!;
    expect(await store.cache.query('invMachine', { id: notAsked })).toMatchObject({ logonUsersAsked: null });
    asked.length = 0;
    await sync();
    expect(asked).toHaveLength(4);
    expect(asked.filter((id) => first.includes(id))).toEqual([]);
    const users = store.read((db) => db.prepare('SELECT DISTINCT machine_id FROM logon_users').pluck().all() as string[]);
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((id) => [...first, ...asked].includes(id))).toBe(true);
  } finally {
    await close();
  }
});
