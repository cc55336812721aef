import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutpostError } from '../../contract';
import { cacheKeyAccount, cachePaths, openTenantCache, type CacheClient } from '../../main/services/cache';
import { openEngine } from '../../main/services/cache/engine';
import { memoryKeychain, type Keychain } from '../../main/services/keychain';
import { markedBatch, tempHome, trackedKeychain, uniqueTenant } from './helpers';

// Real SQLCipher, a real keyring and child processes: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 240_000 });

/** The error code a promise rejects with (fails the test if it resolves). */
async function codeOf(promise: Promise<CacheClient>): Promise<string> {
  try {
    const client = await promise;
    await client.close();
  } catch (error) {
    return (error as OutpostError).code;
  }
  throw new Error('expected the cache to be refused');
}

describe('a cache that cannot be trusted is refused, with a code and a way out', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cacheWithData(keychain: Keychain = memoryKeychain(), tenantId = uniqueTenant()) {
    const { home, remove } = tempHome();
    cleanups.push(remove);
    const cache = await openTenantCache({ home, tenantId, region: 'eu', keychain, create: true });
    await cache.write(markedBatch('damage', 3000));
    await cache.close(); // the last connection checkpoints the WAL into the file
    return { home, tenantId, keychain, file: cachePaths(home, tenantId).database };
  }

  it('refuses a wrong key with CACHE_WRONG_KEY and says how to recover', async () => {
    const { home, tenantId, keychain } = await cacheWithData();
    await keychain.set(cacheKeyAccount(tenantId), 'ab'.repeat(32));
    const error = await openTenantCache({ home, tenantId, keychain, create: false }).catch((caught: OutpostError) => caught);
    expect((error as OutpostError).code).toBe('CACHE_WRONG_KEY');
    expect((error as OutpostError).message).toMatch(/outpost wipe --tenant .*outpost sync/);
    expect((error as OutpostError).message).not.toContain('ab'.repeat(32));
  });

  it('detects one flipped byte in a data page as tampering (CACHE_TAMPERED)', async () => {
    const { home, tenantId, keychain, file } = await cacheWithData();
    // Find a page that holds process events, so reading the events must read it.
    const key = new Uint8Array(Buffer.from((await keychain.get(cacheKeyAccount(tenantId)))!, 'hex'));
    const db = openEngine({ file, tenantId, key, role: 'reader', mustExist: true });
    const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = 'process_events_rows' AND pagetype = 'leaf' ORDER BY pageno").pluck().all() as number[];
    db.close();
    expect(pages.length).toBeGreaterThan(3);
    const page = pages[Math.floor(pages.length / 2)]!;
    const bytes = readFileSync(file);
    bytes[(page - 1) * 4096 + 500]! ^= 0x01; // inside that page's ciphertext
    writeFileSync(file, bytes);
    // Opening reads only the schema; the damage shows when the page is read.
    const cache = await openTenantCache({ home, tenantId, keychain, create: false });
    cleanups.push(() => cache.close());
    const error = await cache.query('integrityCheck').catch((caught: OutpostError) => caught);
    expect((error as OutpostError).code).toBe('CACHE_TAMPERED');
    expect((error as OutpostError).message).toMatch(/altered|HMAC/);
    expect((error as OutpostError).message).toMatch(/outpost wipe/);
    // Reading the events themselves fails the same way; nothing was deleted.
    const events = await cache.query('bundlePage', { table: 'processEvents', limit: 10_000 }).catch((caught: OutpostError) => caught);
    expect((events as OutpostError).code).toBe('CACHE_TAMPERED');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('reports an intact cache as intact', async () => {
    const { home, tenantId, keychain } = await cacheWithData();
    const cache = await openTenantCache({ home, tenantId, keychain, create: false });
    cleanups.push(() => cache.close());
    expect(await cache.query('integrityCheck')).toEqual({ ok: true });
  });

  it('detects a flipped byte in page 1 as tampering, not as a wrong key', async () => {
    const { home, tenantId, keychain, file } = await cacheWithData();
    const bytes = readFileSync(file);
    bytes[1000]! ^= 0x80;
    writeFileSync(file, bytes);
    expect(await codeOf(openTenantCache({ home, tenantId, keychain, create: false }))).toBe('CACHE_TAMPERED');
  });

  it("will not open tenant B's cache with tenant A's key", async () => {
    const keychain = memoryKeychain();
    const a = await cacheWithData(keychain);
    const b = await cacheWithData(keychain);
    await keychain.set(cacheKeyAccount(b.tenantId), (await keychain.get(cacheKeyAccount(a.tenantId)))!);
    expect(await codeOf(openTenantCache({ home: b.home, tenantId: b.tenantId, keychain, create: false }))).toBe('CACHE_WRONG_KEY');
  });

  it("refuses a cache opened as another tenant's (CACHE_WRONG_TENANT)", async () => {
    const keychain = memoryKeychain();
    const a = await cacheWithData(keychain);
    // Someone copies tenant A's file, and its key, to where tenant B's cache belongs.
    const other = uniqueTenant('other');
    const target = cachePaths(a.home, other);
    mkdirSync(target.folder, { recursive: true });
    copyFileSync(a.file, target.database);
    await keychain.set(cacheKeyAccount(other), (await keychain.get(cacheKeyAccount(a.tenantId)))!);
    expect(await codeOf(openTenantCache({ home: a.home, tenantId: other, keychain, create: false }))).toBe('CACHE_WRONG_TENANT');
  });

  it('reports a missing key as KEY_MISSING and keeps the file', async () => {
    const { home, tenantId, keychain, file } = await cacheWithData();
    await keychain.delete(cacheKeyAccount(tenantId));
    const before = readFileSync(file);
    expect(await codeOf(openTenantCache({ home, tenantId, keychain, create: false }))).toBe('KEY_MISSING');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a missing cache, and refuses to create over an existing one', async () => {
    const { home, tenantId, keychain } = await cacheWithData();
    expect(await codeOf(openTenantCache({ home, tenantId: uniqueTenant(), keychain, create: false }))).toBe('CACHE_NOT_FOUND');
    expect(await codeOf(openTenantCache({ home, tenantId, region: 'eu', keychain, create: true }))).toBe('CACHE_EXISTS');
  });

  it('reports a region other than the one recorded at creation', async () => {
    const { home, tenantId, keychain } = await cacheWithData();
    expect(await codeOf(openTenantCache({ home, tenantId, region: 'us', keychain, create: false }))).toBe('REGION_MISMATCH');
  });

  it('works with the real OS keychain as well', async () => {
    const keychain = trackedKeychain();
    cleanups.push(() => keychain.cleanup());
    const { home, tenantId } = await cacheWithData(keychain);
    const cache = await openTenantCache({ home, tenantId, keychain, create: false });
    expect((await cache.info()).rowCounts.process_events).toBe(3000);
    await cache.close();
  });
});
