import Sqlite from 'better-sqlite3-multiple-ciphers';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { OutpostError } from '../../../contract';
import { cacheError, isAmbiguousDamage } from './errors';
import { checkPages } from './page-check';

export type Db = Sqlite.Database;

export interface EngineOptions {
  file: string;
  /** For error messages only. */
  tenantId: string;
  /**
   * The raw 256-bit key. `null` opens a PLAINTEXT database: only the ingest benchmark uses
   * that, to measure what encryption costs; nothing reachable from the CLI or UI passes it.
   */
  key: Uint8Array | null;
  /** The writer sets the journal mode and may create the file; readers and the copier are query-only. */
  role: 'writer' | 'reader' | 'copier';
  mustExist: boolean;
  /** Test hook: a page budget, to make SQLite report a full disk. */
  maxPageCount?: number;
}

/**
 * Page cache per connection: 128 MiB measured to roughly double ingest over SQLite's 2 MiB
 * default. The writer's is 96 MiB: it fills during a sync, and the sync's client process has a
 * 400 MB budget (peak 427 MB at 1M events with 128); 96 measured no slower in-thread (300k
 * events, encrypted: 22,470 and 17,554 events per CPU-second against 19,237 and 16,903).
 */
// The copier's checkpoint reads WAL frames and writes the file directly, past the page cache.
const cacheSizeKiB = { writer: 98304, reader: 131072, copier: 2048 };

/**
 * The WAL length at which the writer's next transaction waits for the copy in flight (the
 * copier, wal-copier.ts) or, without a copier, the writer copies at its next idle moment
 * (worker.ts): half the bound below. SQLite starts the WAL over only when a write begins with
 * every frame copied.
 */
export const walCopyBytes = 256 * 1024 * 1024;

/**
 * How long a cache's WAL file is now; 0 when there is none yet. The file shrinks back to
 * journal_size_limit (64 MiB) at the first commit after SQLite starts the WAL over.
 */
export function walBytes(cacheFile: string): number {
  try {
    return statSync(`${cacheFile}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * SQLCipher wants a raw key as the text x'<64 hex>'. We build that text in a Buffer we can
 * zero, instead of a JS string (immutable, left to the garbage collector).
 */
function rawKeyText(key: Uint8Array): Buffer {
  if (key.length !== 32) throw new OutpostError('INTERNAL', 'A cache key must be 32 bytes.');
  const text = Buffer.alloc(67);
  text.write("x'", 0, 'latin1');
  const hex = '0123456789abcdef';
  for (let i = 0; i < 32; i++) {
    const byte = key[i] ?? 0;
    text[2 + i * 2] = hex.charCodeAt(byte >> 4);
    text[3 + i * 2] = hex.charCodeAt(byte & 15);
  }
  text.write("'", 66, 'latin1');
  return text;
}

/** Names what went wrong when SQLite refuses a file: wrong key, altered file, or damage. */
export function diagnose(file: string, key: Uint8Array | null, error: unknown, tenantId: string): OutpostError {
  if (!key || !isAmbiguousDamage(error) || !existsSync(file)) return cacheError(error, tenantId);
  const check = checkPages(file, key);
  if (!check.keyMatches) return cacheError(error, tenantId, 'wrong-key');
  return cacheError(error, tenantId, check.badPages.length > 0 ? 'tampered' : 'corrupt');
}

/** Opens one connection, proves the key, and sets the pragmas every connection needs. */
export function openEngine(options: EngineOptions): Db {
  const { file, key, tenantId } = options;
  if (options.mustExist && !existsSync(file)) {
    throw new OutpostError('CACHE_NOT_FOUND', `There is no cache for tenant ${tenantId} yet. Sync the tenant to create it.`);
  }
  let db: Db;
  try {
    db = new Sqlite(file, { fileMustExist: options.mustExist, timeout: 10_000 });
    // Owner-only, like the keychain entry that opens it; SQLite gives -wal and -shm the same mode.
    chmodSync(file, 0o600);
  } catch (error) {
    throw cacheError(error, tenantId);
  }
  try {
    if (key) {
      db.pragma(`cipher='sqlcipher'`);
      db.pragma('legacy=4');
      const text = rawKeyText(key);
      try {
        db.key(text);
      } finally {
        text.fill(0);
      }
    }
    // Reading the schema decrypts page 1: the first place a wrong key shows.
    const objects = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
    // Set before the first table exists: lets a purge hand freed pages back (incremental vacuum).
    if (objects === 0 && options.role === 'writer') db.pragma('auto_vacuum=INCREMENTAL');
    if (options.maxPageCount) db.pragma(`max_page_count=${options.maxPageCount}`);
    db.pragma('temp_store=MEMORY'); // no plaintext temp files
    db.pragma('secure_delete=ON'); // freed pages are zeroed, not left readable in the file
    db.pragma('foreign_keys=ON');
    db.pragma(`cache_size=-${cacheSizeKiB[options.role]}`);
    if (options.role === 'writer') {
      db.pragma('journal_mode=WAL'); // the WAL is encrypted page by page too
      db.pragma('synchronous=NORMAL'); // durable at checkpoints; WAL keeps the file consistent
      // Checkpoint every 512 MiB of WAL instead of every 4 MiB: a page rewritten by many
      // batches is then copied (and encrypted) once. Measured on the mixed ingest probe:
      // about +40% encrypted events per CPU-second at 128 MiB. The writer checkpoints when
      // idle and the WAL has passed half of this (worker.ts); this bounds one that never is.
      // A 90,000-row answer's WAL passes 128 MiB at 1M events, so each bound below ~2
      // answers made every answer's pages a copy of their own (see worker.ts for figures).
      // The WAL is cut back to 64 MiB after.
      db.pragma('wal_autocheckpoint=131072');
      db.pragma(`journal_size_limit=${64 * 1024 * 1024}`);
    } else {
      db.pragma('query_only=ON');
    }
    return db;
  } catch (error) {
    db.close();
    throw diagnose(file, key, error, tenantId);
  }
}

/** Re-encrypts an open writer connection under a new key (the rekey pragma needs a rollback journal). */
export function reencrypt(db: Db, newKey: Uint8Array): void {
  db.pragma('journal_mode=DELETE');
  const text = rawKeyText(newKey);
  try {
    db.rekey(text);
  } finally {
    text.fill(0);
  }
  db.pragma('journal_mode=WAL');
}
