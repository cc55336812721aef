import { OutpostError } from '../../../contract';
import type { AuditRecord, ForgetSummary } from '../cache';
import type { TenantConnection } from '../tenant/connect';
import type { DefenderApiOptions } from '../tenant/defender-api';
import { syncFileProfiles } from './files';
import { huntingTableNames } from './kql';
import { LOGON_USERS_PER_SYNC, machinesDueForLogonUsers, syncAlerts, syncHuntingTable, syncLogonUsers, syncMachines, type PhaseContext } from './phases';
import { ProgressTracker, type SyncProgress } from './progress';
import { SyncScope, type SyncScopeInput } from './scope';
import type { SyncCache } from './sync-cache';

export interface SyncOptions {
  connection: TenantConnection;
  cache: SyncCache;
  /** A new scope; when absent, the scope stored with the cache (or the default). */
  scope?: SyncScopeInput;
  onProgress?(progress: SyncProgress): void;
  signal?: AbortSignal;
  now?(): Date;
  /** Test and benchmark knobs for the API client (limits, backoff, clock). */
  api?: Partial<Omit<DefenderApiOptions, 'baseUrl' | 'http' | 'accessToken'>>;
  /** Test and benchmark knob: rows per hunting query plan (default SLICE_ROWS, 90,000). */
  sliceRows?: number;
  /** Test knob: logged-on users asked per sync (default LOGON_USERS_PER_SYNC, 1,000). */
  logonUsersPerSync?: number;
  /** Called with the tenant's clock from every answer, for the retention clock. */
  onServerTime?(date: Date): void;
  /**
   * The audit entry for a changed scope making the cache forget the machines outside it: recorded
   * in the forgetting's own transaction when anything went, with how many (never which).
   */
  forgetAudit?(): AuditRecord;
}

export interface SyncSummary {
  tenant: string;
  startedAt: string;
  finishedAt: string;
  scope: SyncScope;
  machines: number;
  rowsWritten: number;
  retries: number;
  throttledSeconds: number;
  /** What a changed scope made the cache forget (machines outside it); null when the scope was unchanged. */
  forgotten: ForgetSummary | null;
  /** The scope's group and machine names no machine answered to ('group Finanse'): most likely mistyped. */
  unmatched: string[];
}

export interface TenantPolicyAnswer {
  retentionDays?: number;
  licenseState?: string;
  graceEndsAt?: string | null;
  maxOfflineDays?: number;
  wipeOnSignOut?: boolean;
  idleLockMinutes?: number;
}

/**
 * One sync: policy, machines, alerts with evidence, logged-on users (those the entity limit
 * holds back after the hunting tables), the six hunting tables, then file profiles. Every
 * write is a transaction with its checkpoint; a sync killed or cancelled anywhere resumes
 * where the checkpoints say, with no gap and no duplicate.
 */
