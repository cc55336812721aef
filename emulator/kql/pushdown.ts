// Read the leading where clauses for facts that narrow what must be generated: which
// devices and which time range. Only top-level 'and' conjuncts are used, and the full
// predicate still runs on every row, so pushdown can only save work, never change results.
import type { HuntingValue } from '../tenant/schema';
import { normalizeDateTime } from '../time';
import type { Expr, Operator } from './ast';
import { constantValue } from './compile';

export interface Narrowing {
  deviceIds: Set<string> | null;
  deviceNames: Set<string> | null;
  /** Inclusive canonical timestamp bounds, or null when open. */
  from: string | null;
  to: string | null;
  /** True when `to` came from a strict '<' (nothing at `to` itself qualifies). */
  toExclusive: boolean;
  /** True when every leading conjunct was absorbed by the facts above (enables counting without generating). */
  exact: boolean;
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'logical' && e.op === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function asTime(v: HuntingValue | undefined): string | null {
  return typeof v === 'string' ? normalizeDateTime(v) : null;
}

function intersect(current: Set<string> | null, next: Set<string>): Set<string> {
  if (!current) return next;
  return new Set([...current].filter((x) => next.has(x)));
}

export function narrow(operators: readonly Operator[], nowMs: number): Narrowing {
  const n: Narrowing = { deviceIds: null, deviceNames: null, from: null, to: null, toExclusive: false, exact: true };
  const later = (a: string | null, b: string) => (a === null || b > a ? b : a);
  const earlier = (a: string | null, b: string) => (a === null || b < a ? b : a);
  for (const op of operators) {
    if (op.kind !== 'where') break;
    for (const c of conjuncts(op.predicate)) {
      let absorbed = false;
      if (c.kind === 'compare' && c.left.kind === 'column') {
        const value = constantValue(c.right, nowMs);
        const col = c.left.name;
        if ((col === 'DeviceId' || col === 'DeviceName') && c.op === '==' && typeof value === 'string') {
          const set = new Set([value]);
          if (col === 'DeviceId') n.deviceIds = intersect(n.deviceIds, set);
          else n.deviceNames = intersect(n.deviceNames, set);
          absorbed = true;
        } else if (col === 'Timestamp') {
          const t = asTime(value);
          if (t && (c.op === '>=' || c.op === '>')) { n.from = later(n.from, t); absorbed = c.op === '>='; }
          if (t && (c.op === '<=' || c.op === '<')) {
            if (n.to === null || t < n.to || (t === n.to && c.op === '<')) n.toExclusive = c.op === '<';
            n.to = earlier(n.to, t);
            absorbed = c.op === '<=';
          }
        }
      } else if (c.kind === 'in' && !c.negated && c.subject.kind === 'column' && (c.subject.name === 'DeviceId' || c.subject.name === 'DeviceName')) {
        const values = c.values.map((v) => constantValue(v, nowMs));
        if (values.every((v): v is string => typeof v === 'string')) {
          if (c.subject.name === 'DeviceId') n.deviceIds = intersect(n.deviceIds, new Set(values));
          else n.deviceNames = intersect(n.deviceNames, new Set(values));
          absorbed = true;
        }
      } else if (c.kind === 'between' && !c.negated && c.subject.kind === 'column' && c.subject.name === 'Timestamp') {
        const lo = asTime(constantValue(c.low, nowMs));
        const hi = asTime(constantValue(c.high, nowMs));
        if (lo) n.from = later(n.from, lo);
        if (hi && (n.to === null || hi < n.to)) {
          n.to = hi;
          n.toExclusive = false;
        }
        absorbed = lo !== null && hi !== null;
      }
      if (!absorbed) n.exact = false;
    }
  }
  return n;
}
