import type { CacheBatch, HuntingRow } from '../cache';
import type { DefenderApi } from '../tenant/defender-api';
import { batchFieldOf, countQuery, rowsQuery, type HuntingTable } from './kql';
import type { ProgressTracker } from './progress';
import { alertFilter, machineInScope, ScopeMatches, type ScopedMachine, type SyncScope } from './scope';
import { halves, packMachines, SLICE_ROWS, type Slice } from './slices';
import type { CacheTransaction, SyncCache } from './sync-cache';
import { OutpostError } from '../../../contract';

export interface PhaseContext {
  api: DefenderApi;
  cache: SyncCache;
  scope: SyncScope;
  progress: ProgressTracker;
  signal: AbortSignal;
  /** The sync's reference time: hunting windows end here. */
  startedAt: Date;
  checkpoints: Map<string, { cursor: string | null; detail: unknown }>;
  /** Rows a hunting query may plan for (SLICE_ROWS; tests lower it to exercise slicing at small scale). */
  sliceRows?: number;
  /** The scope differs from the one stored with the cache: it must match a machine (see syncMachines). */
  scopeChanged?: boolean;
  /** Logged-on users asked per sync (LOGON_USERS_PER_SYNC; tests lower it). */
  logonUsersPerSync?: number;
}

interface ApiMachine extends ScopedMachine {
  lastSeen?: string | null;
  [field: string]: unknown;
}

function stopIfCancelled(signal: AbortSignal): void {
  signal.throwIfAborted();
}

/**
 * Machines the sign-in can see, cut to the scope; each page commits with its checkpoint.
 * `unmatched`: the scope's group and machine names no machine answered to (ScopeMatches).
 */
export async function syncMachines(ctx: PhaseContext): Promise<{ machines: ApiMachine[]; unmatched: string[] }> {
  ctx.progress.enter('machines');
  const kept: ApiMachine[] = [];
  const matches = new ScopeMatches();
  for await (const page of ctx.api.pages<ApiMachine>('/api/machines')) {
    stopIfCancelled(ctx.signal);
    for (const machine of page) matches.see(machine);
    const inScope = page.filter((machine) => machineInScope(ctx.scope, machine));
    kept.push(...inScope);
    const summary = await ctx.cache.write({ machines: inScope as CacheBatch['machines'] });
    ctx.progress.rowsWritten += inScope.length;
    ctx.progress.advance(page.length);
    void summary;
  }
  const unmatched = matches.unmatched(ctx.scope);
  // A scope naming groups or machines that matches nothing is most likely mistyped: syncing it
  // would bring nothing without a word, and adopting it as a change would forget every cached
  // machine (runner.ts). Refused before any machine, alert or event moves.
  if (kept.length === 0 && (ctx.scope.groups.length > 0 || ctx.scope.machines.length > 0)) {
    const names = unmatched.length > 0 ? ` (nothing answers to ${unmatched.join(', ')})` : '';
    const unchanged = ctx.scopeChanged ? 'the cache and its scope are unchanged' : 'nothing was synced';
    throw new OutpostError('SCOPE_EMPTY', `The sync scope matches no machine the sign-in can see${names}: check the group and machine names; ${unchanged}.`);
  }
  await ctx.cache.write({ checkpoints: [{ stream: 'machines', cursor: ctx.startedAt.toISOString(), detail: { count: kept.length } }] });
  return { machines: kept, unmatched };
}

/**
 * Alerts with evidence, incremental by lastUpdateTime. The cursor moves only when the phase
 * completes, so a resumed sync asks again from the last complete point (upserts make the
 * repeat harmless) and never leaves a gap.
 */
export async function syncAlerts(ctx: PhaseContext, machineIds: ReadonlySet<string>): Promise<void> {
  ctx.progress.enter('alerts');
  const since = ctx.checkpoints.get('alerts')?.cursor ?? null;
  const filter = alertFilter(ctx.scope, since);
  const query: Record<string, string> = { $expand: 'evidence' };
  if (filter) query.$filter = filter;
  const startedAt = ctx.startedAt.toISOString();
  for await (const page of ctx.api.pages<{ machineId?: string | null }>('/api/alerts', query)) {
    stopIfCancelled(ctx.signal);
    const inScope = page.filter((alert) => (alert.machineId ? machineIds.has(alert.machineId) : false));
    await ctx.cache.write({ alerts: inScope as CacheBatch['alerts'] });
    ctx.progress.rowsWritten += inScope.length;
    ctx.progress.advance(page.length);
  }
  // Five minutes of overlap: an alert updated while this phase ran is asked for again.
  const cursor = new Date(Date.parse(startedAt) - 5 * 60_000).toISOString();
  await ctx.cache.write({ checkpoints: [{ stream: 'alerts', cursor, detail: null }] });
}

