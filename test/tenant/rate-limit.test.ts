import { describe, expect, it } from 'vitest';
import { CallLimiter, TokenBucket } from '../../main/services/tenant/rate-limit';
import { recordingClock } from './emulated-tenant';

describe('token buckets', () => {
  it('lets a burst of the minute budget through, then spaces calls to the refill rate', async () => {
    const clock = recordingClock();
    const limiter = new CallLimiter({ perMinute: 100, perHour: 1500 }, clock);
    for (let i = 0; i < 100; i++) expect(await limiter.acquire()).toBe(0);
    const waited = await limiter.acquire();
    expect(waited).toBeGreaterThanOrEqual(590);
    expect(waited).toBeLessThanOrEqual(610);
  });

  it('holds the hourly budget too: 1,500 calls, then waits on the hour bucket', async () => {
    const clock = recordingClock();
    const limiter = new CallLimiter({ perMinute: 100, perHour: 1500 }, clock);
    let waitedTotal = 0;
    for (let i = 0; i < 1500; i++) waitedTotal += await limiter.acquire();
    // 1,500 calls at 100 a minute need about 14 minutes of refill.
    expect(waitedTotal).toBeGreaterThan(13 * 60_000);
    const next = await limiter.acquire();
    expect(next).toBeGreaterThan(0);
  });

  it('drains after a 429 so the next call waits', () => {
    const clock = recordingClock();
    const bucket = new TokenBucket(45, 60_000, clock);
    expect(bucket.waitMs()).toBe(0);
    bucket.drain();
    expect(bucket.waitMs()).toBeGreaterThan(0);
  });
});
