import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheKeyAccount, openTenantCache } from '../../main/services/cache';
import { dataFolderKeychain, keychainIdFile } from '../../main/services/keychain';
import { wipeTenantCache } from '../../main/services/policy/wipe';
import { markedBatch, tempHome, trackedKeychain, uniqueTenant } from '../cache/helpers';

// Real SQLCipher and the real keyring: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 120_000 });

describe('the keychain as one data folder sees it', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const folder = () => {
    const { home, remove } = tempHome();
    const real = trackedKeychain();
    cleanups.push(remove, () => real.cleanup());
    return { home, real, keychain: dataFolderKeychain(home, real) };
  };

  it('keeps two data folders with the same tenant apart: a wipe in one leaves the other readable', async () => {
    const tenantId = uniqueTenant('shared');
    const [first, second] = [folder(), folder()];
    for (const [each, rows] of [[first, 300], [second, 700]] as const) {
      const cache = await openTenantCache({ home: each.home, tenantId, region: 'eu', keychain: each.keychain, create: true });
      await cache.write(markedBatch('kept', rows));
      await cache.close();
    }
    const firstKey = await first.keychain.get(cacheKeyAccount(tenantId));
    const secondKey = await second.keychain.get(cacheKeyAccount(tenantId));
    expect(firstKey).toMatch(/^[0-9a-f]{64}$/);
    expect(secondKey).toMatch(/^[0-9a-f]{64}$/);
    expect(secondKey).not.toBe(firstKey);
    // Nothing under the bare account name any more.
    expect(await first.real.get(cacheKeyAccount(tenantId))).toBeNull();

    await wipeTenantCache({ home: first.home, tenantId, keychain: first.keychain, reason: 'analyst' });
    expect(await first.keychain.get(cacheKeyAccount(tenantId))).toBeNull();
    expect(await second.keychain.get(cacheKeyAccount(tenantId))).toBe(secondKey);
    const survivor = await openTenantCache({ home: second.home, tenantId, region: 'eu', keychain: second.keychain, create: false });
    try {
      expect((await survivor.info()).rowCounts.process_events).toBe(700);
    } finally {
      await survivor.close();
    }
  });

  it('lists only its own accounts, by their plain names, under an id that stays with the folder', async () => {
    const [first, second] = [folder(), folder()];
    const account = `test:${uniqueTenant('listed')}`;
    await first.keychain.set(account, 'first');
    await second.keychain.set(account, 'second');
    expect(await first.keychain.list!()).toContain(account);
    expect((await first.keychain.list!()).every((name) => !name.includes('/'))).toBe(true);
    const id = readFileSync(path.join(first.home, keychainIdFile), 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await first.real.list!()).toContain(`${id}/${account}`);
    // A new view of the same folder (the next process) finds the same account.
    expect(await dataFolderKeychain(first.home, first.real).get(account)).toBe('first');
    expect(await second.keychain.get(account)).toBe('second');
    expect(await first.keychain.delete(account)).toBe(true);
    expect(await second.keychain.get(account)).toBe('second');
  });
});
