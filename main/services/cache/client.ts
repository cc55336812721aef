import { OutpostError } from '../../../contract';
import { appVersion } from '../../config/version';
import type { CacheInfo } from './info';
import type { ForgetSummary } from './forget-machines';
import type { PurgeSummary } from './purge';
import { CacheThread } from './cache-thread';
import { walCopyBytes } from './engine';
import { WalCopier } from './wal-copier';
import type { QueryName, QueryParams, QueryResult } from './queries';
import type { SchemaUpgrade } from './protocol';
import type { AuditRecord, CacheBatch, WriteSummary } from './records';

export interface CacheTransaction {
  append(batch: CacheBatch): Promise<void>;
  commit(final?: CacheBatch): Promise<WriteSummary | null>;
  rollback(): Promise<void>;
}

/** A tenant's cache as the rest of Outpost uses it: every call runs in a worker thread. */
export interface CacheClient {
  readonly tenantId: string;
  readonly path: string;
  /** Commits one batch in one transaction on the writer thread. */
  write(batch: CacheBatch): Promise<WriteSummary>;
  /**
   * A transaction over several batches that commits once: a hunting answer of up to
   * 100,000 rows streams in as it is parsed and becomes visible, with its checkpoint,
   * only at commit. Other writes wait for it.
   */
  transaction(): Promise<CacheTransaction>;
  /**
   * Removes rows older than the cutoff and hands their pages back (see purge.ts). `audit`, when
   * given, is recorded in the same transaction if anything went, with the counts in its detail.
   */
  purge(cutoff: string, audit?: AuditRecord): Promise<PurgeSummary>;
  /** Removes every row of the machines not in `keep` (ids), as the purge removes rows (see forget-machines.ts); `audit` as for purge. */
  forgetMachinesOutside(keep: readonly string[], audit?: AuditRecord): Promise<ForgetSummary>;
  /**
   * Waits for the WAL copier to copy every commit so far, then does now what the writer does
   * at its next idle moment (worker.ts: the checkpoint, once the WAL is big enough). The ingest
   * benchmark ends each turn of answers with it, so each side's cost is counted whole.
   */
  settle(): Promise<void>;
  /**
   * Does now what the writer does after a quiet spell: copies the whole WAL into the file, so
   * reads no longer look pages up in it. The query benchmark starts from there, as an analyst
   * does who opens a machine after the sync has finished.
   */
  checkpoint(): Promise<void>;
  /** Runs a named read on a reader thread; never waits for a write in progress. */
  query<N extends QueryName>(name: N, ...params: QueryParams<N> extends Record<string, never> ? [] : [QueryParams<N>]): Promise<QueryResult<N>>;
  info(): Promise<CacheInfo>;
  close(): Promise<void>;
}

export interface StartCacheOptions {
  file: string;
  tenantId: string;
  region?: string;
  create: boolean;
  /** Raw 32-byte key; the client zeroes it once the workers have their copies. null: plaintext, benchmark only. */
  key: Uint8Array | null;
  readers?: number;
  /** Test hook, see EngineOptions.maxPageCount. */
  maxPageCount?: number;
  /** Where the worker script is, when not beside this module or the bundle. */
  workerUrl?: URL;
  /** false: no copier thread; the writer copies its WAL itself at idle moments, as before it (tests compare the two). */
  walCopier?: boolean;
  /** Test hook: the WAL length at which a transaction waits for the copy (engine.ts walCopyBytes). */
  walCopyBytes?: number;
  /** Told before the writer upgrades an older cache's schema, so the analyst knows why the open waits. */
  onUpgrade?: (upgrade: SchemaUpgrade) => void;
}

/** A fresh, unpooled copy of a key, so transferring it detaches nothing else. */
function keyCopy(key: Uint8Array): Uint8Array {
  const copy = new Uint8Array(new ArrayBuffer(key.length));
  copy.set(key);
  return copy;
}

