// The sync asks a hunting table's next slice while it writes the current one (phases.ts):
// the service builds a whole answer before its first byte, and the writer would sit idle
// through that for every slice. Watched on the real HTTPS client: two answers open at once,
// never more, and the cache still exactly the tenant's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { RELAXED_LIMITS } from '../emulator/client';
import { memoryKeychain } from '../../main/services/keychain';
import { runSync } from '../../main/services/sync/runner';
import { connectTenant } from '../../main/services/tenant/connect';
import { profileFor, recordingClock } from '../tenant/emulated-tenant';
import { cacheSums, syncWindow, testCache, truthSums, wholeMinute } from './helpers';

const at = wholeMinute(Date.now());
const USER = 'soc-admin';
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 5, scale: 'small', now: () => at, autoApprove: USER, deviceCodeIntervalSeconds: 1,
    limits: RELAXED_LIMITS,
  });
});
afterAll(async () => {
  await emulator?.close();
});

it('the next hunting slice is asked while one is written: two answers open at most, the cache exact', async () => {
  const store = await testCache(emulator.registration.tenantId);
  const connection = connectTenant(profileFor(emulator), memoryKeychain());
  await connection.signIn.signInWithDeviceCode(() => undefined);
  let open = 0;
  let mostOpen = 0;
  let rowQueries = 0;
  const request = connection.http.request.bind(connection.http);
  connection.http.request = async (call) => {
    const rowsQuery = call.url.endsWith('/api/advancedqueries/run') && !String(call.body).includes('summarize');
    const answer = await request(call);
    if (rowsQuery) {
      rowQueries++;
      open++;
      mostOpen = Math.max(mostOpen, open);
      answer.body.once('close', () => open--);
    }
    return answer;
  };
  try {
    await runSync({ connection, cache: store.cache, now: () => at, sliceRows: 400, api: { clock: recordingClock() } });
    expect(rowQueries).toBeGreaterThan(10);
    expect(mostOpen).toBe(2);
    expect(open).toBe(0);
    expect(store.read(cacheSums)).toEqual(truthSums(emulator.groundTruth, USER, syncWindow(at)));
  } finally {
    connection.close();
    await store.close();
  }
});
