import type { Readable } from 'node:stream';
import { OutpostError } from '../../../contract';
import { readText, type HttpsAnswer, type HttpsClient } from './https-client';
import { CallLimiter, documentedLimits, realClock, type Clock, type LimitSpec } from './rate-limit';
import { huntingRows } from './result-stream';

export type CallKind = 'entity' | 'hunting';
export type CallLimiters = Record<CallKind, CallLimiter>;

/** Windows for each kind of call: the documented limits unless told others. */
function limitersOf(limits: Partial<Record<CallKind, LimitSpec>>, clock: Clock): CallLimiters {
  return { entity: new CallLimiter(limits.entity ?? documentedLimits.entity, clock), hunting: new CallLimiter(limits.hunting ?? documentedLimits.hunting, clock) };
}

/** The documented limits' windows, on the real clock. */
export function documentedLimiters(): CallLimiters {
  return limitersOf({}, realClock);
}

/** What the API client reports while it waits, for the sync's progress line. */
export type ApiWait = { kind: 'throttle' | 'retry' | 'budget'; ms: number; reason: string };

export interface DefenderApiOptions {
  /** https://api.security.microsoft.com, a geo host, a gov host, or a private endpoint. */
  baseUrl: string;
  http: HttpsClient;
  /** The sign-in's access token; forceRefresh after a 401. */
  accessToken(forceRefresh: boolean): Promise<string>;
  clock?: Clock;
  limits?: Partial<Record<CallKind, LimitSpec>>;
  /** The tenant's call windows, kept across this process's syncs (connect.ts); `limits` and `clock` make new ones. */
  limiters?: CallLimiters;
  /** Retries of 5xx and network errors (not 429, which waits as told). */
  retries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  onWait?(wait: ApiWait): void;
  /** The tenant's clock, from each answer's Date header (the retention clock trusts it). */
  onServerTime?(date: Date): void;
  signal?: AbortSignal;
}

export interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** A step the caller must undo when a streamed answer fails part-way (then it is retried). */
export interface StreamConsumer<R> {
  consume(rows: AsyncIterable<Array<Record<string, unknown>>>): Promise<R>;
  discard(): Promise<void>;
}

const MAX_THROTTLES = 30;

/**
 * The Defender for Endpoint API as mde-api.md documents it: token buckets per limit,
 * Retry-After obeyed, one token refresh on 401, 5xx and network errors retried with
 * exponential backoff and full jitter, the error body's code and message surfaced.
 */
export class DefenderApi {
  private readonly limiters: CallLimiters;
  private readonly clock: Clock;
  private readonly random: () => number;

  constructor(private readonly options: DefenderApiOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.limiters = options.limiters && !options.limits && !options.clock ? options.limiters : limitersOf(options.limits ?? {}, this.clock);
  }

  /** How many calls of this kind the limits let go now, without waiting (the sync plans around the rest). */
  callsFreeNow(kind: CallKind): number {
    return this.limiters[kind].freeNow();
  }

  /** One entity call answered with JSON. */
  async getJson<T>(path: string): Promise<T> {
    return this.call('entity', { method: 'GET', path }, async (answer) => JSON.parse(await readText(answer.body)) as T);
  }

