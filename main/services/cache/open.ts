import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { OutpostError } from '../../../contract';
import type { Keychain } from '../keychain';
import { startCacheClient, type CacheClient, type StartCacheOptions } from './client';
import { wayOut } from './errors';
import { cacheKeyAccount, cachePaths, pendingCacheKeyAccount } from './paths';

export interface OpenTenantCacheOptions {
  /** The data folder (outpostHome()). */
  home: string;
  tenantId: string;
  /** Recorded at creation; when given on open it must match. */
  region?: string;
  keychain: Keychain;
  /** true: make a new cache (refused if one exists); false: open an existing one; 'if-missing': either. */
  create: boolean | 'if-missing';
  /** Reader threads (default 2). */
  readers?: number;
  /** Told before an older cache's schema is upgraded (client.ts). */
  onUpgrade?: StartCacheOptions['onUpgrade'];
}

/** The key text from the keychain as bytes. Refuses anything that is not a 256-bit hex key. */
function keyBytes(hex: string, tenantId: string): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new OutpostError('CACHE_WRONG_KEY', `The keychain entry for the cache of tenant ${tenantId} is not a cache key. ${wayOut(tenantId)}`);
  }
  const pooled = Buffer.from(hex, 'hex');
  const key = new Uint8Array(32);
  key.set(pooled);
  pooled.fill(0);
  return key;
}

function newKeyHex(): string {
  const key = randomBytes(32);
  const hex = key.toString('hex');
  key.fill(0);
  return hex;
}

/**
 * Opens (or creates) a tenant's encrypted cache: one file and one keychain entry per tenant.
 * On create the key goes to the keychain before the file exists, so no file is ever written
 * that no key can open. On open, a key parked by an interrupted rekey is tried and promoted.
 */
export async function openTenantCache(options: OpenTenantCacheOptions): Promise<CacheClient> {
  const { home, tenantId, keychain } = options;
  const paths = cachePaths(home, tenantId);
  const account = cacheKeyAccount(tenantId);
  const pendingAccount = pendingCacheKeyAccount(tenantId);
  const exists = existsSync(paths.database);
  const create = options.create === 'if-missing' ? !exists : options.create;

  if (create) {
    if (exists) throw new OutpostError('CACHE_EXISTS', `Tenant ${tenantId} already has a cache at ${paths.database}. Open it, or wipe it first.`);
    if (!options.region) throw new OutpostError('BAD_REQUEST', 'A new cache needs the tenant region.');
    const hex = newKeyHex();
    await keychain.set(account, hex);
    await keychain.delete(pendingAccount);
    mkdirSync(paths.folder, { recursive: true, mode: 0o700 });
    return startCacheClient({ file: paths.database, tenantId, region: options.region, create: true, key: keyBytes(hex, tenantId), readers: options.readers });
  }

  if (!exists) throw new OutpostError('CACHE_NOT_FOUND', `There is no cache for tenant ${tenantId} yet. Sync the tenant to create it.`);
  // Both entries at once: one keychain round trip of waiting instead of two.
  const [current, pending] = await Promise.all([keychain.get(account), keychain.get(pendingAccount)]);
  if (current === null && pending === null) {
    throw new OutpostError(
      'KEY_MISSING',
      `The key of the cache of tenant ${tenantId} is not in the OS keychain (removed, or this is another user account), and the cache cannot be read without it. ${wayOut(tenantId)}`,
    );
  }
  // The region: the writer refuses a cache made for another, and finishes a creation a crash cut short (worker.ts).
  const start = (hex: string) =>
    startCacheClient({ file: paths.database, tenantId, region: options.region, create: false, key: keyBytes(hex, tenantId), readers: options.readers, onUpgrade: options.onUpgrade });
  let client: CacheClient;
  try {
    if (current === null) throw new OutpostError('CACHE_WRONG_KEY', 'no current key');
    client = await start(current);
  } catch (error) {
    const wrongKey = error instanceof OutpostError && error.code === 'CACHE_WRONG_KEY';
    if (!wrongKey || pending === null) throw error;
    // A rekey re-encrypted the file but was stopped before it could promote the new key.
    client = await start(pending);
    await keychain.set(account, pending);
    await keychain.delete(pendingAccount);
    return client;
  }
  // A rekey was stopped before it re-encrypted anything: its parked key opens nothing.
  if (pending !== null) await keychain.delete(pendingAccount);
  return client;
}

export interface RekeyHooks {
  /** Called after each durable step; the crash tests kill the process here. */
  onStep?: (step: 'parked' | 'reencrypted' | 'promoted') => void | Promise<void>;
}

/**
 * Re-encrypts a tenant's cache under a fresh key. Crash-safe at every step:
 * 1. the new key is parked under the pending account,
 * 2. SQLite rewrites every page under it in one rollback-journal transaction,
 * 3. the pending key is promoted and the parked copy removed.
 * Killed before 2 commits, the old key still opens the file (the journal rolls back); killed
 * after, openTenantCache finds the old key refused, opens with the parked one, promotes it.
 */
export async function rekeyTenantCache(options: Omit<OpenTenantCacheOptions, 'create' | 'readers'> & RekeyHooks): Promise<void> {
  const { tenantId, keychain, onStep = () => undefined } = options;
  const client = (await openTenantCache({ ...options, create: false, readers: 1 })) as CacheClient & { rekey(newKey: Uint8Array): Promise<void> };
  try {
    const hex = newKeyHex();
    await keychain.set(pendingCacheKeyAccount(tenantId), hex);
    await onStep('parked');
    await client.rekey(keyBytes(hex, tenantId));
    await onStep('reencrypted');
    await keychain.set(cacheKeyAccount(tenantId), hex);
    await onStep('promoted');
    await keychain.delete(pendingCacheKeyAccount(tenantId));
  } finally {
    await client.close();
  }
}
