import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheKeyAccount, openTenantCache, pendingCacheKeyAccount } from '../../main/services/cache';
import { dataFolderKeychain } from '../../main/services/keychain';
import { markedBatch, repoRoot, tempHome, trackedKeychain, uniqueTenant } from './helpers';

const bundle = path.join(repoRoot, 'dist/cli.mjs');
const runners: Array<[string, string[]]> = [['from source', ['--import', 'tsx', path.join(repoRoot, 'main/cli/bin.ts')]]];
// scripts/test.sh builds first, so the bundle (cli.mjs + cache-worker.mjs) is tested too.
if (existsSync(bundle)) runners.push(['bundled', [bundle]]);

// Each test starts the CLI (and, from source, compiles it) two or three times.
vi.setConfig({ testTimeout: 180_000 });

function outpost(runner: string[], home: string, ...args: string[]) {
  return spawnSync(process.execPath, [...runner, ...args], { cwd: repoRoot, env: { ...process.env, OUTPOST_HOME: home }, encoding: 'utf8', timeout: 120_000 });
}

describe.each(runners)('outpost cache (%s)', (_name, runner) => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function cache() {
    const { home, remove } = tempHome();
    // The keychain as the CLI sees this data folder: its accounts carry the folder's id.
    const tracked = trackedKeychain();
    const keychain = dataFolderKeychain(home, tracked);
    cleanups.push(remove, () => tracked.cleanup());
    const tenantId = uniqueTenant();
    const client = await openTenantCache({ home, tenantId, region: 'eu', keychain, create: true });
    await client.write(markedBatch('cli', 500));
    await client.close();
    return { home, keychain, tenantId };
  }

  it('info --json: path, size, cipher, schema version, rows per table, and no key', async () => {
    const { home, keychain, tenantId } = await cache();
    const result = outpost(runner, home, 'cache', 'info', '--tenant', tenantId, '--json');
    expect(result.status, result.stderr).toBe(0);
    const info = JSON.parse(result.stdout) as Record<string, unknown> & { rowCounts: Record<string, number> };
    expect(info.tenantId).toBe(tenantId);
    expect(info.region).toBe('eu');
    expect(info.path).toBe(path.join(home, 'caches', tenantId, 'cache.db'));
    expect(info.sizeBytes).toBeGreaterThan(0);
    expect(info.cipher).toMatch(/SQLCipher v4/);
    expect(info.schemaVersion).toBe(info.latestSchemaVersion);
    expect(info.rowCounts.process_events).toBe(500);
    expect(info.rowCounts.alerts).toBe(1);
    const key = (await keychain.get(cacheKeyAccount(tenantId)))!;
    expect(result.stdout + result.stderr).not.toContain(key);
  });

  it('info in words, and a clear error for a tenant with no cache', async () => {
    const { home, tenantId } = await cache();
    const text = outpost(runner, home, 'cache', 'info', '--tenant', tenantId);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/process_events\s+500/);
    const missing = outpost(runner, home, 'cache', 'info', '--tenant', 'nobody-here');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/CACHE_NOT_FOUND/);
  });

  it('rekey replaces the key in the keychain and the cache still opens', async () => {
    const { home, keychain, tenantId } = await cache();
    const before = await keychain.get(cacheKeyAccount(tenantId));
    const result = outpost(runner, home, 'cache', 'rekey', '--tenant', tenantId);
    expect(result.status, result.stderr).toBe(0);
    const after = await keychain.get(cacheKeyAccount(tenantId));
    expect(after).not.toBe(before);
    expect(await keychain.get(pendingCacheKeyAccount(tenantId))).toBeNull();
    expect(result.stdout + result.stderr).not.toContain(after!);
    const info = outpost(runner, home, 'cache', 'info', '--tenant', tenantId, '--json');
    expect(JSON.parse(info.stdout).rowCounts.process_events).toBe(500);
  });
});
