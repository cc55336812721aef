import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where a tenant's cache lives: <home>/caches/<folder>/cache.db, with SQLite's -wal and
 * -shm (and, during a rekey, -journal) beside it. One folder per tenant, so a wipe is
 * one folder and tenants never share a file.
 */
export interface CachePaths {
  folder: string;
  database: string;
  wal: string;
  shm: string;
  journal: string;
}

/**
 * A folder name that is safe on every file system: the tenant id itself when it is a plain
 * name (tenant ids are GUIDs), else a hash of it. Lower-cased: tenant GUIDs are case-blind.
 */
export function tenantFolderName(tenantId: string): string {
  const id = tenantId.trim().toLowerCase();
  if (/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id)) return id;
  return `t-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
}

export function cachePaths(home: string, tenantId: string): CachePaths {
  const folder = path.join(home, 'caches', tenantFolderName(tenantId));
  const database = path.join(folder, 'cache.db');
  return { folder, database, wal: `${database}-wal`, shm: `${database}-shm`, journal: `${database}-journal` };
}

/** The keychain account holding a tenant cache's key. */
export function cacheKeyAccount(tenantId: string): string {
  return `cache:${tenantFolderName(tenantId)}`;
}

/** The account a rekey parks the new key under until the file is re-encrypted. */
export function pendingCacheKeyAccount(tenantId: string): string {
  return `${cacheKeyAccount(tenantId)}:pending`;
}

/** Beside the cache file: the audit log's newest (seq, hash), see the writer worker. */
export function auditAnchorFile(database: string): string {
  return `${database}-audit-head`;
}
