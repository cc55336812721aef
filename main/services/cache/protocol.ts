import type { ErrorCode } from '../../../contract';
import type { AuditRecord, CacheBatch } from './records';

/** What a cache worker is started with. The key travels as bytes and is zeroed on close. */
export interface WorkerSetup {
  /** A copier is a reader that only copies the WAL into the file (wal-copier.ts). */
  role: 'writer' | 'reader' | 'copier';
  file: string;
  tenantId: string;
  region?: string;
  create: boolean;
  /** null only for the plaintext benchmark database. */
  key: Uint8Array | null;
  appVersion: string;
  maxPageCount?: number;
}

export type WorkerRequest =
  | { id: number; op: 'write'; batch: CacheBatch }
  | { id: number; op: 'begin' }
  | { id: number; op: 'append'; batch: CacheBatch }
  | { id: number; op: 'commit'; batch?: CacheBatch }
  | { id: number; op: 'rollback' }
  | { id: number; op: 'purge'; cutoff: string; audit?: AuditRecord }
  | { id: number; op: 'forgetMachinesOutside'; keep: string[]; audit?: AuditRecord }
  | { id: number; op: 'settle' }
  | { id: number; op: 'checkpoint' }
  | { id: number; op: 'copy' }
  | { id: number; op: 'query'; name: string; params: unknown }
  | { id: number; op: 'info' }
  | { id: number; op: 'rekey'; newKey: Uint8Array }
  | { id: number; op: 'close' };

/** An upgrade of the cache's schema, announced before it runs: a big cache takes minutes (0006: 23 s at 1M events). */
export interface SchemaUpgrade {
  from: number;
  to: number;
  /** How far it is, 1 to 100, once it has started (absent in the first announcement). */
  percent?: number;
}

export type WorkerResponse =
  | { type: 'ready' }
  | ({ type: 'upgrading' } & SchemaUpgrade)
  | { type: 'failed'; error: { code: ErrorCode; message: string } }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: { code: ErrorCode; message: string } };