/**
 * How often a machine's logged-on users are asked again, at most. They are the API's summary
 * of 30 days (first and last sighting per account), one entity call per machine, and the
 * entity limit is 1,500 calls an hour: asked at every sync of a machine seen since, a scope of
 * 800 machines synced twice in an hour would wait out the hour. Each logon as it happens comes
 * with the logon events (hunting) at every sync.
 */
export const LOGON_USERS_REFRESH_MS = 6 * 3_600_000;

/**
 * Logged-on users asked per sync, at most: with the file profiles' 400 (files.ts) and a few
 * pages, a sync stays inside the entity limit's 1,500 an hour. A first sync of a bigger scope
 * would otherwise wait out the hour; the machines left are asked first by the next sync.
 */
export const LOGON_USERS_PER_SYNC = 1_000;

/** When a machine's logged-on users were last asked for (absent before this was kept). */
function fetchedAt(checkpoint: { detail: unknown } | undefined): number {
  const at = (checkpoint?.detail as { fetchedAt?: unknown } | null | undefined)?.fetchedAt;
  return typeof at === 'string' ? Date.parse(at) : Number.NEGATIVE_INFINITY;
}

/**
 * Machines whose logged-on users are due: never fetched, or seen since the last fetch and
 * that fetch LOGON_USERS_REFRESH_MS old. Never-fetched first, then the longest unasked, so a
 * sync the limit cuts short or a kill interrupts leaves the freshest for later.
 */
export function machinesDueForLogonUsers(ctx: PhaseContext, machines: readonly ApiMachine[]): ApiMachine[] {
  // Each due machine with when it was asked: never -Infinity, before the time was kept -MAX_VALUE.
  const due: Array<{ machine: ApiMachine; asked: number }> = [];
  for (const machine of machines) {
    const checkpoint = ctx.checkpoints.get(`logon-users:${machine.id}`);
    if (!checkpoint?.cursor) {
      due.push({ machine, asked: Number.NEGATIVE_INFINITY });
      continue;
    }
    const asked = Math.max(-Number.MAX_VALUE, fetchedAt(checkpoint));
    if ((machine.lastSeen ?? '') > checkpoint.cursor && ctx.startedAt.getTime() - asked >= LOGON_USERS_REFRESH_MS) due.push({ machine, asked });
  }
  return due.sort((a, b) => (a.asked < b.asked ? -1 : a.asked > b.asked ? 1 : 0)).map(({ machine }) => machine);
}

/** Logged-on users of these machines, one entity call each, each committed with its checkpoint. */
export async function syncLogonUsers(ctx: PhaseContext, machines: readonly ApiMachine[], detail: string | null = null): Promise<void> {
  ctx.progress.enter('logon-users', machines.length, detail);
  for (const machine of machines) {
    stopIfCancelled(ctx.signal);
    const answer = await ctx.api.getJsonOrNull<{ value: Array<Record<string, unknown>> }>(`/api/machines/${encodeURIComponent(machine.id)}/logonusers`);
    const users = (answer?.value ?? []).map((user) => ({ ...user, machineId: machine.id }));
    await ctx.cache.write({
      logonUsers: users as CacheBatch['logonUsers'],
      checkpoints: [{ stream: `logon-users:${machine.id}`, cursor: machine.lastSeen ?? ctx.startedAt.toISOString(), detail: { fetchedAt: ctx.startedAt.toISOString() } }],
    });
    ctx.progress.rowsWritten += users.length;
    ctx.progress.advance(1);
  }
}

interface HuntingPlan {
  from: string;
  to: string;
  slices: Slice[];
  done: number;
}

const OVERLAP_MS = 60 * 60_000;

/** The window a table's next sync covers: from its cursor (less an hour of late arrivals) to now. */
export function huntingWindow(ctx: PhaseContext, table: HuntingTable): { from: string; to: string } {
  const to = new Date(Math.floor(ctx.startedAt.getTime() / 60_000) * 60_000);
  const earliest = to.getTime() - ctx.scope.days * 86_400_000;
  const cursor = ctx.checkpoints.get(`hunt:${table}`)?.cursor;
  const from = cursor ? Math.max(earliest, Date.parse(cursor) - OVERLAP_MS) : earliest;
  return { from: new Date(from).toISOString(), to: to.toISOString() };
}

async function countRows(ctx: PhaseContext, table: HuntingTable, from: string, to: string, machineIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < machineIds.length; i += 200) {
    const chunk = machineIds.slice(i, i + 200);
    await ctx.api.hunt(countQuery(table, from, to, chunk), {
      consume: async (batches) => {
        for await (const rows of batches) for (const row of rows) counts.set(String(row.DeviceId), Number(row.count_ ?? row.Count ?? row.count ?? 0));
      },
      discard: async () => counts.clear(),
    });
  }
  return counts;
}

