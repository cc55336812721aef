// Run a parsed query over the generated tenant as a pipeline of row chunks. Rows are
// generated per machine-day, filtered as they come, and dropped once written, so
// memory follows the result (at most 100,000 rows), not the tenant.
import type { Tenant } from '../tenant/tenant';
import { type ColumnType, type HuntingRow, type HuntingTable, type SchemaColumn, isHuntingTable, tableSchema } from '../tenant/schema';
import { DAY_MS, formatTicks } from '../time';
import type { Operator, OrderKey, Query } from './ast';
import { compilePredicate, resolveColumn } from './compile';
import { QueryError } from './errors';
import { narrow } from './pushdown';

/** Rows of one machine-day (day >= 0), or of no particular day (-1) after a reshaping step. */
interface Chunk {
  day: number;
  rows: HuntingRow[];
}

export interface HuntingScope {
  tenant: Tenant;
  /** Machine indexes the caller may see (RBAC already applied). */
  machines: readonly number[];
  nowMs: number;
  /** How many days back the service keeps hunting data. */
  windowDays: number;
}

export interface QueryPlan {
  table: HuntingTable;
  schema: SchemaColumn[];
  /** Re-runnable: each call regenerates the result from the seed. */
  chunks(): Iterable<HuntingRow[]>;
}

export const MAX_RESULT_ROWS = 100_000;

function schemaAfter(table: HuntingTable, operators: readonly Operator[]): SchemaColumn[][] {
  let current = tableSchema(table);
  const stages: SchemaColumn[][] = [];
  for (const op of operators) {
    stages.push(current);
    const types = new Map(current.map((c) => [c.Name, c.Type] as [string, ColumnType]));
    if (op.kind === 'project') {
      current = op.columns.map((name) => ({ Name: name, Type: resolveColumn(name, types) }));
    } else if (op.kind === 'summarize') {
      current = [...op.by.map((name) => ({ Name: name, Type: resolveColumn(name, types) })), { Name: op.countName, Type: 'Int64' as ColumnType }];
    } else if (op.kind === 'order') {
      for (const k of op.keys) resolveColumn(k.column, types);
    }
  }
  stages.push(current);
  return stages;
}

function comparator(keys: readonly OrderKey[]): (a: HuntingRow, b: HuntingRow) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.column] ?? null;
      const y = b[k.column] ?? null;
      if (x === y) continue;
      // Nulls sort first ascending and last descending, as in Kusto.
      const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return k.descending ? -c : c;
    }
    return 0;
  };
}

function* where(input: Iterable<Chunk>, test: (row: HuntingRow) => boolean): Iterable<Chunk> {
  for (const chunk of input) {
    const rows = chunk.rows.filter(test);
    if (rows.length) yield { day: chunk.day, rows };
  }
}

function* project(input: Iterable<Chunk>, columns: readonly string[]): Iterable<Chunk> {
  for (const chunk of input) {
    yield {
      day: chunk.day,
      rows: chunk.rows.map((row) => {
        const out: HuntingRow = {};
        for (const c of columns) out[c] = row[c] ?? null;
        return out;
      }),
    };
  }
}

/** Sort within each day: the source already walks days in the first key's order. */
function* sortByDay(input: Iterable<Chunk>, keys: readonly OrderKey[]): Iterable<Chunk> {
  const cmp = comparator(keys);
  let day = Number.NaN;
  let pending: HuntingRow[] = [];
  for (const chunk of input) {
    if (chunk.day !== day && pending.length) {
      yield { day, rows: pending.sort(cmp) };
      pending = [];
    }
    day = chunk.day;
    for (const r of chunk.rows) pending.push(r);
  }
  if (pending.length) yield { day, rows: pending.sort(cmp) };
}

/** General sort; with a following take, keep only the best `limit` rows in memory. */
function* sortAll(input: Iterable<Chunk>, keys: readonly OrderKey[], limit: number | null): Iterable<Chunk> {
  const cmp = comparator(keys);
  let rows: HuntingRow[] = [];
  for (const chunk of input) {
    for (const r of chunk.rows) rows.push(r);
    if (limit !== null && rows.length > Math.max(2 * limit, 10_000)) rows = rows.sort(cmp).slice(0, limit);
    if (limit === null && rows.length > MAX_RESULT_ROWS) {
      throw new QueryError(`Query result exceeds the limit of ${MAX_RESULT_ROWS.toLocaleString('en-US')} rows; narrow the time range or add take`);
    }
  }
  rows.sort(cmp);
  yield { day: -1, rows: limit === null ? rows : rows.slice(0, limit) };
}

function* take(input: Iterable<Chunk>, count: number): Iterable<Chunk> {
  let left = count;
  if (left <= 0) return;
  for (const chunk of input) {
    const rows = chunk.rows.length > left ? chunk.rows.slice(0, left) : chunk.rows;
    left -= rows.length;
    yield { day: chunk.day, rows };
    if (left <= 0) return;
  }
}

function groupKey(row: HuntingRow, by: readonly string[]): string {
  return by.length === 1 ? String(row[by[0]!]) : JSON.stringify(by.map((c) => row[c] ?? null));
}

/**
 * One row per group with its count. `weight` says how many rows a row stands for: 1, or a
 * pre-counted machine-day's `__count` (see summarizeCounted).
 */
