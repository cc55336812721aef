/**
 * Token buckets for the documented API limits, one bucket per limit (per minute and per
 * hour), so Outpost slows itself down before the tenant has to say 429.
 */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      // The listener goes when the timer fires: a long sync sleeps thousands of times.
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.capacity) / this.windowMs);
    this.updatedAt = now;
  }

  /** Milliseconds until a call may go, 0 when it may go now. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * this.windowMs) / this.capacity);
  }

  take(): void {
    this.refill();
    this.tokens -= 1;
  }

  /** After a 429 the tenant's count is what matters: assume nothing is left. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}

export interface LimitSpec {
  perMinute: number;
  perHour: number;
}

/** The documented limits (mde-api.md). */
export const documentedLimits = {
  entity: { perMinute: 100, perHour: 1500 },
  hunting: { perMinute: 45, perHour: 1500 },
} as const satisfies Record<string, LimitSpec>;

export class CallLimiter {
  private readonly buckets: TokenBucket[];

  constructor(spec: LimitSpec, private readonly clock: Clock) {
    this.buckets = [new TokenBucket(spec.perMinute, 60_000, clock), new TokenBucket(spec.perHour, 3_600_000, clock)];
  }

  /** Waits for every bucket, then spends one token in each. Returns how long it waited. */
  async acquire(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const wait = Math.max(...this.buckets.map((bucket) => bucket.waitMs()));
      if (wait === 0) break;
      await this.clock.sleep(wait, signal);
      waited += wait;
    }
    for (const bucket of this.buckets) bucket.take();
    return waited;
  }

  drain(): void {
    for (const bucket of this.buckets) bucket.drain();
  }
}
