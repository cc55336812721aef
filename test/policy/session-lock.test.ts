import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../main/router/events';
import { memoryKeychain } from '../../main/services/keychain';
import { saveProfile } from '../../main/services/tenant/profiles';
import { SessionLock } from '../../main/services/workspace/session-lock';
import { Workspace } from '../../main/services/workspace/workspace';
import { tempHome } from '../cache/helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function workspaceWithCache(policy: { lockOnBlur?: boolean; idleLockMinutes?: number } = {}) {
  const home = tempHome();
  cleanups.push(() => home.remove());
  const keychain = memoryKeychain();
  let keyReads = 0;
  const counting = { ...keychain, get: (account: string) => ((keyReads += 1), keychain.get(account)) };
  const workspace = new Workspace(home.home, counting);
  cleanups.push(() => workspace.closeAll());
  await saveProfile(home.home, { name: 'field', tenantId: `lock-${randomUUID()}`, cloud: 'commercial', geo: 'uk', clientId: 'c', policy, createdAt: new Date().toISOString() });
  const cache = await workspace.cache('field', true);
  await cache.write({ processEvents: [{ Timestamp: new Date().toISOString(), DeviceId: 'd', ReportId: 1 }] });
  const events = new EventBus();
  const seen: Array<{ locked: boolean; reason: string }> = [];
  events.subscribe((envelope) => envelope.event === 'session.locked' && seen.push(envelope.payload as { locked: boolean; reason: string }));
  const lock = new SessionLock(workspace, events, async () => ({ idleMinutes: policy.idleLockMinutes ?? 15, lockOnBlur: policy.lockOnBlur ?? false }));
  cleanups.push(() => lock.stop());
  return { workspace, cache, lock, seen, keyReads: () => keyReads };
}

describe('session lock', () => {
  it('locking closes every cache and refuses to reopen one until unlock reads the keychain again', async () => {
    const ctx = await workspaceWithCache();
    await ctx.lock.lock('test');
    await expect(ctx.cache.info()).rejects.toMatchObject({ code: 'CACHE_CLOSED' });
    await expect(ctx.workspace.cache('field')).rejects.toMatchObject({ code: 'CACHE_LOCKED' });
    expect(ctx.seen).toEqual([{ locked: true, reason: 'test' }]);
    const readsBefore = ctx.keyReads();
    await ctx.lock.unlock();
    const reopened = await ctx.workspace.cache('field');
    expect((await reopened.info()).rowCounts.process_events).toBe(1);
    expect(ctx.keyReads()).toBeGreaterThan(readsBefore);
    const audit = (await reopened.query('auditLog', { afterSeq: 0, limit: 10 })) as Array<{ action: string }>;
    expect(audit.map((entry) => entry.action)).toContain('lock');
  });

  it('a screened workstation locks when the window loses focus; elsewhere blur does nothing', async () => {
    const screened = await workspaceWithCache({ lockOnBlur: true });
    expect(await screened.lock.activity('blur')).toBe(true);
    expect(screened.lock.locked).toBe(true);
    const ordinary = await workspaceWithCache({ lockOnBlur: false });
    expect(await ordinary.lock.activity('blur')).toBe(false);
    expect(ordinary.lock.locked).toBe(false);
  });

  it('locks by itself after the idle minutes', async () => {
    const ctx = await workspaceWithCache({ idleLockMinutes: 1 });
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await ctx.lock.activity('input');
      vi.advanceTimersByTime(59_000);
      expect(ctx.lock.locked).toBe(false);
      vi.advanceTimersByTime(2_000);
    } finally {
      vi.useRealTimers();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await vi.waitFor(() => expect(ctx.lock.locked).toBe(true));
  });
});
