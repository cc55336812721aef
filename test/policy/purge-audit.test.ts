// A purge and its audit entry commit together: the entry is chained in the purge's own
// transaction, so a removal never goes unrecorded (a crash between the two once could) and an
// entry never claims a removal that rolled back.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutpostError } from '../../contract';
import { auditEntries, auditEntry, verifyAudit } from '../../main/services/audit/audit';
import { openTenantCache, type CacheClient } from '../../main/services/cache';
import { memoryKeychain } from '../../main/services/keychain';
import { markedBatch, tempHome, uniqueTenant } from '../cache/helpers';

vi.setConfig({ testTimeout: 120_000 });

/** The marked events run from 2024-05-01 00:00, one a second: this cutoff, between two of them, removes the first 600. */
const cutoff = new Date(Date.UTC(2024, 4, 1) + 599_500).toISOString();

describe('the purge and its audit entry', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cacheWithEvents(): Promise<CacheClient> {
    const { home, remove } = tempHome();
    cleanups.push(remove);
    const cache = await openTenantCache({ home, tenantId: uniqueTenant('purge-audit'), region: 'eu', keychain: memoryKeychain(), create: true });
    cleanups.push(() => cache.close());
    await cache.write(markedBatch('purge', 1000));
    return cache;
  }

  async function entries(cache: CacheClient) {
    const all = [];
    for await (const entry of auditEntries(cache)) all.push(entry);
    return all;
  }

  it('is chained in the purge itself, with the cutoff and the counts, and the log still verifies', async () => {
    const cache = await cacheWithEvents();
    const summary = await cache.purge(cutoff, auditEntry('purge', null));
    expect(summary.removed.process_events).toBe(600);
    const log = await entries(cache);
    expect(log.at(-1)).toMatchObject({ action: 'purge', detail: { cutoff, removed: { process_events: 600, network_events: 600 }, freedPages: summary.freedPages } });
    expect(summary.auditHead).toEqual({ seq: log.at(-1)!.seq, hash: log.at(-1)!.hash });
    expect((await verifyAudit(cache)).ok).toBe(true);
    // A purge that finds nothing records nothing.
    await cache.purge(cutoff, auditEntry('purge', null));
    expect(await entries(cache)).toHaveLength(log.length);
  });

  it('rolls back with its entry: an entry that cannot be written leaves every row in place', async () => {
    const cache = await cacheWithEvents();
    const before = (await cache.info()).rowCounts;
    // A detail JSON cannot hold fails inside the transaction, after the deletes.
    const unwritable = { ...auditEntry('purge', null), detail: { size: 1n } };
    const failed = await cache.purge(cutoff, unwritable).then(
      () => null,
      (error: OutpostError) => error,
    );
    expect(failed).not.toBeNull();
    expect((await cache.info()).rowCounts).toEqual(before);
    expect((await entries(cache)).filter((entry) => entry.action === 'purge')).toEqual([]);
    // The cache goes on working: the same purge with a good entry removes the rows.
    expect((await cache.purge(cutoff, auditEntry('purge', null))).removed.process_events).toBe(600);
  });
});
