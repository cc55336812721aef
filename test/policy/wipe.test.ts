import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, openSync, readdirSync, readFileSync, writeSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutpostError } from '../../contract';
import { cacheKeyAccount, cachePaths, openTenantCache } from '../../main/services/cache';
import type { Keychain } from '../../main/services/keychain';
import { sweepOrphanKeys, wipeTenantCache, type WipeReceipt } from '../../main/services/policy/wipe';
import { tempHome, trackedKeychain } from '../cache/helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function filledCache() {
  const home = tempHome();
  const keychain = trackedKeychain();
  cleanups.push(() => home.remove(), () => keychain.cleanup());
  const tenantId = `wipe-${randomUUID()}`;
  const cache = await openTenantCache({ home: home.home, tenantId, region: 'commercial-us', keychain, create: true });
  await cache.write({ processEvents: Array.from({ length: 200 }, (_, i) => ({ Timestamp: '2026-11-20T00:00:00Z', DeviceId: 'd', ReportId: i, ProcessCommandLine: `cmd.exe /c evidence ${i}` })) });
  await cache.close();
  return { home: home.home, keychain, tenantId, paths: cachePaths(home.home, tenantId) };
}

function receiptsOf(home: string): WipeReceipt[] {
  const folder = path.join(home, 'receipts');
  return readdirSync(folder).filter((n) => n.startsWith('wipe-receipt')).map((n) => JSON.parse(readFileSync(path.join(folder, n), 'utf8')) as WipeReceipt);
}

describe('wipe', () => {
  it('destroys the keychain key and every cache file, and keeps a receipt without tenant data', async () => {
    const ctx = await filledCache();
    const size = statSync(ctx.paths.database).size;
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).toMatch(/^[0-9a-f]{64}$/);
    const receipt = await wipeTenantCache({ home: ctx.home, tenantId: ctx.tenantId, keychain: ctx.keychain, reason: 'analyst' });
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).toBeNull();
    for (const file of [ctx.paths.database, ctx.paths.wal, ctx.paths.shm, ctx.paths.folder]) expect(existsSync(file)).toBe(false);
    expect(receipt).toMatchObject({ reason: 'analyst', keyDestroyed: true });
    expect(receipt.bytesRemoved).toBeGreaterThanOrEqual(size);
    const stored = receiptsOf(ctx.home);
    expect(stored).toEqual([receipt]);
    expect(JSON.stringify(stored)).not.toContain(ctx.tenantId);
  });

  it('works on a corrupted cache: it never opens it', async () => {
    const ctx = await filledCache();
    const fd = openSync(ctx.paths.database, 'r+');
    writeSync(fd, randomBytes(8192), 0, 8192, 0);
    closeSync(fd);
    await expect(openTenantCache({ home: ctx.home, tenantId: ctx.tenantId, keychain: ctx.keychain, create: false })).rejects.toBeInstanceOf(OutpostError);
    await wipeTenantCache({ home: ctx.home, tenantId: ctx.tenantId, keychain: ctx.keychain, reason: 'analyst' });
    expect(existsSync(ctx.paths.folder)).toBe(false);
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).toBeNull();
  });

  it('with the keychain locked the files still go, and the next unlock removes the orphaned key', async () => {
    const ctx = await filledCache();
    const locked: Keychain = {
      get: () => Promise.reject(new OutpostError('KEYCHAIN_LOCKED', 'locked')),
      set: () => Promise.reject(new OutpostError('KEYCHAIN_LOCKED', 'locked')),
      delete: () => Promise.reject(new OutpostError('KEYCHAIN_LOCKED', 'locked')),
      list: () => Promise.reject(new OutpostError('KEYCHAIN_LOCKED', 'locked')),
    };
    const receipt = await wipeTenantCache({ home: ctx.home, tenantId: ctx.tenantId, keychain: locked, reason: 'analyst' });
    expect(receipt.keyDestroyed).toBe(false);
    expect(existsSync(ctx.paths.folder)).toBe(false);
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).not.toBeNull(); // still there while locked
    expect(readFileSync(path.join(ctx.home, 'receipts', 'keys-to-destroy.json'), 'utf8')).not.toContain(ctx.tenantId);
    expect(await sweepOrphanKeys(ctx.home, ctx.keychain)).toBe(1);
    expect(await ctx.keychain.get(cacheKeyAccount(ctx.tenantId))).toBeNull();
    expect(await sweepOrphanKeys(ctx.home, ctx.keychain)).toBe(0);
  });

  it("the sweep never touches another data folder's keys", async () => {
    const a = await filledCache();
    const b = await filledCache();
    await wipeTenantCache({ home: a.home, tenantId: a.tenantId, keychain: { ...a.keychain, delete: () => Promise.reject(new OutpostError('KEYCHAIN_LOCKED', 'locked')) }, reason: 'analyst' });
    await sweepOrphanKeys(a.home, a.keychain);
    expect(await b.keychain.get(cacheKeyAccount(b.tenantId))).not.toBeNull();
  });
});
