import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startCacheClient } from '../../main/services/cache/client';
import { openEngine, walBytes as walBytesOf } from '../../main/services/cache/engine';
import { markedBatch, tempHome } from './helpers';

// Real SQLCipher; the purge waits out SQLite's 10 s busy timeout once. Never timed.
vi.setConfig({ testTimeout: 120_000 });

describe('the WAL after a purge', () => {
  it('is emptied at a later quiet spell when a reader held an older snapshot through the purge', async () => {
    const { home, remove } = tempHome();
    const file = path.join(home, 'cache.db');
    const key = new Uint8Array(randomBytes(32));
    const cache = await startCacheClient({ file, tenantId: 'wal', region: 'eu', create: true, key: new Uint8Array(key) });
    const walBytes = () => walBytesOf(file);
    try {
      await cache.write(markedBatch('old', 2000));
      // A long read in progress elsewhere (an export, say): its snapshot predates the purge.
      const reader = openEngine({ file, tenantId: 'wal', key: new Uint8Array(key), role: 'reader', mustExist: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM process_events').get();
      const summary = await cache.purge('2024-05-01T00:10:00Z');
      expect(summary.removed.process_events).toBeGreaterThan(0);
      // Removed rows' older pages may still be in the WAL, and the summary says so.
      expect(summary.walEmptied).toBe(false);
      expect(walBytes()).toBeGreaterThan(0);
      reader.exec('COMMIT');
      reader.close();
      // The writer's next quiet spell (5 s) empties it, without another request.
      await vi.waitFor(() => expect(walBytes()).toBe(0), { timeout: 30_000, interval: 250 });
      // With no reader in the way, a purge empties it at once.
      await cache.write(markedBatch('older', 2000));
      const next = await cache.purge('2024-05-01T00:20:00Z');
      expect(next.walEmptied).toBe(true);
      expect(walBytes()).toBe(0);
    } finally {
      await cache.close();
      remove();
    }
  });
});