function countGroups(input: Iterable<Chunk>, by: readonly string[], countName: string, weight: (row: HuntingRow) => number): Chunk[] {
  const groups = new Map<string, HuntingRow>();
  for (const chunk of input) {
    for (const row of chunk.rows) {
      const key = groupKey(row, by);
      let g = groups.get(key);
      if (!g) {
        g = {};
        for (const c of by) g[c] = row[c] ?? null;
        g[countName] = 0;
        groups.set(key, g);
      }
      g[countName] = Number(g[countName]) + weight(row);
    }
  }
  return [{ day: -1, rows: [...groups.values()] }];
}

function summarize(input: Iterable<Chunk>, by: readonly string[], countName: string): Iterable<Chunk> {
  return countGroups(input, by, countName, () => 1);
}

export function planQuery(query: Query, scope: HuntingScope): QueryPlan {
  if (!isHuntingTable(query.table)) {
    throw new QueryError(`Failed to resolve table '${query.table}'. The emulator serves DeviceInfo, DeviceProcessEvents, DeviceFileEvents, DeviceRegistryEvents, DeviceNetworkEvents and DeviceLogonEvents`);
  }
  const table = query.table;
  const ops = query.operators;
  const stages = schemaAfter(table, ops);
  // Compile every where now, so a bad column or type is a 400 before any row is sent.
  const predicates = ops.map((op, i) =>
    op.kind === 'where' ? compilePredicate(op.predicate, new Map(stages[i]!.map((c) => [c.Name, c.Type] as [string, ColumnType])), scope.nowMs) : null,
  );
  const schema = stages[stages.length - 1]!;
  const n = narrow(ops, scope.nowMs);
  const { tenant } = scope;
  const windowStart = formatTicks(scope.nowMs - scope.windowDays * DAY_MS);
  const windowEnd = formatTicks(scope.nowMs);
  const from = n.from && n.from > windowStart ? n.from : windowStart;
  const to = n.to && n.to < windowEnd ? n.to : windowEnd;
  const machines = scope.machines.filter((i) => {
    const m = tenant.fleet[i]!.machine;
    return (!n.deviceIds || n.deviceIds.has(m.id)) && (!n.deviceNames || n.deviceNames.has(m.computerDnsName));
  });
  const firstDay = Math.max(0, tenant.dayIndexOf(Date.parse(from)));
  // A strict '<' at midnight needs nothing from the day that starts there.
  const lastDay = Math.min(tenant.days - 1, tenant.dayIndexOf(Date.parse(to) - (n.toExclusive && to === n.to ? 1 : 0)));
  const dayCovered = (day: number) => formatTicks(tenant.dayStartMs(day)) >= from && formatTicks(tenant.dayStartMs(day + 1) - 1, 9999) <= to;
  const inWindow = (row: HuntingRow) => {
    const t = String(row.Timestamp);
    return t >= from && t <= to;
  };

  // The first sort on Timestamp (before any reshaping) can be done day by day.
  const firstShape = ops.findIndex((op) => op.kind !== 'where' && op.kind !== 'project');
  const dayOrdered = firstShape >= 0 && ops[firstShape]!.kind === 'order' && (ops[firstShape] as { keys: OrderKey[] }).keys[0]!.column === 'Timestamp' && stages[firstShape]!.some((c) => c.Name === 'Timestamp');
  const descending = dayOrdered && (ops[firstShape] as { keys: OrderKey[] }).keys[0]!.descending;

  // summarize count() by device, over where clauses that are all device/time facts, can count without generating.
  const summarizeFirst = firstShape >= 0 && ops[firstShape]!.kind === 'summarize' && ops.slice(0, firstShape).every((o) => o.kind === 'where');
  const countOnly = summarizeFirst && n.exact && (ops[firstShape] as { by: string[] }).by.every((c) => c === 'DeviceId' || c === 'DeviceName');

  function* source(): Iterable<Chunk> {
    for (let step = 0; step <= lastDay - firstDay; step++) {
      const day = descending ? lastDay - step : firstDay + step;
      const whole = dayCovered(day);
      for (const m of machines) {
        if (countOnly && whole) {
          const count = tenant.countRows(table, m, day);
          const machine = tenant.fleet[m]!.machine;
          if (count) yield { day, rows: [{ DeviceId: machine.id, DeviceName: machine.computerDnsName, __count: count }] };
          continue;
        }
        const rows = tenant.rowsFor(table, m, day);
        const kept = whole ? rows : rows.filter(inWindow);
        if (kept.length) yield { day, rows: kept };
      }
    }
  }

  return {
    table,
    schema,
    chunks: function* () {
      let stream: Iterable<Chunk> = source();
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i]!;
        switch (op.kind) {
          case 'where': {
            const test = predicates[i]!;
            // Pre-counted rows already satisfy the (exact) device and time facts.
            stream = countOnly && i < firstShape ? where(stream, (row) => row.__count !== undefined || test(row)) : where(stream, test);
            break;
          }
          case 'project':
            stream = project(stream, op.columns);
            break;
          case 'order': {
            const next = ops[i + 1];
            stream = dayOrdered && i === firstShape ? sortByDay(stream, op.keys) : sortAll(stream, op.keys, next?.kind === 'take' ? next.count : null);
            break;
          }
          case 'take':
            stream = take(stream, op.count);
            break;
          case 'summarize':
            stream = countOnly && i === firstShape
              ? summarizeCounted(stream, op.by, op.countName)
              : summarize(stream, op.by, op.countName);
            break;
        }
      }
      for (const chunk of stream) yield chunk.rows;
    },
  };
}

/** Summarize where some rows stand for many (the pre-counted machine-days). */
function summarizeCounted(input: Iterable<Chunk>, by: readonly string[], countName: string): Iterable<Chunk> {
  return countGroups(input, by, countName, (row) => (typeof row.__count === 'number' ? row.__count : 1));
}
