import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../../emulator/prng';
import type { OutpostError } from '../../contract';
import { cacheKeyAccount, cachePaths, openTenantCache, pendingCacheKeyAccount, rekeyTenantCache } from '../../main/services/cache';
import { exited, findOnDisk, markedBatch, spawnChild, tempHome, trackedKeychain, uniqueTenant, waitForLine } from './helpers';

// Real SQLCipher, a real keyring and child processes: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 240_000 });

describe('rekey', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function populated(rows: number) {
    const { home, remove } = tempHome();
    const keychain = trackedKeychain();
    cleanups.push(remove, () => keychain.cleanup());
    const tenantId = uniqueTenant();
    const cache = await openTenantCache({ home, tenantId, region: 'eu', keychain, create: true });
    await cache.write(markedBatch('rekey', rows));
    await cache.close();
    return { home, keychain, tenantId };
  }

  /** Opens with whatever the keychain holds now; the data must be whole. */
  async function assertOpensWhole(home: string, keychain: ReturnType<typeof trackedKeychain>, tenantId: string, rows: number) {
    const cache = await openTenantCache({ home, tenantId, keychain, create: false });
    try {
      const info = await cache.info();
      expect(info.rowCounts.process_events).toBe(rows);
      expect((await cache.query('search', { text: 'proc-rekey.exe', limit: 5 })).length).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
    // A settled open leaves exactly one key: no parked key lingers.
    expect(await keychain.get(pendingCacheKeyAccount(tenantId))).toBeNull();
  }

  it('re-encrypts under a fresh key: the old key no longer opens it, the new one does', async () => {
    const { home, keychain, tenantId } = await populated(2000);
    const before = (await keychain.get(cacheKeyAccount(tenantId)))!;
    await rekeyTenantCache({ home, tenantId, keychain });
    const after = (await keychain.get(cacheKeyAccount(tenantId)))!;
    expect(after).toMatch(/^[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(await keychain.get(pendingCacheKeyAccount(tenantId))).toBeNull();
    await assertOpensWhole(home, keychain, tenantId, 2000);
    expect(findOnDisk(home, [before, after, Buffer.from(before, 'hex'), Buffer.from(after, 'hex'), 'proc-rekey'])).toEqual([]);

    await keychain.set(cacheKeyAccount(tenantId), before);
    const error = await openTenantCache({ home, tenantId, keychain, create: false }).catch((caught: OutpostError) => caught);
    expect((error as OutpostError).code).toBe('CACHE_WRONG_KEY');
  });

  for (const step of ['parked', 'reencrypted', 'promoted'] as const) {
    it(`recovers when killed right after the "${step}" step`, async () => {
      const { home, keychain, tenantId } = await populated(2000);
      const child = spawnChild('rekey.ts', [home, tenantId, step]);
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');
      await assertOpensWhole(home, keychain, tenantId, 2000);
    }, 120_000);
  }

  // Random kill points inside SQLite's page rewrite: the child is killed once the rollback
  // journal has grown past a random share of the file, i.e. with some pages under the new
  // key, the old ones in a hot journal, and the new key parked in the keychain.
  for (const seed of [1, 2, 3, 4]) {
    it(`recovers when killed mid re-encryption (seed ${seed})`, async () => {
      const rows = 30_000; // about 25 MB: the rewrite takes a second or more, the journal grows page by page
      const { home, keychain, tenantId } = await populated(rows);
      const { database, journal } = cachePaths(home, tenantId);
      const target = Math.floor(seededRandom(seed)() * 0.8 * statSync(database).size);
      const child = spawnChild('rekey.ts', [home, tenantId]);
      cleanups.push(() => void child.kill('SIGKILL'));
      await waitForLine(child, /^step parked$/);
      let journalAtKill = 0;
      while (child.exitCode === null) {
        journalAtKill = existsSync(journal) ? statSync(journal, { throwIfNoEntry: false })?.size ?? 0 : 0;
        if (journalAtKill > target) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      child.kill('SIGKILL');
      await exited(child);
      expect(journalAtKill, 'the kill landed inside the rewrite').toBeGreaterThan(target);
      // The hot journal holds old pages as they were on disk: encrypted, like everything else.
      const keys = [await keychain.get(cacheKeyAccount(tenantId)), await keychain.get(pendingCacheKeyAccount(tenantId))].filter((key): key is string => key !== null);
      expect(keys.length).toBe(2);
      expect(findOnDisk(home, ['proc-rekey', ...keys, ...keys.map((key) => Buffer.from(key, 'hex'))])).toEqual([]);
      await assertOpensWhole(home, keychain, tenantId, rows);
    }, 240_000);
  }

  // Random moments over the whole command: open, park, rewrite, promote.
  for (const seed of [11, 12, 13, 14]) {
    it(`recovers when killed at a random moment (seed ${seed})`, async () => {
      const rows = 20_000;
      const { home, keychain, tenantId } = await populated(rows);
      const random = seededRandom(seed);
      const child = spawnChild('rekey.ts', [home, tenantId]);
      cleanups.push(() => void child.kill('SIGKILL'));
      await waitForLine(child, /^rekeying$/);
      const steps = Math.floor(random() * 3);
      for (let i = 0; i < steps; i++) await waitForLine(child, /^step /).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 300)));
      child.kill('SIGKILL');
      await exited(child);
      await assertOpensWhole(home, keychain, tenantId, rows);
    }, 240_000);
  }
});
