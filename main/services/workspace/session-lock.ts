import type { EventBus } from '../../router/events';
import { recordAudit } from '../audit/audit';
import type { Workspace } from './workspace';

export interface LockSettings {
  idleMinutes: number;
  lockOnBlur: boolean;
}

/**
 * The idle lock: after the policy's idle minutes without input, every open cache is closed,
 * which zeroes its key in the worker threads; unlocking reads the keychain again. On a
 * screened workstation losing the window's focus locks at once.
 */
export class SessionLock {
  private timer: NodeJS.Timeout | null = null;
  private lockedReason: string | null = null;

  constructor(
    private readonly workspace: Workspace,
    private readonly events: EventBus,
    private readonly settings: () => Promise<LockSettings>,
  ) {}

  get locked(): boolean {
    return this.lockedReason !== null;
  }

  async activity(kind: 'input' | 'blur' | 'focus'): Promise<boolean> {
    if (this.locked) return true;
    const settings = await this.settings();
    if (kind === 'blur' && settings.lockOnBlur) {
      await this.lock('the window lost focus on a screened workstation');
      return true;
    }
    this.arm(settings.idleMinutes);
    return false;
  }

  private arm(minutes: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.lock(`idle for ${minutes} minutes`), minutes * 60_000);
    this.timer.unref();
  }

  async lock(reason: string): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.locked) return;
    this.lockedReason = reason;
    for (const cache of await this.workspace.openCaches()) await recordAudit(cache, 'lock', null, { reason }).catch(() => undefined);
    this.workspace.lock();
    await this.workspace.closeAll();
    this.events.emit('session.locked', { locked: true, reason });
  }

  async unlock(): Promise<void> {
    if (!this.locked) return;
    this.lockedReason = null;
    this.workspace.unlock();
    this.events.emit('session.locked', { locked: false, reason: 'unlocked' });
    this.arm((await this.settings()).idleMinutes);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