/** Plans a table's window: counts per machine, packed into queries that fit under the cap. */
async function planTable(ctx: PhaseContext, table: HuntingTable, machineIds: readonly string[]): Promise<HuntingPlan> {
  const { from, to } = huntingWindow(ctx, table);
  const counts = await countRows(ctx, table, from, to, machineIds);
  const limit = ctx.sliceRows ?? SLICE_ROWS;
  const { slices, tooBusy } = packMachines(counts, from, to, limit);
  // A machine with more rows than one answer may hold: halve its window until each half fits.
  const pending = tooBusy.map((id) => ({ id, from, to }));
  while (pending.length > 0) {
    const next = pending.shift()!;
    for (const [a, b] of halves(next.from, next.to)) {
      const rows = (await countRows(ctx, table, a, b, [next.id])).get(next.id) ?? 0;
      if (rows === 0) continue;
      if (rows > limit && Date.parse(b) - Date.parse(a) > 60_000) pending.push({ id: next.id, from: a, to: b });
      else slices.push({ machineIds: [next.id], from: a, to: b, expectedRows: rows });
    }
  }
  return { from, to, slices, done: 0 };
}

/**
 * One hunting table: each slice is one query whose answer streams into one transaction
 * together with the plan's progress, so a killed sync resumes at the first slice not done.
 */
export async function syncHuntingTable(ctx: PhaseContext, table: HuntingTable, machineIds: readonly string[]): Promise<void> {
  const stream = `hunt:${table}`;
  const saved = ctx.checkpoints.get(stream);
  const stored = (saved?.detail as HuntingPlan | null | undefined) ?? null;
  if (!stored && machineIds.length === 0) return;
  const plan = stored ?? (await planTable(ctx, table, machineIds));
  if (!stored) await ctx.cache.write({ checkpoints: [{ stream, cursor: saved?.cursor ?? null, detail: plan }] });
  const expected = plan.slices.slice(plan.done).reduce((sum, slice) => sum + slice.expectedRows, 0);
  ctx.progress.enter('hunting', expected, table);
  const field = batchFieldOf[table];
  const writeSlice = async (index: number, turn: Promise<void>): Promise<void> => {
    const slice = plan.slices[index]!;
    const query = rowsQuery(table, slice.from, slice.to, slice.machineIds, 100_000);
    const last = index + 1 === plan.slices.length;
    const checkpoint = last
      ? { stream, cursor: plan.to, detail: null }
      : { stream, cursor: saved?.cursor ?? null, detail: { ...plan, done: index + 1 } };
    let received = 0;
    let transaction: CacheTransaction | null = null;
    await ctx.api.hunt(query, {
      consume: async (batches) => {
        // This answer was asked for while the one before it was written; its rows wait, unread
        // (TCP holds the rest back), until that one has committed, so slices commit in order.
        await turn.catch((error: unknown) => {
          // An OutpostError, so the API client does not take it for a cut answer and ask again.
          throw new OutpostError('SYNC_CANCELLED', 'An earlier slice of this table failed; this one was not written.', { cause: error });
        });
        transaction = await ctx.cache.transaction();
        // One append in flight: the writer thread inserts a batch while this thread parses the
        // next, so a sync runs at the slower of the two, not at their sum. Appends stay in order
        // (the writer takes its messages one by one); a failed one is seen at the next await.
        let inFlight: Promise<void> | null = null;
        for await (const rows of batches) {
          stopIfCancelled(ctx.signal);
          received += rows.length;
          if (inFlight) await inFlight;
          inFlight = transaction.append({ [field]: rows as HuntingRow[] });
          inFlight.catch(() => undefined); // awaited above or below; not an unhandled rejection meanwhile
          ctx.progress.rowsWritten += rows.length;
          ctx.progress.advance(rows.length);
        }
        if (inFlight) await inFlight;
        if (received >= 100_000) {
          throw new OutpostError('API_ERROR', `A ${table} query reached the API's 100,000-row cap; the tenant grew during the sync. Sync again.`);
        }
        await transaction.commit({ checkpoints: [checkpoint] });
        transaction = null;
      },
      discard: async () => {
        ctx.progress.advance(-received);
        ctx.progress.rowsWritten -= received;
        received = 0;
        await (transaction as CacheTransaction | null)?.rollback();
        transaction = null;
      },
    });
  };
  // The next slice is asked for while this one is written: the service builds a whole answer
  // before its first byte (the emulator measures it against the caps, as the API does), and
  // the writer sat idle through that for every slice. At most two answers are open at once.
  let previous: Promise<void> = Promise.resolve();
  for (let index = plan.done; index < plan.slices.length; index++) {
    stopIfCancelled(ctx.signal);
    const current = writeSlice(index, previous);
    current.catch(() => undefined); // awaited below, or settled before an earlier failure is thrown
    try {
      await previous;
    } catch (error) {
      await current.catch(() => undefined);
      throw error;
    }
    previous = current;
  }
  await previous;
  if (plan.slices.length === 0) await ctx.cache.write({ checkpoints: [{ stream, cursor: plan.to, detail: null }] });
}
