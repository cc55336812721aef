import { OutpostError } from '../../../contract';

/** The way out of a damaged cache, said the same everywhere. Nothing is deleted for the user. */
export function wayOut(tenantId: string): string {
  return `Nothing was deleted. To start over, wipe this cache with \`outpost wipe --tenant ${tenantId}\` and sync again with \`outpost sync --tenant ${tenantId}\`.`;
}

function sqliteCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * Maps an SQLite failure to a stable Outpost error. The SQLite message is kept out of the
 * text (it can quote SQL) but kept as the cause for debugging in-process.
 * SQLITE_NOTADB/CORRUPT are ambiguous (wrong key or altered file); callers that hold the
 * key resolve them with checkPages first, and pass what they found as `damage`.
 */
export function cacheError(error: unknown, tenantId: string, damage?: 'wrong-key' | 'tampered' | 'corrupt'): OutpostError {
  if (error instanceof OutpostError) return error;
  const code = sqliteCode(error) ?? '';
  const options = { cause: error };
  if (damage === 'wrong-key') {
    return new OutpostError('CACHE_WRONG_KEY', `The key in the keychain does not open the cache of tenant ${tenantId}: it belongs to another cache or the cache was re-keyed elsewhere. ${wayOut(tenantId)}`, options);
  }
  if (damage === 'tampered') {
    return new OutpostError('CACHE_TAMPERED', `The cache of tenant ${tenantId} was altered outside Outpost: a page failed its integrity check (HMAC). Do not trust it. ${wayOut(tenantId)}`, options);
  }
  if (damage === 'corrupt' || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new OutpostError('CACHE_CORRUPT', `The cache of tenant ${tenantId} is damaged and cannot be read. ${wayOut(tenantId)}`, options);
  }
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' && /full|space/i.test(String((error as Error).message))) {
    return new OutpostError('CACHE_DISK_FULL', `The disk holding the cache of tenant ${tenantId} is full; the last change was not saved and the cache is intact. Free some space and try again.`, options);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new OutpostError('CACHE_LOCKED', `The cache of tenant ${tenantId} is in use by another Outpost window or command. Close it and try again.`, options);
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new OutpostError('CACHE_READ_ONLY', `The cache of tenant ${tenantId} cannot be written: check the permissions of its folder and that the disk is not read-only.`, options);
  }
  return new OutpostError('INTERNAL', `The cache of tenant ${tenantId} failed (${code || 'unexpected error'}).`, options);
}

export function isAmbiguousDamage(error: unknown): boolean {
  const code = sqliteCode(error) ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}