/** Starts the writer (which creates or migrates the file); readers start behind it and on demand. */
export async function startCacheClient(options: StartCacheOptions): Promise<CacheClient & { rekey(newKey: Uint8Array): Promise<void> }> {
  const base = { file: options.file, tenantId: options.tenantId, region: options.region, appVersion: appVersion(), maxPageCount: options.maxPageCount };
  const wanted = Math.max(1, options.readers ?? 2);
  /*
   * Each thread start costs 100-250 ms on a loaded machine, and opening a cache is on the
   * analyst's path: open waits for the writer only (it proves the key, refuses another
   * tenant's or a newer cache and migrates, as before); the first reader starts right behind
   * it, and until it is up a query runs on the writer if the writer is idle. Further readers
   * start once a query finds every reader busy. This copy of the key waits here for them
   * (zeroed when the last has started, on rekey and on close), as the threads' own copies do.
   * The WAL copier (wal-copier.ts) starts at the first streamed transaction (a sync's or an
   * import's: browsing never needs it), with a copy of its own, zeroed likewise.
   */
  let spareKey = options.key ? keyCopy(options.key) : null;
  let copierKey = options.key && options.walCopier !== false ? keyCopy(options.key) : null;
  const encrypted = options.key !== null;
  const readers: CacheThread[] = [];
  let theWriter: CacheThread;
  try {
    theWriter = await CacheThread.start({ ...base, role: 'writer', create: options.create, key: options.key ? keyCopy(options.key) : null }, options.workerUrl, options.onUpgrade);
  } catch (error) {
    spareKey?.fill(0);
    copierKey?.fill(0);
    throw error;
  } finally {
    options.key?.fill(0);
  }
  const writer = theWriter;
  let closed = false;
  let growing: Promise<void> | null = null;
  let transactions = 0;
  const dropSpareKey = () => {
    spareKey?.fill(0);
    spareKey = null;
  };
  let copier: WalCopier | null = null;
  const theCopier = (): WalCopier | null => {
    if (copier || closed || options.walCopier === false || (encrypted && !copierKey)) return copier;
    const key = copierKey;
    copierKey = null;
    const thread = CacheThread.start({ ...base, role: 'copier', create: false, key }, options.workerUrl).catch(() => null);
    copier = new WalCopier(thread, options.file, options.walCopyBytes ?? walCopyBytes);
    return copier;
  };
  const stopCopier = async () => {
    copierKey?.fill(0);
    copierKey = null;
    await copier?.stop();
    copier = null;
  };
  /** Work that copies the WAL itself or must not meet a copy: the copier waits it out. */
  const held = <T>(work: () => Promise<T>): Promise<T> => (copier ? copier.held(work) : work());
  const grow = () => {
    if (growing || closed || readers.length >= wanted || (encrypted && !spareKey)) return;
    const key = spareKey ? keyCopy(spareKey) : null;
    growing = CacheThread.start({ ...base, role: 'reader', create: false, key }, options.workerUrl).then(
      async (thread) => {
        if (closed || (encrypted && !spareKey)) await thread.close();
        else readers.push(thread);
      },
      () => undefined, // the threads already open go on serving
    ).finally(() => {
      growing = null;
      if (readers.length >= wanted) dropSpareKey();
    });
  };
  grow();
  const reader = async (): Promise<CacheThread> => {
    if (readers.length === 0 && !(writer.load === 0 && transactions === 0)) {
      // No reader yet and the writer is busy: a read must not queue behind a write.
      grow();
      await growing;
    }
    if (readers.length === 0) return writer;
    const best = readers.reduce((least, candidate) => (candidate.load < least.load ? candidate : least));
    if (best.load > 0) grow();
    return best;
  };
  const open = () => {
    if (closed) throw new OutpostError('CACHE_CLOSED', `The cache of tenant ${options.tenantId} is closed.`);
  };
  return {
    tenantId: options.tenantId,
    path: options.file,
    async write(batch) {
      open();
      return (await writer.request({ op: 'write', batch })) as WriteSummary;
    },
    async purge(cutoff, audit) {
      open();
      return (await held(() => writer.request({ op: 'purge', cutoff, audit }))) as PurgeSummary;
    },
    async forgetMachinesOutside(keep, audit) {
      open();
      return (await held(() => writer.request({ op: 'forgetMachinesOutside', keep: [...keep], audit }))) as ForgetSummary;
    },
    async settle() {
      open();
      await copier?.caughtUp();
      await held(() => writer.request({ op: 'settle' }));
    },
    async checkpoint() {
      open();
      await held(() => writer.request({ op: 'checkpoint' }));
    },
    async transaction() {
      open();
      transactions++;
      try {
        await theCopier()?.beforeBegin();
        await writer.request({ op: 'begin' });
      } catch (error) {
        transactions--;
        throw error;
      }
      let finished = false;
      const done = () => {
        if (finished) throw new OutpostError('INTERNAL', 'This transaction has ended.');
      };
      const end = () => {
        transactions--;
      };
      return {
        async append(batch) {
          done();
          await writer.request({ op: 'append', batch });
        },
        async commit(final) {
          done();
          finished = true;
          try {
            const summary = (await writer.request({ op: 'commit', batch: final })) as WriteSummary | null;
            copier?.afterCommit();
            return summary;
          } finally {
            end();
          }
        },
        async rollback() {
          if (finished) return;
          finished = true;
          await writer.request({ op: 'rollback' }).catch(() => undefined);
          end();
        },
      };
    },
    async query(name, ...params) {
      open();
      return (await (await reader()).request({ op: 'query', name, params: params[0] ?? {} })) as never;
    },
    async info() {
      open();
      return (await (await reader()).request({ op: 'info' })) as CacheInfo;
    },
    async rekey(newKey) {
      open();
      // Readers hold WAL snapshots; the rekey needs the file to itself.
      dropSpareKey();
      await growing;
      await Promise.all([stopCopier(), ...readers.splice(0).map((thread) => thread.close())]);
      const copy = keyCopy(newKey);
      newKey.fill(0);
      await writer.request({ op: 'rekey', newKey: copy }, [copy.buffer as ArrayBuffer]);
    },
    async close() {
      if (closed) return;
      closed = true;
      dropSpareKey();
      await growing;
      await Promise.all([stopCopier(), writer.close(), ...readers.map((thread) => thread.close())]);
    },
  };
}
