// The emulator's fault matrix against the real sync: every run ends either in an exact cache
// (equal to the ground truth) or in a clear OutpostError code with nothing partial committed
// (entity rows exact, each hunting table exactly its done slices); and after the fault
// clears, a resumed sync ends exact. Waits run on a recording clock, so no real time passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type FaultName, type FaultOptions, type RunningEmulator } from '../../emulator';
import { OutpostError } from '../../contract';
import { memoryKeychain } from '../../main/services/keychain';
import { runSync } from '../../main/services/sync/runner';
import { connectTenant, type TenantConnection } from '../../main/services/tenant/connect';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, expectNothingPartial, syncWindow, testCache, truthSums, wholeMinute, type Sums, type TestCache } from './helpers';

const at = wholeMinute(Date.now());
const USER = 'soc-admin';
/** Small slices, so a run stopped part-way leaves some hunting slices done and others not. */
const SLICE_ROWS = 400;

let emulator: RunningEmulator;
let truth: Sums;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 31, scale: 'small', now: () => at, autoApprove: USER, deviceCodeIntervalSeconds: 1, pageSize: 5,
    limits: { entityPerMinute: 100_000, entityPerHour: 1_000_000, huntingPerMinute: 100_000, huntingPerHour: 1_000_000 },
  });
  truth = truthSums(emulator.groundTruth, USER, syncWindow(at));
});
afterAll(async () => {
  await emulator?.close();
});

interface Run {
  store: TestCache;
  connection: TenantConnection;
  clock: ReturnType<typeof recordingClock>;
  error: OutpostError | null;
  retries: number;
  throttledMs: number;
}

async function signedIn(): Promise<TenantConnection> {
  const connection = connectTenant(profileFor(emulator), memoryKeychain());
  await connection.signIn.signInWithDeviceCode(() => undefined);
  return connection;
}

async function syncWith(store: TestCache, connection: TenantConnection): Promise<Omit<Run, 'store' | 'connection'>> {
  const clock = recordingClock();
  let retries = 0;
  let throttledMs = 0;
  try {
    await runSync({
      connection, cache: store.cache, now: () => at, sliceRows: SLICE_ROWS,
      api: { clock, backoffBaseMs: 1, onWait: (wait) => (wait.kind === 'retry' ? retries++ : wait.kind === 'throttle' ? (throttledMs += wait.ms) : 0) },
    });
    return { clock, error: null, retries, throttledMs };
  } catch (error) {
    if (!(error instanceof OutpostError)) throw error;
    return { clock, error, retries, throttledMs };
  }
}

/** A fresh cache and sign-in, one sync under `faults`, then the faults cleared. */
async function runUnder(faults: Array<[FaultName, FaultOptions]>, before?: (connection: TenantConnection) => Promise<void> | void): Promise<Run> {
  const store = await testCache(emulator.registration.tenantId);
  const connection = await signedIn();
  await before?.(connection);
  for (const [name, options] of faults) emulator.faults.set(name, options);
  try {
    return { store, connection, ...(await syncWith(store, connection)) };
  } finally {
    emulator.faults.clear();
  }
}

async function finish(run: Run): Promise<void> {
  run.connection.close();
  await run.store.close();
}

/** The fault was absorbed: the cache is exactly the tenant's. */
async function expectExact(run: Run): Promise<void> {
  try {
    expect(run.error, run.error?.message).toBeNull();
    expect(run.store.read(cacheSums)).toEqual(truth);
  } finally {
    await finish(run);
  }
}

/** The fault stopped the sync: a clear code, nothing partial; then, the fault gone, a resumed sync ends exact. */
async function expectCleanStop(run: Run, code: string, resume: 'same-sign-in' | 'sign-in-again' = 'same-sign-in'): Promise<{ partial: string[]; complete: string[] }> {
  try {
    expect(run.error?.code, run.error?.message).toBe(code);
    const state = run.store.read((db) => expectNothingPartial(db, emulator.groundTruth, USER, at));
    const connection = resume === 'same-sign-in' ? run.connection : await signedIn();
    const resumed = await syncWith(run.store, connection);
    if (connection !== run.connection) connection.close();
    expect(resumed.error, resumed.error?.message).toBeNull();
    expect(run.store.read(cacheSums)).toEqual(truth);
    return state;
  } finally {
    await finish(run);
  }
}

