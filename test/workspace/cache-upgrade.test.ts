import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/router/events';
import { cacheKeyAccount, cachePaths, rekeyTenantCache, type SchemaUpgrade } from '../../main/services/cache';
import { normalizeTime } from '../../main/services/cache/columns';
import { openEngine } from '../../main/services/cache/engine';
import { writeMeta } from '../../main/services/cache/meta';
import { migrate } from '../../main/services/cache/migrate';
import { exportSource } from '../../main/services/bundle/transfer';
import { memoryKeychain, type Keychain } from '../../main/services/keychain';
import { endpointsOf, saveProfile, type TenantProfile } from '../../main/services/tenant/profiles';
import { Workspace } from '../../main/services/workspace/workspace';
import { tempHome } from '../cache/helpers';

/*
 * A cache written by the Outpost before migration 0006 is upgraded at its first open, which
 * takes about 25 s a million events: the open says so before it waits (the renderer shows it,
 * the CLI prints it) and again when it is done.
 */

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What the Outpost before 0006 left: its key in the keychain, a version 5 file beside it, one event in it. */
async function olderCache(): Promise<{ home: string; keychain: Keychain; profile: TenantProfile; timestamp: string }> {
  const home = tempHome();
  cleanups.push(() => home.remove());
  const keychain = memoryKeychain();
  const profile: TenantProfile = { name: 'field', tenantId: `upgrade-${randomUUID()}`, cloud: 'commercial', geo: 'uk', clientId: 'c', demo: false, policy: {}, createdAt: new Date().toISOString() };
  await saveProfile(home.home, profile);
  const key = randomBytes(32);
  await keychain.set(cacheKeyAccount(profile.tenantId), key.toString('hex'));
  const paths = cachePaths(home.home, profile.tenantId);
  mkdirSync(paths.folder, { recursive: true, mode: 0o700 });
  const old = openEngine({ file: paths.database, tenantId: profile.tenantId, key: new Uint8Array(key), role: 'writer', mustExist: false });
  const timestamp = normalizeTime(new Date().toISOString());
  old.transaction(() => {
    migrate(old, profile.tenantId, 5);
    writeMeta(old, { tenantId: profile.tenantId, region: endpointsOf(profile).region.id, createdAt: timestamp, createdByVersion: '0.0.0' });
    old.prepare("INSERT INTO process_events (device_id, report_id, timestamp, file_name) VALUES ('dev-1', 7, ?, 'old.exe')").run(timestamp);
  }).immediate();
  old.close();
  return { home: home.home, keychain, profile, timestamp };
}

describe('a cache from an older Outpost', () => {
  it('is upgraded at its first open, announced before and after, and reads as before; the next open announces nothing', async () => {
    const { home, keychain, timestamp } = await olderCache();
    const events = new EventBus();
    const seen: unknown[] = [];
    events.subscribe((envelope) => envelope.event === 'cache.upgrading' && seen.push(envelope.payload));
    const workspace = new Workspace(home, keychain, events);
    cleanups.push(() => workspace.closeAll());

    const cache = await workspace.cache('field');
    // The announcement, how far it is as it goes (each percent once, rising), then done.
    expect(seen[0]).toEqual({ tenant: 'field', from: 5, to: 6, done: false });
    expect(seen.at(-1)).toEqual({ tenant: 'field', from: 5, to: 6, done: true, percent: 100 });
    const percents = seen.slice(1, -1).map((step) => (expect(step).toMatchObject({ tenant: 'field', from: 5, to: 6, done: false }), (step as { percent: number }).percent));
    expect(percents.length).toBeGreaterThan(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBe(percents.length);
    expect(percents.at(-1)).toBe(100);
    const { rows } = await cache.query('invTimeline', { deviceId: 'dev-1' });
    expect(rows).toMatchObject([{ device_id: 'dev-1', report_id: 7, timestamp, target: 'old.exe' }]);
    expect((await cache.info()).schemaVersion).toBe(6);

    await workspace.close('field');
    seen.length = 0;
    await workspace.cache('field');
    expect(seen).toEqual([]);
  });

  it('is announced when a bundle export is what opens it first', async () => {
    const { home, keychain } = await olderCache();
    const steps: SchemaUpgrade[] = [];
    const source = await exportSource({ home, keychain, tenant: 'field', onUpgrade: (step) => steps.push(step) });
    try {
      expect(steps[0]).toEqual({ from: 5, to: 6 });
      expect(steps.at(-1)).toEqual({ from: 5, to: 6, percent: 100 });
      const rows: unknown[] = [];
      for await (const row of source.rows) rows.push(row);
      expect(JSON.stringify(rows)).toContain('old.exe');
    } finally {
      await source.close();
    }
  });

  it('is announced when a rekey is what opens it first, and the rekeyed cache reads as before', async () => {
    const { home, keychain, profile, timestamp } = await olderCache();
    const steps: SchemaUpgrade[] = [];
    const keyBefore = await keychain.get(cacheKeyAccount(profile.tenantId));
    await rekeyTenantCache({ home, keychain, tenantId: profile.tenantId, onUpgrade: (step) => steps.push(step) });
    expect(steps[0]).toEqual({ from: 5, to: 6 });
    expect(steps.at(-1)).toEqual({ from: 5, to: 6, percent: 100 });
    expect(await keychain.get(cacheKeyAccount(profile.tenantId))).not.toBe(keyBefore);
    const workspace = new Workspace(home, keychain);
    cleanups.push(() => workspace.closeAll());
    const cache = await workspace.cache('field');
    expect((await cache.query('invTimeline', { deviceId: 'dev-1' })).rows).toMatchObject([{ report_id: 7, timestamp, target: 'old.exe' }]);
  });
});
