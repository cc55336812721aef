import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheKeyAccount, cachePaths, openTenantCache, type CacheBatch } from '../../main/services/cache';
import { openTenant } from '../../main/services/operations/open-tenant';
import { syncTenant } from '../../main/services/operations/sync-tenant';
import { policyState } from '../../main/services/policy/guard';
import type { TenantConnection } from '../../main/services/tenant/connect';
import { TenantProfile } from '../../main/services/tenant/profiles';
import { tempHome, trackedKeychain } from '../cache/helpers';
import { decryptedPages, pagesContain } from '../helpers/sqlcipher-pages';

const day = 86_400_000;
const now = new Date('2026-11-26T12:00:00.000Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * day).toISOString();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(policy: TenantProfile['policy'] = {}) {
  const home = tempHome();
  const keychain = trackedKeychain();
  cleanups.push(() => home.remove(), () => keychain.cleanup());
  const tenantId = `retention-${randomUUID()}`;
  const profile = TenantProfile.parse({ name: 'retention', tenantId, cloud: 'commercial', geo: 'eu', clientId: 'c', policy, createdAt: now.toISOString() });
  return { home: home.home, keychain, profile, tenantId };
}

function processRow(time: string, commandLine: string, reportId: number) {
  return { Timestamp: time, DeviceId: 'device-1', DeviceName: 'ws-01', ReportId: reportId, ActionType: 'ProcessCreated', FileName: 'powershell.exe', ProcessCommandLine: commandLine, SHA1: 'a'.repeat(40) };
}

async function seed(ctx: ReturnType<typeof setup>, batch: CacheBatch): Promise<void> {
  const cache = await openTenantCache({ home: ctx.home, tenantId: ctx.tenantId, region: 'commercial-eu', keychain: ctx.keychain, create: true });
  await cache.write(batch);
  await cache.close();
}

describe('retention purge', () => {
  it('removes rows older than retention at open, and no removed byte survives in the decrypted file, its free pages or the WAL', async () => {
    const ctx = setup({ retentionDays: 30 });
    const old = `MARKER-OLD-${randomUUID()}`;
    const kept = `MARKER-NEW-${randomUUID()}`;
    const oldRows = Array.from({ length: 400 }, (_, i) => processRow(daysAgo(45), `${old} -enc ${i}`, i + 1));
    const newRows = Array.from({ length: 50 }, (_, i) => processRow(daysAgo(3), `${kept} -enc ${i}`, 10_000 + i));
    await seed(ctx, {
      processEvents: [...oldRows, ...newRows],
      alerts: [{ id: 'old-alert', title: old, severity: 'High', status: 'New', alertCreationTime: daysAgo(50), lastUpdateTime: daysAgo(40), machineId: 'device-1', evidence: [] }],
      checkpoints: [{ stream: 'sync', cursor: daysAgo(1), detail: null }],
    });
    const { cache } = await openTenant({ home: ctx.home, keychain: ctx.keychain, profile: ctx.profile, now });
    const info = await cache.info();
    expect(info.rowCounts.process_events).toBe(50);
    expect(info.rowCounts.alerts).toBe(0);
    expect(await cache.query('search', { text: old.slice(0, 20) })).toEqual([]);
    const audit = (await cache.query('auditLog', { afterSeq: 0, limit: 10 })) as Array<{ action: string }>;
    expect(audit.map((entry) => entry.action)).toContain('purge');
    await cache.close();

    const key = (await ctx.keychain.get(cacheKeyAccount(ctx.tenantId)))!;
    const pages = decryptedPages(cachePaths(ctx.home, ctx.tenantId).database, key);
    expect(pagesContain(pages, kept)).toBe(true); // the decryption works
    expect(pagesContain(pages, old)).toBe(false);
    // The search index holds words, lower-cased (and prefix-compressed in its segments, so
    // this check is weaker there): the marker's last UUID group is one of them.
    expect(pagesContain(pages, old.split('-').at(-1)!)).toBe(false);
  });
});

