import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutpostError } from '../../../contract';
import { cacheKeyAccount, cachePaths, pendingCacheKeyAccount, tenantFolderName } from '../cache';
import type { Keychain } from '../keychain';

export type WipeReason = 'analyst' | 'license-expired' | 'offline-too-long' | 'sign-out' | 'script';

/** What is kept after a wipe: no tenant data, only that and when it happened. */
export interface WipeReceipt {
  tenantIdHash: string;
  at: string;
  reason: WipeReason;
  bytesRemoved: number;
  /** false when the keychain was locked: the orphaned key goes at the next unlock. */
  keyDestroyed: boolean;
}

export function tenantIdHash(tenantId: string): string {
  return createHash('sha256').update(`outpost-tenant:${tenantId.trim().toLowerCase()}`).digest('hex');
}

const receiptsFolder = (home: string) => path.join(home, 'receipts');

function folderBytes(folder: string): number {
  if (!existsSync(folder)) return 0;
  let bytes = 0;
  for (const name of readdirSync(folder)) {
    try {
      bytes += statSync(path.join(folder, name)).size;
    } catch {
      // gone meanwhile
    }
  }
  return bytes;
}

const wipedPrefix = '.wiped-';

/**
 * Deletes the folders earlier wipes renamed away and did not finish deleting (the process
 * ended first). Their files are ciphertext whose key is already gone. Run at start-up
 * (workspace/data-folder.ts), so it may meet a wipe, or another process's sweep, deleting
 * the same folder: rm with force takes what is already gone as done.
 */
export async function sweepWipedFolders(home: string): Promise<void> {
  const caches = path.join(home, 'caches');
  let names: string[];
  try {
    names = await readdir(caches);
  } catch {
    return;
  }
  await Promise.all(names.filter((name) => name.startsWith(wipedPrefix)).map((name) => rm(path.join(caches, name), { recursive: true, force: true }).catch(() => undefined)));
}

/**
 * Takes the cache folder out of its place at once: renamed (atomic, same file system) to a
 * name no tenant folder can have, then deleted in the background. Unlinking a 1 GB file
 * takes half a second on ext4, and the files are already noise without their key. Only this
 * wipe's own folder: a process that ends first leaves it to the next start-up's sweep (the
 * CLI's Node process waits for the pending delete by itself).
 */
function removeFolder(folder: string): void {
  if (!existsSync(folder)) return;
  const trash = path.join(path.dirname(folder), `${wipedPrefix}${randomBytes(8).toString('hex')}`);
  try {
    renameSync(folder, trash);
  } catch {
    // A folder that cannot be renamed (held open on some systems) is removed in place.
    rmSync(folder, { recursive: true, force: true });
    return;
  }
  void rm(trash, { recursive: true, force: true }).catch(() => undefined);
}

/**
 * Cryptographic erase: the key is destroyed first (without it the file is noise), then
 * the files (db, -wal, -shm, -journal, the folder). Works on a corrupted cache, since it
 * never opens it, and on a locked keychain: then the files still go and the key, now an
 * orphan, is removed by `sweepOrphanKeys` at the next unlock. The caller closes the cache
 * first. A receipt without tenant data is kept.
 */
export async function wipeTenantCache(options: { home: string; tenantId: string; keychain: Keychain; reason: WipeReason; now?: Date }): Promise<WipeReceipt> {
  const { home, tenantId, keychain } = options;
  const paths = cachePaths(home, tenantId);
  // Both keys at once: two keychain round trips in the time of one.
  const destroyed = await Promise.all([cacheKeyAccount(tenantId), pendingCacheKeyAccount(tenantId)].map(async (account) => {
    try {
      await keychain.delete(account);
      return true;
    } catch (error) {
      if (!(error instanceof OutpostError) || !['KEYCHAIN_LOCKED', 'KEYCHAIN_UNAVAILABLE'].includes(error.code)) throw error;
      return false;
    }
  }));
  const keyDestroyed = destroyed.every(Boolean);
  if (!keyDestroyed) await savePendingKeyHashes(home, [...(await pendingKeyHashes(home)), tenantIdHash(tenantFolderName(tenantId))]);
  const bytesRemoved = folderBytes(paths.folder);
  removeFolder(paths.folder);
  if (existsSync(paths.database)) throw new OutpostError('INTERNAL', 'The cache files could not be removed; close every Outpost window and wipe again.');
  const receipt: WipeReceipt = {
    tenantIdHash: tenantIdHash(tenantId),
    at: (options.now ?? new Date()).toISOString(),
    reason: options.reason,
    bytesRemoved,
    keyDestroyed,
  };
  await mkdir(receiptsFolder(home), { recursive: true, mode: 0o700 });
  const file = path.join(receiptsFolder(home), `wipe-receipt-${receipt.at.replace(/[:.]/g, '-')}-${receipt.tenantIdHash.slice(0, 12)}.json`);
  await writeFile(`${file}.tmp`, `${JSON.stringify(receipt, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return receipt;
}

export async function wipeReceipts(home: string): Promise<WipeReceipt[]> {
  let names: string[];
  try {
    names = await readdir(receiptsFolder(home));
  } catch {
    return [];
  }
  const receipts = await Promise.all(names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(path.join(receiptsFolder(home), n), 'utf8')) as WipeReceipt));
  return receipts.sort((a, b) => a.at.localeCompare(b.at));
}

const pendingFile = (home: string) => path.join(receiptsFolder(home), 'keys-to-destroy.json');

async function pendingKeyHashes(home: string): Promise<string[]> {
  try {
    return JSON.parse(await readFile(pendingFile(home), 'utf8')) as string[];
  } catch {
    return [];
  }
}

async function savePendingKeyHashes(home: string, hashes: string[]): Promise<void> {
  await mkdir(receiptsFolder(home), { recursive: true, mode: 0o700 });
  await writeFile(`${pendingFile(home)}.tmp`, JSON.stringify([...new Set(hashes)]), { mode: 0o600 });
  await rename(`${pendingFile(home)}.tmp`, pendingFile(home));
}

/**
 * Destroys the keys a wipe could not reach because the keychain was locked. Only keys this
 * data folder wiped are touched (by the hash of their tenant, so no tenant id waits on
 * disk), never another folder's caches that share the keychain.
 */
export async function sweepOrphanKeys(home: string, keychain: Keychain): Promise<number> {
  const pending = await pendingKeyHashes(home);
  if (pending.length === 0) return 0;
  const accounts = (await keychain.list?.()) ?? [];
  let removed = 0;
  const left = new Set(pending);
  for (const account of accounts) {
    const match = /^cache:([^:]+)(:pending)?$/.exec(account);
    if (!match || !pending.includes(tenantIdHash(match[1]!))) continue;
    if (existsSync(path.join(home, 'caches', match[1]!, 'cache.db'))) continue;
    await keychain.delete(account);
    removed++;
  }
  // Every pending key is gone once the sweep ran on an unlocked keychain.
  for (const hash of pending) left.delete(hash);
  await savePendingKeyHashes(home, [...left]);
  return removed;
}

export { tenantFolderName };
