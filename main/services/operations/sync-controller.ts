import { OutpostError, type OutpostErrorData } from '../../../contract';
import type { EventBus } from '../../router/events';
import type { SyncProgress } from '../sync/progress';
import type { SyncScopeInput } from '../sync/scope';
import { connectTenant, type TenantConnection } from '../tenant/connect';
import type { TenantProfile } from '../tenant/profiles';
import type { Workspace } from '../workspace/workspace';
import type { DemoProvider } from './demo-provider';
import { syncTenant } from './sync-tenant';

interface Running {
  controller: AbortController;
  progress: SyncProgress | null;
  finished: Promise<void>;
}

/**
 * Syncs started from the UI: one at a time per tenant, in the background, reporting
 * progress as events; cancel aborts between pages and leaves a consistent cache.
 */
export class SyncController {
  private readonly running = new Map<string, Running>();
  private readonly lastErrors = new Map<string, OutpostErrorData>();

  constructor(
    private readonly workspace: Workspace,
    private readonly events: EventBus,
    private readonly demo: DemoProvider | null,
  ) {}

  /** A connection to the tenant the profile names (the demo one through its emulator). */
  async connect(profile: TenantProfile): Promise<TenantConnection> {
    if (profile.demo) {
      if (!this.demo) throw new OutpostError('NOT_FOUND', 'The demo tenant is available when Outpost runs from its checkout (npm start).');
      return connectTenant(await this.demo.reachable(profile), this.workspace.keychain);
    }
    return connectTenant(profile, this.workspace.keychain);
  }

  /** Signs in by device code; the prompt goes to the UI as a signin.prompt event. */
  async signIn(profile: TenantProfile, connection?: TenantConnection): Promise<void> {
    const own = connection ?? (await this.connect(profile));
    try {
      await own.signIn.signInWithDeviceCode((prompt) =>
        this.events.emit('signin.prompt', { tenant: profile.name, userCode: prompt.userCode, verificationUri: prompt.verificationUri, message: prompt.message }),
      );
    } finally {
      if (!connection) own.close();
    }
  }

  isRunning(tenant: string): boolean {
    return this.running.has(tenant);
  }

  progress(tenant: string): SyncProgress | null {
    return this.running.get(tenant)?.progress ?? null;
  }

  lastError(tenant: string): OutpostErrorData | null {
    return this.lastErrors.get(tenant) ?? null;
  }

  start(tenant: string, scope?: SyncScopeInput): boolean {
    if (this.running.has(tenant)) return false;
    const run: Running = { controller: new AbortController(), progress: null, finished: Promise.resolve() };
    this.running.set(tenant, run);
    this.lastErrors.delete(tenant);
    run.finished = this.run(tenant, run, scope).finally(() => this.running.delete(tenant));
    return true;
  }

  cancel(tenant: string): boolean {
    const run = this.running.get(tenant);
    run?.controller.abort();
    return run !== undefined;
  }

  /**
   * Cancels and waits until the sync has let go of its connection: a sync still running
   * could refresh its token and put it back in the keychain after a sign-out.
   */
  async stop(tenant: string): Promise<void> {
    const run = this.running.get(tenant);
    run?.controller.abort();
    await run?.finished;
  }

  cancelAll(): void {
    for (const run of this.running.values()) run.controller.abort();
  }

  private async run(tenant: string, run: Running, scope?: SyncScopeInput): Promise<void> {
    let connection: TenantConnection | null = null;
    try {
      const profile = await this.workspace.profile(tenant);
      connection = await this.connect(profile);
      try {
        await connection.signIn.accessToken(false);
      } catch (error) {
        // The demo signs itself in again (its emulator is new each run); a real tenant asks the analyst.
        if (!(error instanceof OutpostError) || error.code !== 'SIGN_IN_REQUIRED' || !profile.demo) throw error;
        await this.signIn(profile, connection);
      }
      const cache = await this.workspace.cache(tenant, 'if-missing', 'sync');
      const summary = await syncTenant({
        home: this.workspace.home,
        keychain: this.workspace.keychain,
        connection,
        cache,
        scope,
        signal: run.controller.signal,
        onProgress: (progress) => {
          run.progress = progress;
          this.events.emit('sync.progress', progress);
        },
      });
      this.events.emit('sync.finished', { tenant, ok: true, error: null, unmatched: summary.unmatched });
    } catch (error) {
      const data = error instanceof OutpostError ? error.toData() : { code: 'INTERNAL' as const, message: 'The sync failed unexpectedly; the cache keeps what was committed.' };
      this.lastErrors.set(tenant, data);
      // A wipe by policy closed the cache underneath the workspace: forget it.
      if (data.code === 'LICENSE_LAPSED') await this.workspace.close(tenant);
      this.events.emit('sync.finished', { tenant, ok: false, error: data, unmatched: [] });
    } finally {
      connection?.close();
    }
  }
}
