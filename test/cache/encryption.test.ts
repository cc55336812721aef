import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheKeyAccount, openTenantCache } from '../../main/services/cache';
import { exited, findOnDisk, markedBatch, secretToolSearch, spawnChild, tempHome, trackedKeychain, uniqueTenant, waitForLine } from './helpers';

// Real SQLCipher, a real keyring and child processes: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 240_000 });

// Nothing about the tenant reaches the disk in plaintext, and the key never reaches it at all.
describe('the cache on disk', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function setup() {
    const home = tempHome();
    const keychain = trackedKeychain();
    cleanups.push(home.remove, () => keychain.cleanup());
    return { home: home.home, keychain, tenantId: uniqueTenant() };
  }

  function keyNeedles(hex: string): Array<string | Buffer> {
    return [hex, hex.toUpperCase(), Buffer.from(hex, 'hex')];
  }

  it('holds no marker and no key in any file, while open and after close', async () => {
    const { home, keychain, tenantId } = setup();
    const marker = `MARK${randomUUID().replaceAll('-', '')}`;
    const cache = await openTenantCache({ home, tenantId, region: 'eu', keychain, create: true });
    await cache.write(markedBatch(marker, 2000));
    await cache.write({ notes: [{ entityType: 'machine', entityKey: `machine-${marker}`, body: `note ${marker}` }], tags: [{ entityType: 'machine', entityKey: 'm', tag: `tag2-${marker}` }] });
    // The marker is really there: the search finds it through the decrypting engine.
    expect((await cache.query('search', { text: marker })).length).toBeGreaterThan(0);
    const key = (await keychain.get(cacheKeyAccount(tenantId)))!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);

    // While open: the WAL and shared-memory files exist and must be clean too.
    expect(findOnDisk(home, [marker, ...keyNeedles(key)])).toEqual([]);
    await cache.close();
    expect(findOnDisk(home, [marker, ...keyNeedles(key)])).toEqual([]);
  });

  it('puts the key in the keychain on create, and only there', async () => {
    const { home, keychain, tenantId } = setup();
    const cache = await openTenantCache({ home, tenantId, region: 'eu', keychain, create: true });
    await cache.close();
    const key = (await keychain.get(cacheKeyAccount(tenantId)))!;
    const listed = secretToolSearch();
    expect(listed).toContain(`attribute.service = Outpost`);
    expect(listed).toContain(`attribute.username = ${cacheKeyAccount(tenantId)}`);
    expect(listed).toContain(key);
    expect(await keychain.list!()).toContain(cacheKeyAccount(tenantId));
    expect(findOnDisk(home, keyNeedles(key))).toEqual([]);
  });

  it('stays clean and openable after the writer is killed mid-transaction', async () => {
    const { home, keychain, tenantId } = setup();
    const marker = `KILL${randomUUID().replaceAll('-', '')}`;
    const child = spawnChild('writer.ts', [home, tenantId, marker]);
    cleanups.push(() => void child.kill('SIGKILL'));
    // Let one batch commit, then kill the process while the next one is being written.
    await waitForLine(child, /^committed 0$/);
    await waitForLine(child, /^writing 1$/);
    child.kill('SIGKILL');
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');

    const key = (await keychain.get(cacheKeyAccount(tenantId)))!;
    // The tracked keychain did not create this entry (the child did): remove it ourselves.
    cleanups.push(async () => void (await keychain.delete(cacheKeyAccount(tenantId))));
    expect(findOnDisk(home, [marker, ...keyNeedles(key)])).toEqual([]);

    const cache = await openTenantCache({ home, tenantId, keychain, create: false });
    cleanups.push(() => cache.close());
    const checkpoints = await cache.query('checkpoints');
    // Whatever committed is whole: the checkpoint and its rows agree.
    const info = await cache.info();
    const committedRounds = checkpoints.length === 1 ? Number(String(checkpoints[0]!.cursor).split('-').pop()) / 20_000 + 1 : 0;
    expect(committedRounds).toBeGreaterThanOrEqual(1);
    expect(info.rowCounts.process_events).toBe(committedRounds * 20_000);
    expect(findOnDisk(home, [marker, ...keyNeedles(key)])).toEqual([]);
  }, 180_000);
});
