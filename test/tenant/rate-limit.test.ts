import { describe, expect, it } from 'vitest';
import { DOCUMENTED_LIMITS, RateLimiter } from '../../emulator/limits';
import { CallLimiter, documentedLimits, type Clock } from '../../main/services/tenant/rate-limit';
import { recordingClock } from './emulated-tenant';

/** A clock that only moves when told to: the test decides how long each call takes. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('call limits', () => {
  it("lets the minute's calls through at once, then the next when the first is a minute old", async () => {
    const clock = recordingClock();
    const limiter = new CallLimiter({ perMinute: 100, perHour: 1500 }, clock);
    for (let i = 0; i < 100; i++) expect(await limiter.acquire()).toBe(0);
    const waited = await limiter.acquire();
    // A minute, and the second the call's arrival may trail its start.
    expect(waited).toBeGreaterThanOrEqual(60_500);
    expect(waited).toBeLessThanOrEqual(61_000);
  });

  it('says how many calls may go without waiting: the minute\'s rest, none after a 429, more as calls age out', async () => {
    const clock = manualClock();
    const limiter = new CallLimiter({ perMinute: 10, perHour: 15 }, clock);
    expect(limiter.freeNow()).toBe(10);
    for (let i = 0; i < 4; i++) await limiter.acquire();
    expect(limiter.freeNow()).toBe(6);
    clock.advance(61_000); // the four have left the minute, not the hour
    expect(limiter.freeNow()).toBe(10);
    for (let i = 0; i < 8; i++) await limiter.acquire();
    expect(limiter.freeNow()).toBe(2);
    clock.advance(61_000);
    expect(limiter.freeNow()).toBe(3); // the hour's 15 less its 12
    limiter.holdFor(5_000);
    expect(limiter.freeNow()).toBe(0);
    clock.advance(5_000);
    expect(limiter.freeNow()).toBe(3);
    // What it said may go did go at once.
    for (let i = 0; i < 3; i++) expect(await limiter.acquire()).toBe(0);
    expect(limiter.freeNow()).toBe(0);
  });

  it('holds the hourly budget too: 1,500 calls, then waits for the first to be an hour old', async () => {
    const clock = recordingClock();
    const limiter = new CallLimiter({ perMinute: 100, perHour: 1500 }, clock);
    let waitedTotal = 0;
    for (let i = 0; i < 1500; i++) waitedTotal += await limiter.acquire();
    // 1,500 calls at 100 a minute: fourteen minute-windows of waiting.
    expect(waitedTotal).toBeGreaterThan(14 * 60_000);
    expect(waitedTotal).toBeLessThan(15 * 60_000);
    const next = await limiter.acquire();
    expect(waitedTotal + next).toBeGreaterThanOrEqual(3_600_000);
  });

  it("never earns a 429 from the service's own count: a first sync's 260 entity calls take two minutes", async () => {
    // The emulator's limiter is the service's stand-in: sliding windows of 100 a minute and
    // 1,500 an hour, counted from each call's arrival. The token buckets this client had let
    // 100 through and then one every 0.6 s, which the service refused; draining every bucket
    // on that 429 then paced the rest at the hourly rate: 385 s, one refusal.
    const clock = manualClock();
    const limiter = new CallLimiter(documentedLimits.entity, clock);
    const service = new RateLimiter(DOCUMENTED_LIMITS, () => clock.now());
    let refusals = 0;
    for (let done = 0; done < 260; ) {
      await limiter.acquire();
      clock.advance(20); // the network trip to the service
      if (!service.check('analyst', 'entity').allowed) {
        refusals++;
        continue;
      }
      clock.advance(30); // the answer
      done++;
    }
    expect(refusals).toBe(0);
    expect(clock.now()).toBeGreaterThan(2 * 60_000);
    expect(clock.now()).toBeLessThan(2 * 60_000 + 15_000);
  });

  it("holds every call of its kind for a 429's Retry-After, and spends no more of the budget than that", async () => {
    const clock = manualClock();
    const limiter = new CallLimiter(documentedLimits.hunting, clock);
    expect(await limiter.acquire()).toBe(0);
    limiter.holdFor(7_000);
    expect(await limiter.acquire()).toBe(7_000);
    // The minute's other 43 calls go at once after it: the hour's budget was not assumed spent.
    for (let i = 0; i < 43; i++) expect(await limiter.acquire()).toBe(0);
    expect(await limiter.acquire()).toBeGreaterThan(0);
  });
});
