import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { OutpostError } from '../../../contract';
import type { SchemaUpgrade, WorkerRequest, WorkerResponse, WorkerSetup } from './protocol';

/**
 * From source (tests, tsx) the worker is worker.ts, started through a tiny bootstrap that
 * loads tsx first (Node 20 ignores --import for a worker's own entry); in the esbuild bundle
 * it is cache-worker.mjs beside cli.mjs.
 */
function createWorker(override: URL | undefined, options: WorkerOptions): Worker {
  const here = new URL(import.meta.url);
  let url = override;
  if (!url && !here.pathname.endsWith('.ts')) {
    url = ['./cache-worker.mjs', '../cache-worker.mjs'].map((candidate) => new URL(candidate, here)).find((candidate) => existsSync(candidate));
    if (!url) throw new OutpostError('INTERNAL', 'The cache worker (cache-worker.mjs) is missing from this build of Outpost.');
  }
  url ??= new URL('./worker.ts', here);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  // tsx's CommonJS hook is the one that takes inside a worker on Node 20.
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs');
  const bootstrap = `require(${JSON.stringify(tsx)}); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** One worker thread and the requests waiting on it. */
export class CacheThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: WorkerResponse) => {
      if (message.type !== 'result') return;
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiting) return;
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new OutpostError(message.error.code, message.error.message));
    });
    const fail = (error: Error) => {
      this.exited = true;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', () => fail(new OutpostError('INTERNAL', 'A cache worker thread failed.')));
    worker.on('exit', () => fail(new OutpostError('CACHE_CLOSED', 'The cache is closed.')));
  }

  get load(): number {
    return this.pending.size;
  }

  /** `onUpgrade`: the writer is about to upgrade the schema (before it is ready). */
  static start(setup: WorkerSetup, workerUrl?: URL, onUpgrade?: (upgrade: SchemaUpgrade) => void): Promise<CacheThread> {
    const transfer = setup.key ? [setup.key.buffer as ArrayBuffer] : [];
    const worker = createWorker(workerUrl, { workerData: setup, transferList: transfer });
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerResponse) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(new CacheThread(worker));
        } else if (message.type === 'upgrading') {
          const { type: _type, ...upgrade } = message;
          onUpgrade?.(upgrade);
        } else if (message.type === 'failed') {
          cleanup();
          reject(new OutpostError(message.error.code, message.error.message));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new OutpostError('INTERNAL', `The cache worker could not start: ${error.message}`));
      };
      const onExit = () => {
        cleanup();
        reject(new OutpostError('INTERNAL', 'The cache worker stopped before it was ready.'));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  request(message: WorkerRequestBody, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.exited) return Promise.reject(new OutpostError('CACHE_CLOSED', 'The cache is closed.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.request({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (!this.exited) await this.worker.terminate();
  }
}