describe('faults the sync absorbs: the cache ends exact', () => {
  it('a 429 storm: 25 throttles in a row, Retry-After 7 s obeyed each time', async () => {
    const run = await runUnder([['throttle', { count: 25, retryAfterSeconds: 7 }]]);
    expect(run.throttledMs).toBe(25 * 7000);
    expect(run.clock.slept.filter((ms) => ms === 7000).length).toBeGreaterThanOrEqual(25);
    await expectExact(run);
  });

  it('500s on every third call (entity, hunting and policy)', async () => {
    const run = await runUnder([['server-error', { every: 3 }]]);
    expect(run.retries).toBeGreaterThan(10);
    await expectExact(run);
  });

  it('bodies cut off mid-stream on every other hunting answer and every third entity answer (streamed transactions roll back)', async () => {
    const run = await runUnder([['cut-body', { target: 'hunting', every: 2, afterBytes: 3000 }]]);
    expect(run.retries).toBeGreaterThan(10);
    await expectExact(run);
    const entity = await runUnder([['cut-body', { target: 'entity', every: 3, afterBytes: 700 }]]);
    expect(entity.retries).toBeGreaterThan(3);
    await expectExact(entity);
  });

  it('malformed JSON on every other call', async () => {
    const run = await runUnder([['malformed-json', { every: 2 }]]);
    expect(run.retries).toBeGreaterThan(10);
    await expectExact(run);
  });

  it('the access token expires mid-sync, several times: refreshed each time, the sync carries on', async () => {
    const run = await runUnder([['expired-token', { afterCalls: 12, every: 9, count: 4 }]]);
    expect(emulator.faults.firedCount('expired-token')).toBe(4);
    await expectExact(run);
  });

  it('one expiry late in the sync: 401, one refresh, the call repeated', async () => {
    const run = await runUnder([['expired-token', { afterCalls: 40, count: 1 }]]);
    await expectExact(run);
  });
});

describe('faults that stop the sync: a clear code, nothing partial, and a later sync ends exact', () => {
  it('a 429 storm that never ends: API_THROTTLED', async () => {
    const run = await runUnder([['throttle', { afterCalls: 30, retryAfterSeconds: 2 }]]);
    await expectCleanStop(run, 'API_THROTTLED');
  });

  it('a 429 storm on hunting only, from the middle of the hunting phase: API_THROTTLED with some slices done', async () => {
    const run = await runUnder([['throttle', { target: 'hunting', afterCalls: 15, retryAfterSeconds: 1 }]]);
    const state = await expectCleanStop(run, 'API_THROTTLED');
    expect(state.complete.length + state.partial.length).toBeGreaterThan(0);
  });

  it('500s that never end: API_ERROR naming the status, after the retries', async () => {
    const run = await runUnder([['server-error', { target: 'hunting', afterCalls: 20 }]]);
    expect(run.error?.message).toMatch(/500/);
    await expectCleanStop(run, 'API_ERROR');
  });

  it('every hunting answer cut off: NETWORK after the retries, the half-streamed slice rolled back', async () => {
    const run = await runUnder([['cut-body', { target: 'hunting', afterCalls: 25, afterBytes: 5000 }]]);
    const state = await expectCleanStop(run, 'NETWORK');
    expect(state.complete.length + state.partial.length).toBeGreaterThan(0);
  });

  it('malformed JSON that never ends: NETWORK', async () => {
    const run = await runUnder([['malformed-json', { afterCalls: 15 }]]);
    await expectCleanStop(run, 'NETWORK');
  });

  it('the refresh token is revoked mid-sync, then the access token expires: SIGN_IN_REQUIRED, never a crash', async () => {
    const run = await runUnder([['expired-token', { afterCalls: 30, count: 1 }]], () => {
      expect(emulator.revokeRefreshTokens(USER)).toBeGreaterThan(0);
    });
    await expectCleanStop(run, 'SIGN_IN_REQUIRED', 'sign-in-again');
  });

  it('the token endpoint refuses the refresh token (revoked-refresh-token fault): SIGN_IN_REQUIRED', async () => {
    const run = await runUnder([['expired-token', { afterCalls: 50, count: 1 }], ['revoked-refresh-token', {}]]);
    await expectCleanStop(run, 'SIGN_IN_REQUIRED', 'sign-in-again');
  });

  it('the licence lapses mid-sync (hunting refused with 403): LICENSE_LAPSED', async () => {
    // Aimed at hunting calls only, so the policy read at the start still says active.
    const run = await runUnder([['license-lapsed', { target: 'hunting', afterCalls: 12 }]]);
    const state = await expectCleanStop(run, 'LICENSE_LAPSED');
    expect(state.complete.length + state.partial.length).toBeGreaterThan(0);
  });

  it('the licence lapses while alerts page in: LICENSE_LAPSED, machines kept, no alert half-written', async () => {
    const run = await runUnder([['license-lapsed', { target: 'entity', afterCalls: 8 }]]);
    await expectCleanStop(run, 'LICENSE_LAPSED');
  });

  it('the licence has lapsed before the sync: SYNC_DISABLED, no tenant data written', async () => {
    const run = await runUnder([['license-lapsed', { target: 'all' }]]);
    try {
      expect(run.error?.code).toBe('SYNC_DISABLED');
      const rows = run.store.read(cacheSums);
      for (const [table, sum] of Object.entries(rows)) expect(sum.rows, table).toBe(0);
    } finally {
      await finish(run);
    }
  });
});
