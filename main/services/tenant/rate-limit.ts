/**
 * The documented API limits (so many calls a minute and so many an hour), kept by Outpost
 * itself so the tenant never has to say 429. Each limit is a sliding window over the calls
 * this client made: a call goes while fewer than the limit were made in the window before
 * it, which keeps every window of the service within the limit whichever way it counts
 * (sliding, as the emulator does, fixed windows, or a bucket the size of the limit).
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

/*
 * A call reaches the service a network trip after it starts here, and the service counts it
 * from its arrival: a call that waited for the oldest one to leave the window by exactly its
 * age could arrive while the service still counts that one (jitter), and earn a 429.
 */
const arrivalMarginMs = 1000;

export class SlidingWindow {
  /** When each call of the current window started, oldest first. */
  private readonly calls: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds until a call may go, 0 when it may go now. */
  waitMs(): number {
    const now = this.forgetPast();
    if (this.calls.length < this.limit) return 0;
    return this.calls[this.calls.length - this.limit]! + this.windowMs + arrivalMarginMs - now;
  }

  /** How many calls may go now, one after another, without waiting. */
  free(): number {
    this.forgetPast();
    return Math.max(0, this.limit - this.calls.length);
  }

  take(): void {
    this.calls.push(this.clock.now());
  }

  /** Drops the calls that have left the window; returns the time it judged by. */
  private forgetPast(): number {
    const now = this.clock.now();
    while (this.calls.length > 0 && this.calls[0]! + this.windowMs + arrivalMarginMs <= now) this.calls.shift();
    return now;
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
  private readonly windows: SlidingWindow[];
  /** Set by a 429: the tenant counts calls this client does not know of (another app on its quota). */
  private heldUntil = 0;

  constructor(spec: LimitSpec, private readonly clock: Clock) {
    this.windows = [new SlidingWindow(spec.perMinute, 60_000, clock), new SlidingWindow(spec.perHour, 3_600_000, clock)];
  }

  /** Waits for every window (and a 429's Retry-After), then counts the call in each. Returns how long it waited. */
  async acquire(signal?: AbortSignal): Promise<number> {
    let waited = 0;
    for (;;) {
      const wait = Math.max(this.heldUntil - this.clock.now(), ...this.windows.map((window) => window.waitMs()));
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
      waited += wait;
    }
    for (const window of this.windows) window.take();
    return waited;
  }

  /** How many calls may go now without waiting: none while a 429's Retry-After runs. */
  freeNow(): number {
    if (this.heldUntil > this.clock.now()) return 0;
    return Math.min(...this.windows.map((window) => window.free()));
  }

  /**
   * After a 429, no call of this kind goes before the tenant's Retry-After has passed. Only
   * that: assuming the hour's budget spent too (as this client once did, draining every
   * bucket) paced a first sync's 260 entity calls at the hourly rate, 2.4 s a call.
   */
  holdFor(ms: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + ms);
  }
}
