// A kill during the first sync can land after SQLite wrote the new file's first page (the
// writer's pragmas switch it to WAL) and before the schema's transaction committed. What is
// left is a keyed file with no table: nothing of the tenant's, nothing to keep. The next open
// must finish the creation, not fail on a missing table (seen as SQLITE_ERROR in the kill test).
import { existsSync, mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutpostError } from '../../contract';
import { cacheKeyAccount, cachePaths, openTenantCache } from '../../main/services/cache';
import { openEngine } from '../../main/services/cache/engine';
import { memoryKeychain } from '../../main/services/keychain';
import { markedBatch, tempHome, uniqueTenant } from './helpers';

vi.setConfig({ testTimeout: 120_000 });

const hex = 'c4'.repeat(32);

/** The state the kill leaves: the key in the keychain, a file keyed and in WAL mode, no schema. */
async function interruptedCreation() {
  const { home, remove } = tempHome();
  const tenantId = uniqueTenant('interrupted');
  const keychain = memoryKeychain();
  await keychain.set(cacheKeyAccount(tenantId), hex);
  const paths = cachePaths(home, tenantId);
  mkdirSync(paths.folder, { recursive: true });
  const db = openEngine({ file: paths.database, tenantId, key: Buffer.from(hex, 'hex'), role: 'writer', mustExist: false });
  db.close();
  return { home, remove, tenantId, keychain, file: paths.database };
}

describe('a cache whose creation was interrupted', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('is finished by the next open that knows the region, and then works like a new cache', async () => {
    const left = await interruptedCreation();
    cleanups.push(left.remove);
    expect(existsSync(left.file)).toBe(true);
    const cache = await openTenantCache({ home: left.home, tenantId: left.tenantId, region: 'eu', keychain: left.keychain, create: 'if-missing' });
    try {
      await cache.write(markedBatch('interrupted', 500));
      const info = await cache.info();
      expect(info.region).toBe('eu');
      expect(info.rowCounts.process_events).toBe(500);
    } finally {
      await cache.close();
    }
    // Reopened, it is an ordinary cache (its tenant recorded), with the purge's incremental vacuum on.
    const again = await openTenantCache({ home: left.home, tenantId: left.tenantId, keychain: left.keychain, create: false });
    try {
      expect((await again.info()).rowCounts.process_events).toBe(500);
    } finally {
      await again.close();
    }
    const db = openEngine({ file: left.file, tenantId: left.tenantId, key: Buffer.from(hex, 'hex'), role: 'reader', mustExist: true });
    try {
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('is reported as not there yet (CACHE_NOT_FOUND) by an open that cannot create, and the file is kept', async () => {
    const left = await interruptedCreation();
    cleanups.push(left.remove);
    const refused = await openTenantCache({ home: left.home, tenantId: left.tenantId, keychain: left.keychain, create: false }).then(
      async (cache) => {
        await cache.close();
        return null;
      },
      (error: OutpostError) => error,
    );
    expect(refused?.code).toBe('CACHE_NOT_FOUND');
    expect(refused?.message).toMatch(/interrupted/);
    expect(existsSync(left.file)).toBe(true);
  });
});
