import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCacheClient, type StartCacheOptions } from '../../main/services/cache/client';
import { openEngine, walBytes } from '../../main/services/cache/engine';
import { markedBatch, tempHome } from './helpers';

// Real SQLCipher and worker threads: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 120_000 });

describe('the WAL copier', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function fresh(options: Partial<StartCacheOptions> = {}) {
    const { home, remove } = tempHome();
    const file = path.join(home, 'cache.db');
    const key = new Uint8Array(randomBytes(32));
    const cache = await startCacheClient({ file, tenantId: 'copier', region: 'eu', create: true, key: new Uint8Array(key), ...options });
    cleanups.push(remove, () => cache.close());
    return { cache, file, home, key, wal: () => walBytes(file) };
  }

  async function stream(cache: Awaited<ReturnType<typeof fresh>>['cache'], marker: string, rows: number): Promise<void> {
    const transaction = await cache.transaction();
    await transaction.append(markedBatch(marker, rows));
    await transaction.commit();
  }

  /** Counts process events in the database file alone, as if its WAL were lost. */
  function rowsInFileAlone(file: string, home: string, key: Uint8Array): number {
    const copy = path.join(home, 'file-alone.db');
    copyFileSync(file, copy);
    const db = openEngine({ file: copy, tenantId: 'copier', key: new Uint8Array(key), role: 'reader', mustExist: true });
    try {
      // A file whose WAL was never copied lacks even the schema: nothing of the tenant's is in it.
      const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'process_events'").pluck().get() as number;
      return tables === 0 ? 0 : (db.prepare('SELECT count(*) FROM process_events').pluck().get() as number);
    } finally {
      db.close();
    }
  }

  it('copies committed answers into the file on its own thread, not the writer', async () => {
    const copied = await fresh();
    const uncopied = await fresh({ walCopier: false });
    for (const side of [copied, uncopied]) {
      for (const answer of ['one', 'two', 'three']) await stream(side.cache, answer, 2000);
      // Waits for the copy in flight; the writer itself copies nothing this small (walCopyBytes).
      await side.cache.settle();
    }
    expect(rowsInFileAlone(copied.file, copied.home, copied.key)).toBe(6000);
    expect(rowsInFileAlone(uncopied.file, uncopied.home, uncopied.key)).toBe(0);
  });

  it('lets the WAL start over once it passes its length, where a trailing copy would let it grow', async () => {
    const longest = async (options: Partial<StartCacheOptions>) => {
      const { cache, wal } = await fresh(options);
      let most = 0;
      for (let answer = 0; answer < 12; answer++) {
        await stream(cache, `a${answer}`, 3000);
        most = Math.max(most, wal());
      }
      return most;
    };
    const bounded = await longest({ walCopyBytes: 1024 * 1024 });
    const unbounded = await longest({ walCopier: false });
    // Each answer adds a few MiB of frames; without a restart they pile up.
    expect(bounded * 3).toBeLessThan(unbounded);
  });

  it('empties the WAL in a purge that follows a commit, with the copy of that commit in flight', async () => {
    const { cache, wal } = await fresh({ walCopyBytes: 1024 * 1024 });
    await stream(cache, 'small', 100);
    // A long copy and a short purge: the purge's own copy comes due while the answer's runs.
    await stream(cache, 'big', 30_000);
    const summary = await cache.purge('2024-05-01T00:00:10Z');
    expect(summary.removed.process_events).toBeGreaterThan(0);
    // Removed rows must not survive in the WAL: the purge's TRUNCATE copy ran, not a busy one.
    expect(wal()).toBe(0);
  });

  it('rekeys and closes with answers just committed, and the new key opens them all', async () => {
    const { cache, file, home } = await fresh();
    await stream(cache, 'r1', 3000);
    await stream(cache, 'r2', 3000);
    const newKey = new Uint8Array(randomBytes(32));
    await cache.rekey(new Uint8Array(newKey));
    await stream(cache, 'r3', 1000);
    await cache.close();
    expect(rowsInFileAlone(file, home, newKey)).toBe(7000);
  });
});