describe('licence lifecycle and offline maximum, with an injected clock', () => {
  const seedPolicy = async (ctx: ReturnType<typeof setup>, policy: Record<string, unknown>, lastSync = daysAgo(1), clock?: string) =>
    seed(ctx, {
      processEvents: [processRow(daysAgo(2), 'kept', 1)],
      policy: { licenseState: String(policy.licenseState ?? 'active'), source: 'tenant', policy },
      checkpoints: [{ stream: 'sync', cursor: lastSync, detail: null }, ...(clock ? [{ stream: 'clock', cursor: clock, detail: null }] : [])],
    });
  const dummyConnection = (profile: TenantProfile) => ({ profile }) as unknown as TenantConnection;

  it('inside retention with an active licence: open, rows kept, sync allowed to start', async () => {
    const ctx = setup();
    await seedPolicy(ctx, { licenseState: 'active', retentionDays: 90 });
    const { cache, state } = await openTenant({ home: ctx.home, keychain: ctx.keychain, profile: ctx.profile, now });
    expect(state.lifecycle).toEqual({ state: 'open' });
    expect((await cache.info()).rowCounts.process_events).toBe(1);
    await cache.close();
  });

  it('grace and suspended: readable, but a sync is refused before any call', async () => {
    for (const policy of [{ licenseState: 'grace', graceEndsAt: new Date(now.getTime() + 5 * day).toISOString() }, { licenseState: 'suspended' }]) {
      const ctx = setup();
      await seedPolicy(ctx, policy);
      const { cache, state } = await openTenant({ home: ctx.home, keychain: ctx.keychain, profile: ctx.profile, now, purpose: 'sync' });
      expect(state.lifecycle.state).toBe('read-only');
      if (policy.licenseState === 'grace') expect(state.lifecycle).toMatchObject({ daysLeft: 5 });
      await expect(syncTenant({ home: ctx.home, keychain: ctx.keychain, connection: dummyConnection(ctx.profile), cache, now: () => now })).rejects.toMatchObject({ code: 'SYNC_DISABLED' });
      expect((await cache.info()).rowCounts.process_events).toBe(1);
      await cache.close();
    }
  });

  it('expired past grace: wiped at the next open, key first, files gone, receipt kept', async () => {
    const ctx = setup();
    await seedPolicy(ctx, { licenseState: 'expired', graceEndsAt: daysAgo(1) });
    await expect(openTenant({ home: ctx.home, keychain: ctx.keychain, profile: ctx.profile, now })).rejects.toMatchObject({ code: 'CACHE_NOT_FOUND' });
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).toBeNull();
    expect(existsSync(cachePaths(ctx.home, ctx.tenantId).folder)).toBe(false);
    expect(readdirSync(path.join(ctx.home, 'receipts')).some((name) => name.startsWith('wipe-receipt'))).toBe(true);
  });

  it('past the offline maximum: locked for reading until a sync, or wiped when the policy says so', async () => {
    const locked = setup({ maxOfflineDays: 14 });
    await seedPolicy(locked, {}, daysAgo(20));
    await expect(openTenant({ home: locked.home, keychain: locked.keychain, profile: locked.profile, now })).rejects.toMatchObject({ code: 'CACHE_LOCKED' });
    const forSync = await openTenant({ home: locked.home, keychain: locked.keychain, profile: locked.profile, now, purpose: 'sync' });
    expect(forSync.state.lifecycle.state).toBe('locked');
    await forSync.cache.close();

    const wiped = setup({ maxOfflineDays: 14, wipeWhenOfflineTooLong: true });
    await seedPolicy(wiped, {}, daysAgo(20));
    await expect(openTenant({ home: wiped.home, keychain: wiped.keychain, profile: wiped.profile, now })).rejects.toMatchObject({ code: 'CACHE_NOT_FOUND' });
    expect(existsSync(cachePaths(wiped.home, wiped.tenantId).database)).toBe(false);
  });

  it('a clock set back never extends grace or retention: the trusted clock from the tenant decides', async () => {
    const ctx = setup({ retentionDays: 30 });
    // The tenant vouched for "now"; grace ended yesterday; the laptop clock says two months ago.
    await seedPolicy(ctx, { licenseState: 'grace', graceEndsAt: daysAgo(1) }, daysAgo(1), now.toISOString());
    const setBack = new Date(now.getTime() - 60 * day);
    await expect(openTenant({ home: ctx.home, keychain: ctx.keychain, profile: ctx.profile, now: setBack })).rejects.toMatchObject({ code: 'CACHE_NOT_FOUND' });

    const retention = setup({ retentionDays: 30 });
    await seed(retention, {
      processEvents: [processRow(daysAgo(40), 'too old', 1), processRow(daysAgo(2), 'recent', 2)],
      checkpoints: [{ stream: 'sync', cursor: daysAgo(1), detail: null }, { stream: 'clock', cursor: now.toISOString(), detail: null }],
    });
    const { cache, state } = await openTenant({ home: retention.home, keychain: retention.keychain, profile: retention.profile, now: setBack });
    expect(state.now.toISOString()).toBe(now.toISOString());
    expect((await cache.info()).rowCounts.process_events).toBe(1);
    expect((await policyState(cache, retention.profile, setBack)).now.toISOString()).toBe(now.toISOString());
    await cache.close();
  });
});
