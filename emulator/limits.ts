// Per-caller rate limits as documented: entity APIs 100 calls a minute and 1,500 an
// hour, advanced hunting 45 a minute and 1,500 an hour. Sliding windows on the wall
// clock: limits are about the pace of requests, not the tenant's data clock.

export interface RateLimits {
  entityPerMinute: number;
  entityPerHour: number;
  huntingPerMinute: number;
  huntingPerHour: number;
}

export const DOCUMENTED_LIMITS: RateLimits = {
  entityPerMinute: 100,
  entityPerHour: 1500,
  huntingPerMinute: 45,
  huntingPerHour: 1500,
};

export type LimitClass = 'entity' | 'hunting';

export interface LimitVerdict {
  allowed: boolean;
  /** Whole seconds until a call would be allowed again. */
  retryAfterSeconds: number;
  message: string;
}

export class RateLimiter {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly limits: RateLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Record a call by `caller` if it is within the limits. */
  check(caller: string, kind: LimitClass): LimitVerdict {
    const now = this.clock();
    const key = `${kind}:${caller}`;
    const hourAgo = now - 3_600_000;
    const log = (this.calls.get(key) ?? []).filter((t) => t > hourAgo);
    this.calls.set(key, log);
    const perMinute = kind === 'entity' ? this.limits.entityPerMinute : this.limits.huntingPerMinute;
    const perHour = kind === 'entity' ? this.limits.entityPerHour : this.limits.huntingPerHour;
    const lastMinute = log.filter((t) => t > now - 60_000);
    if (lastMinute.length >= perMinute) {
      const oldest = lastMinute[lastMinute.length - perMinute]!;
      return this.refuse(oldest + 60_000 - now, perMinute, '1 minute');
    }
    if (log.length >= perHour) {
      const oldest = log[log.length - perHour]!;
      return this.refuse(oldest + 3_600_000 - now, perHour, '1 hour');
    }
    log.push(now);
    return { allowed: true, retryAfterSeconds: 0, message: '' };
  }

  private refuse(waitMs: number, limit: number, period: string): LimitVerdict {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      allowed: false,
      retryAfterSeconds,
      message: `API calls quota exceeded! Maximum allowed is ${limit} per ${period}. Please try again in ${retryAfterSeconds} seconds.`,
    };
  }
}
