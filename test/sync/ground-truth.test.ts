// A full sync through the real engine (HTTPS emulator, MSAL sign-in, API client, encrypted
// cache) ends with exactly the emulator's ground truth for the user and scope, per table:
// the same rows, counted and checksummed; and a second sync adds nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync, type SyncSummary } from '../../main/services/sync/runner';
import { emulatedTenant, recordingClock, type EmulatedTenant } from '../tenant/emulated-tenant';
import { cacheSums, recordingCache, syncWindow, testCache, truthSums, wholeMinute, type PlannedSlice, type Sums, type TestCache } from './helpers';

/**
 * 200,000 events on 40 machines by default; OUTPOST_SYNC_EVENTS=1000000 runs the medium
 * scale (1M events, 200 machines: several minutes, so not the default).
 */
const EVENTS = Number(process.env.OUTPOST_SYNC_EVENTS ?? 200_000);
const MACHINES = Math.min(2000, Math.max(20, Math.round(EVENTS / 5000)));
/**
 * At the default scale, slices of at most 1,500 rows (the real cap is 90,000), so machines are
 * packed several to a query and the busiest machines' windows are halved, as a bigger tenant's
 * would be. At 1M the real slice size is used (packing only: no machine has 90,000 rows).
 */
const SMALL_SLICES = EVENTS <= 200_000;
const SLICE_ROWS = SMALL_SLICES ? 1_500 : 90_000;
const at = wholeMinute(Date.now());

describe(`a full sync of ${EVENTS.toLocaleString('en-US')} events equals the ground truth`, () => {
  let tenant: EmulatedTenant;
  let store: TestCache;
  let first: SyncSummary;
  let truth: Sums;
  let plans: Map<string, { from: string; to: string; slices: PlannedSlice[] }>;

  beforeAll(async () => {
    tenant = await emulatedTenant('soc-admin', {
      seed: 5,
      scale: EVENTS,
      now: () => at,
      // Entity pages of 7 so machines and alerts page through nextLink/$skip.
      pageSize: 7,
      limits: { entityPerMinute: 100_000, entityPerHour: 1_000_000, huntingPerMinute: 100_000, huntingPerHour: 1_000_000 },
    });
    store = await testCache(tenant.emulator.registration.tenantId);
    const clock = recordingClock();
    const recorder = recordingCache(store.cache);
    plans = recorder.plans;
    first = await runSync({ connection: tenant.connection, cache: recorder.cache, now: () => at, sliceRows: SLICE_ROWS, api: { clock, backoffBaseMs: 1 } });
    truth = truthSums(tenant.emulator.groundTruth, 'soc-admin', syncWindow(at));
  }, SMALL_SLICES ? 240_000 : 1_800_000);

  afterAll(async () => {
    await store?.close();
    await tenant?.close();
  });

  it('has every table, with the same rows, counts and checksums, and no duplicate', { timeout: 600_000 }, () => {
    const cached = store.read(cacheSums);
    for (const [table, sum] of Object.entries(truth)) {
      expect(sum.keys, `${table}: ground truth has duplicate keys`).toBe(sum.rows);
      expect(cached[table], table).toEqual(sum);
    }
    const events = ['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events'].reduce((n, t) => n + truth[t]!.rows, 0);
    expect(events).toBeGreaterThan(EVENTS * 0.8);
    expect(truth.machines!.rows).toBe(MACHINES);
    expect(truth.alerts!.rows).toBeGreaterThan(0);
    expect(truth.evidence!.rows).toBeGreaterThan(0);
    expect(truth.logon_users!.rows).toBeGreaterThan(0);
    expect(first.rowsWritten).toBeGreaterThan(events);
    expect(first.machines).toBe(MACHINES);
  });

  it('cut the hunting tables into slices: machines packed together, busy machine windows halved', () => {
    const stored = store.read((db) => db.prepare(`SELECT stream, detail FROM sync_checkpoints WHERE stream LIKE 'hunt:%'`).all()) as Array<{ stream: string; detail: string | null }>;
    expect(stored).toHaveLength(6);
    // Each completed plan clears its detail: nothing left half-done.
    expect(stored.every((p) => JSON.parse(p.detail ?? 'null') === null)).toBe(true);
    expect(plans.size).toBe(6);
    const slices = [...plans.values()].flatMap((plan) => plan.slices.map((slice) => ({ ...slice, plan })));
    // Several machines share a query...
    expect(slices.some((slice) => slice.machineIds.length > 1)).toBe(true);
    expect(slices.every((slice) => slice.expectedRows <= SLICE_ROWS)).toBe(true);
    if (SMALL_SLICES) {
      // ...and a machine too busy for one query has its window halved.
      expect(slices.some((slice) => slice.from !== slice.plan.from || slice.to !== slice.plan.to)).toBe(true);
      expect(slices.length).toBeGreaterThan(60);
    } else expect(slices.length).toBeGreaterThan(6);
  });

  it('a second sync adds nothing and changes nothing', async () => {
    const before = store.read(cacheSums);
    const second = await runSync({ connection: tenant.connection, cache: store.cache, now: () => at, sliceRows: SLICE_ROWS, api: { clock: recordingClock(), backoffBaseMs: 1 } });
    const after = store.read(cacheSums);
    expect(after).toEqual(before);
    expect(after).toEqual(truth);
    // Hunting re-reads only the last hour before its cursor (late arrivals), and all of it is already there.
    expect(second.rowsWritten).toBeLessThan(first.rowsWritten / 10);
  }, 1_200_000);
});