export async function runSync(options: SyncOptions): Promise<SyncSummary> {
  const { connection, cache } = options;
  const signal = options.signal ?? new AbortController().signal;
  const startedAt = (options.now ?? (() => new Date()))();
  const progress = new ProgressTracker(connection.profile.name, (p) => options.onProgress?.(p));
  const api = connection.api({
    ...options.api,
    signal,
    onWait: (wait) => {
      if (wait.kind === 'retry') progress.retries += 1;
      else progress.throttledMs += wait.ms;
      progress.emit(true);
      options.api?.onWait?.(wait);
    },
    onServerTime: (date) => options.onServerTime?.(date),
  });

  const stored = (await cache.query('scope')) as { scope: unknown } | null;
  const scope = SyncScope.parse(options.scope ?? stored?.scope ?? {});
  const checkpointRows = (await cache.query('checkpoints')) as Array<{ stream: string; cursor: string | null; detail: string | null }>;
  const checkpoints = new Map(checkpointRows.map((row) => [row.stream, { cursor: row.cursor, detail: row.detail ? (JSON.parse(row.detail) as unknown) : null }]));
  // A changed scope is adopted only once the machines phase has listed what it covers (see
  // adoptScope); until then the stored scope and cursors stay, so a refused or killed sync
  // leaves the cache as it was and the next one sees the change again.
  const scopeChanged = stored !== null && JSON.stringify(SyncScope.parse(stored.scope ?? {})) !== JSON.stringify(scope);
  if (!scopeChanged) await cache.write({ scope });

  const ctx: PhaseContext = { api, cache, scope, progress, signal, startedAt, checkpoints, sliceRows: options.sliceRows, scopeChanged, logonUsersPerSync: options.logonUsersPerSync };
  let machineCount = 0;
  let forgotten: ForgetSummary | null = null;
  let unmatched: string[] = [];
  try {
    progress.enter('policy');
    const policy = await api.getJsonOrNull<TenantPolicyAnswer>('/api/outpost/policy');
    if (policy) {
      await cache.write({
        policy: {
          retentionDays: policy.retentionDays ?? null,
          licenseState: policy.licenseState ?? null,
          maxOfflineDays: policy.maxOfflineDays ?? null,
          idleLockMinutes: policy.idleLockMinutes ?? null,
          source: 'tenant',
          policy,
        },
      });
      if (policy.licenseState && policy.licenseState !== 'active') {
        throw new OutpostError('SYNC_DISABLED', `The tenant's licence is ${policy.licenseState}: sync is off, the cache stays read-only.`);
      }
    }
    const { machines, unmatched: notFound } = await syncMachines(ctx);
    unmatched = notFound;
    const machineIds = machines.map((machine) => machine.id);
    machineCount = machineIds.length;
    if (scopeChanged) forgotten = await adoptScope(ctx, machineIds, options.forgetAudit?.());
    await syncAlerts(ctx, new Set(machineIds));
    // One entity call per machine, and the entity limit is 100 a minute: at a first sync of a
    // few hundred machines, waiting for the limit took two minutes before the hunting tables
    // (their own limit) started. The calls the limit lets go now go first; the rest wait for
    // the limit while the hunting answers are written, not before.
    const due = machinesDueForLogonUsers(ctx, machines).slice(0, ctx.logonUsersPerSync ?? LOGON_USERS_PER_SYNC);
    const now = Math.min(due.length, api.callsFreeNow('entity'));
    await syncLogonUsers(ctx, due.slice(0, now));
    for (const table of huntingTableNames) await syncHuntingTable(ctx, table, machineIds);
    if (now < due.length) await syncLogonUsers(ctx, due.slice(now), 'the machines the call limit held back');
    await syncFileProfiles(ctx);
    await cache.write({ checkpoints: [{ stream: 'sync', cursor: startedAt.toISOString(), detail: { finishedAt: new Date().toISOString() } }] });
    progress.enter('done');
  } catch (error) {
    if (signal.aborted) throw new OutpostError('SYNC_CANCELLED', 'The sync was cancelled; the cache holds everything committed so far and the next sync resumes from there.');
    throw error;
  }
  const snapshot = progress.snapshot();
  return {
    tenant: connection.profile.name,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    scope,
    machines: machineCount,
    rowsWritten: snapshot.rowsWritten,
    retries: snapshot.retries,
    throttledSeconds: snapshot.throttledSeconds,
    forgotten,
    unmatched,
  };
}

/**
 * A changed scope, once its machines are listed (syncMachines refuses one that matches none):
 * 1. The cache forgets every machine outside it (an analyst who narrows the scope to one group
 *    expects the laptop to carry only that group). Only a changed scope does this: a machine
 *    that stopped reporting under the same scope keeps its evidence until retention takes it.
 * 2. Alerts and hunting start afresh: the stored plans were cut for the old scope, and the
 *    cursors say what the old scope has seen, not what a machine new to the scope has (keeping
 *    them left a widened scope with only the last hour of the new machines' events and none of
 *    their older alerts). The reset commits with the new scope, so a sync killed right after
 *    still starts afresh; one killed before it forgets again (finding nothing) and resets.
 *    Upserts make the repeat of what is cached harmless.
 */
async function adoptScope(ctx: PhaseContext, machineIds: readonly string[], audit: AuditRecord | undefined): Promise<ForgetSummary> {
  const forgotten = await ctx.cache.forgetMachinesOutside(machineIds, audit);
  const resets: Array<{ stream: string; cursor: null; detail: null }> = [];
  for (const [stream, checkpoint] of ctx.checkpoints) {
    if (!stream.startsWith('hunt:') && stream !== 'alerts') continue;
    checkpoint.cursor = null;
    checkpoint.detail = null;
    resets.push({ stream, cursor: null, detail: null });
  }
  await ctx.cache.write({ scope: ctx.scope, checkpoints: resets });
  return forgotten;
}
