import { statSync } from 'node:fs';
import { eventRows, huntingTables } from './columns';
import type { Db } from './engine';
import { latestSchemaVersion } from './migrations';
import { schemaVersion } from './migrate';
import { readMeta } from './meta';

/** What `outpost cache info` shows: where, how big, how protected, what is inside. No secrets. */
export interface CacheInfo {
  tenantId: string;
  region: string;
  createdAt: string;
  createdByVersion: string;
  path: string;
  /** The database file plus its WAL and shared-memory index. */
  sizeBytes: number;
  cipher: string;
  pageSize: number;
  schemaVersion: number;
  latestSchemaVersion: number;
  rowCounts: Record<string, number>;
}

export const countedTables = [
  'machines', 'machine_ip_addresses', 'machine_tags', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files',
  'device_info', 'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses',
  'domains', 'urls', 'sync_checkpoints', 'tenant_policy', 'audit_log', 'notes', 'tags',
];

const countingCacheKiB = 4096;

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function cacheInfo(db: Db, file: string, encrypted: boolean): CacheInfo {
  const meta = readMeta(db);
  const rowCounts: Record<string, number> = {};
  // An event table's rows are counted where they are stored: its view's join would be read per row.
  const stored = new Set<string>(Object.values(huntingTables).map(({ table }) => table));
  /*
   * Counting reads one whole index of each table (about 12,000 pages at 1M events), and through
   * a reader's 128 MiB page cache that added 52 MB to the process: the peak of a sync's client,
   * which shows its counts when the sync ends (bench: 358-413 MB there). So a small cache while
   * counting; the warm pages it pushes out are read again on the next first visits.
   */
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size=-${countingCacheKiB}`);
  try {
    for (const table of countedTables) {
      rowCounts[table] = db.prepare(`SELECT count(*) FROM ${stored.has(table) ? eventRows(table) : table}`).pluck().get() as number;
    }
  } finally {
    db.pragma(`cache_size=${cacheSize}`);
  }
  return {
    tenantId: meta?.tenantId ?? '',
    region: meta?.region ?? '',
    createdAt: meta?.createdAt ?? '',
    createdByVersion: meta?.createdByVersion ?? '',
    path: file,
    sizeBytes: fileSize(file) + fileSize(`${file}-wal`) + fileSize(`${file}-shm`),
    cipher: encrypted ? 'SQLCipher v4 (AES-256-CBC, HMAC-SHA512 per page, raw 256-bit key)' : 'none (plaintext benchmark database)',
    pageSize: db.pragma('page_size', { simple: true }) as number,
    schemaVersion: schemaVersion(db),
    latestSchemaVersion,
    rowCounts,
  };
}