  /** Like getJson, but a 404 is null (a file or machine the tenant does not know). */
  async getJsonOrNull<T>(path: string): Promise<T | null> {
    try {
      return await this.getJson<T>(path);
    } catch (error) {
      if (error instanceof OutpostError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /**
   * Every row of a collection: `$top` + `$skip` pages (the service may omit nextLink when
   * `$top` is given), following `@odata.nextLink` whenever it is present.
   */
  async *pages<T>(path: string, query: Record<string, string> = {}, pageSize = 10_000): AsyncGenerator<T[]> {
    let skip = 0;
    let next: string | null = withQuery(path, { ...query, $top: String(pageSize), $skip: '0' });
    while (next) {
      const page: Page<T> = await this.getJson<Page<T>>(next);
      if (!Array.isArray(page.value)) throw new OutpostError('API_ERROR', `The answer to ${path} has no value list.`);
      if (page.value.length > 0) yield page.value;
      skip += page.value.length;
      const link = page['@odata.nextLink'];
      if (link) next = this.relative(link);
      else next = page.value.length < pageSize ? null : withQuery(path, { ...query, $top: String(pageSize), $skip: String(skip) });
    }
  }

  /** An advanced-hunting query; rows are streamed to the consumer as they arrive. */
  async hunt<R>(query: string, consumer: StreamConsumer<R>): Promise<R> {
    return this.call('hunting', { method: 'POST', path: '/api/advancedqueries/run', body: JSON.stringify({ Query: query }) }, async (answer) => {
      try {
        return await consumer.consume(huntingRows(answer.body as Readable));
      } catch (error) {
        // The rest of a failed answer is never read: close it rather than leave the socket
        // holding it (a sync asks the next answer while it writes one; see phases.ts).
        answer.body.destroy();
        await consumer.discard();
        throw error;
      }
    });
  }

  private relative(link: string): string {
    const url = new URL(link, this.options.baseUrl);
    const base = new URL(this.options.baseUrl);
    // A nextLink pointing at another host is not followed: the token goes only where the profile says.
    if (url.host !== base.host) throw new OutpostError('API_ERROR', `The tenant's nextLink points at another host (${url.host}).`);
    return url.pathname + url.search;
  }

  private async call<R>(kind: CallKind, request: { method: 'GET' | 'POST'; path: string; body?: string }, read: (answer: HttpsAnswer) => Promise<R>): Promise<R> {
    const retries = this.options.retries ?? 6;
    let failures = 0;
    let throttles = 0;
    let refreshed = false;
    for (;;) {
      const waited = await this.limiters[kind].acquire(this.options.signal);
      if (waited > 0) this.options.onWait?.({ kind: 'budget', ms: waited, reason: `${kind} call budget` });
      const token = await this.options.accessToken(false);
      let answer: HttpsAnswer;
      try {
        answer = await this.options.http.request({
          method: request.method,
          url: this.options.baseUrl + request.path,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(request.body ? { 'Content-Type': 'application/json' } : {}),
          },
          body: request.body,
        });
      } catch (error) {
        if (error instanceof OutpostError && error.code !== 'NETWORK') throw error;
        await this.backoff(++failures, retries, 'network error', error);
        continue;
      }
      const date = answer.headers.date ? new Date(answer.headers.date) : null;
      if (date && !Number.isNaN(date.getTime())) this.options.onServerTime?.(date);

      if (answer.status >= 200 && answer.status < 300) {
        try {
          return await read(answer);
        } catch (error) {
          if (error instanceof OutpostError) throw error;
          // A body cut off or malformed: nothing of it was kept, so ask again.
          await this.backoff(++failures, retries, 'incomplete answer', error);
          continue;
        }
      }
      const body = await readText(answer.body).catch(() => '');
      if (answer.status === 401 && !refreshed) {
        refreshed = true;
        await this.options.accessToken(true);
        continue;
      }
      if (answer.status === 429) {
        if (++throttles > MAX_THROTTLES) throw new OutpostError('API_THROTTLED', 'The tenant kept refusing calls (429); try again later.');
        const seconds = Number.parseInt(String(answer.headers['retry-after'] ?? ''), 10);
        const ms = (Number.isFinite(seconds) && seconds >= 0 ? seconds : 30) * 1000;
        // Held in the limiter too, so the other calls of this kind wait it out as well.
        this.limiters[kind].holdFor(ms);
        this.options.onWait?.({ kind: 'throttle', ms, reason: 'the tenant asked to wait (429)' });
        await this.clock.sleep(ms, this.options.signal);
        continue;
      }
      if (answer.status >= 500) {
        await this.backoff(++failures, retries, `server error ${answer.status}`, apiError(answer.status, body));
        continue;
      }
      throw apiError(answer.status, body);
    }
  }

  private async backoff(failures: number, retries: number, reason: string, error: unknown): Promise<void> {
    if (failures > retries) {
      if (error instanceof OutpostError) throw error;
      throw new OutpostError('NETWORK', `The tenant did not answer properly after ${retries} retries (${reason}).`);
    }
    const base = this.options.backoffBaseMs ?? 500;
    const cap = this.options.backoffCapMs ?? 30_000;
    const ms = Math.round(this.random() * Math.min(cap, base * 2 ** (failures - 1)));
    this.options.onWait?.({ kind: 'retry', ms, reason });
    await this.clock.sleep(ms, this.options.signal);
  }
}

function withQuery(path: string, query: Record<string, string>): string {
  const params = new URLSearchParams(query).toString().replace(/%24/g, '$');
  return params ? `${path}${path.includes('?') ? '&' : '?'}${params}` : path;
}

/** The documented error body, `{"error": {"code", "message", "target"}}`, as an OutpostError. */
export function apiError(status: number, body: string): OutpostError {
  let code = `HTTP ${status}`;
  let message = '';
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? code;
    message = parsed.error?.message ?? '';
  } catch {
    // not the documented shape; the status says enough
  }
  const detail = `${code}${message ? `: ${message}` : ''}`;
  if (status === 401) return new OutpostError('SIGN_IN_REQUIRED', `The tenant refused the sign-in (${detail}); sign in again.`);
  if (status === 403 && /licen[cs]e|subscription|DisabledFeature|expired/i.test(detail)) {
    return new OutpostError('LICENSE_LAPSED', `The tenant's Defender for Endpoint licence does not allow this call (${detail}).`);
  }
  if (status === 403) return new OutpostError('API_FORBIDDEN', `The tenant refused the call (${detail}).`);
  if (status === 404) return new OutpostError('NOT_FOUND', `The tenant has no such item (${detail}).`);
  if (status === 429) return new OutpostError('API_THROTTLED', `The tenant is throttling calls (${detail}).`);
  return new OutpostError('API_ERROR', `The tenant answered ${status} (${detail}).`);
}
