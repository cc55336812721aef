// Turn a where-clause tree into a function over rows. Timestamps are canonical ISO
// strings, so datetime comparisons are string comparisons once literals are normalized.
import { formatTicks, normalizeDateTime } from '../time';
import type { ColumnType, HuntingRow, HuntingValue } from '../tenant/schema';
import type { Expr } from './ast';
import { QueryError } from './errors';

export type ValueType = ColumnType | 'Real' | 'Timespan' | 'Null';
export type ColumnTypes = ReadonlyMap<string, ColumnType>;

interface Compiled {
  type: ValueType;
  eval: (row: HuntingRow) => HuntingValue;
  /** Set when the value does not depend on the row. */
  constant?: HuntingValue;
}

const isNumeric = (t: ValueType) => t === 'Int64' || t === 'Int32' || t === 'Real';

function constant(type: ValueType, value: HuntingValue): Compiled {
  return { type, eval: () => value, constant: value };
}

export function resolveColumn(name: string, columns: ColumnTypes, pos?: number): ColumnType {
  const type = columns.get(name);
  if (!type) {
    const where = pos === undefined ? '' : ` at position ${pos + 1}`;
    throw new QueryError(`Failed to resolve column or scalar expression named '${name}'${where}`);
  }
  return type;
}

function compileValue(expr: Expr, columns: ColumnTypes, nowMs: number): Compiled {
  switch (expr.kind) {
    case 'column': {
      const type = resolveColumn(expr.name, columns, expr.pos);
      const name = expr.name;
      return { type, eval: (row) => row[name] ?? null };
    }
    case 'literal': {
      const l = expr.literal;
      switch (l.kind) {
        case 'string': return constant('String', l.value);
        case 'number': return constant(Number.isInteger(l.value) ? 'Int64' : 'Real', l.value);
        case 'bool': return constant('Boolean', l.value);
        case 'null': return constant('Null', null);
        case 'datetime': return constant('DateTime', l.value);
        case 'timespan': return constant('Timespan', l.value);
      }
      break;
    }
    case 'ago':
      return constant('DateTime', formatTicks(nowMs - expr.ms));
    case 'now':
      return constant('DateTime', formatTicks(nowMs));
    default:
      return { type: 'Boolean', eval: compilePredicate(expr, columns, nowMs) };
  }
  throw new QueryError('Unsupported expression');
}

/** Bring two operands to one comparable kind: canonical datetime strings, numbers or strings. */
function coerce(a: Compiled, b: Compiled): [Compiled, Compiled, 'datetime' | 'number' | 'string' | 'bool'] {
  const asDateTime = (c: Compiled): Compiled => {
    if (c.type === 'DateTime' || c.type === 'Null') return c;
    if (c.constant !== undefined && typeof c.constant === 'string') {
      const canonical = normalizeDateTime(c.constant);
      if (!canonical) throw new QueryError(`'${c.constant}' is not a valid datetime`);
      return constant('DateTime', canonical);
    }
    throw new QueryError(`Cannot compare a datetime with a value of type ${c.type}`);
  };
  if (a.type === 'DateTime' || b.type === 'DateTime') return [asDateTime(a), asDateTime(b), 'datetime'];
  if (isNumeric(a.type) || isNumeric(b.type)) {
    for (const c of [a, b]) {
      if (!isNumeric(c.type) && c.type !== 'Null') throw new QueryError(`Cannot compare a number with a value of type ${c.type}`);
    }
    return [a, b, 'number'];
  }
  if (a.type === 'Boolean' || b.type === 'Boolean') return [a, b, 'bool'];
  if (a.type === 'Timespan' || b.type === 'Timespan') throw new QueryError('Timespans can only be used inside ago()');
  return [a, b, 'string'];
}

type Predicate = (row: HuntingRow) => boolean;

function compareWith(op: string, kind: string): (x: HuntingValue, y: HuntingValue) => boolean {
  return (x, y) => {
    // Comparisons with null are never true, as in Kusto.
    if (x === null || y === null) return false;
    if (op === '=~') return String(x).toLowerCase() === String(y).toLowerCase();
    if (op === '!~') return String(x).toLowerCase() !== String(y).toLowerCase();
    const l = kind === 'number' ? Number(x) : x;
    const r = kind === 'number' ? Number(y) : y;
    switch (op) {
      case '==': return l === r;
      case '!=': return l !== r;
      case '<': return l < r;
      case '<=': return l <= r;
      case '>': return l > r;
      case '>=': return l >= r;
    }
    return false;
  };
}

function hasTerm(haystack: string, term: string): boolean {
  const h = haystack.toLowerCase();
  const t = term.toLowerCase();
  let from = 0;
  for (;;) {
    const at = h.indexOf(t, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : h[at - 1]!;
    const after = h[at + t.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

export function compilePredicate(expr: Expr, columns: ColumnTypes, nowMs: number): Predicate {
  switch (expr.kind) {
    case 'logical': {
      const l = compilePredicate(expr.left, columns, nowMs);
      const r = compilePredicate(expr.right, columns, nowMs);
      return expr.op === 'and' ? (row) => l(row) && r(row) : (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compilePredicate(expr.expr, columns, nowMs);
      return (row) => !inner(row);
    }
    case 'compare': {
      const [a, b, kind] = coerce(compileValue(expr.left, columns, nowMs), compileValue(expr.right, columns, nowMs));
      const cmp = compareWith(expr.op, kind);
      return (row) => cmp(a.eval(row), b.eval(row));
    }
    case 'string-op': {
      const a = compileValue(expr.left, columns, nowMs);
      const b = compileValue(expr.right, columns, nowMs);
      const negated = expr.op.startsWith('!');
      const base = expr.op.replace('!', '');
      const test = (x: string, y: string): boolean => {
        const lx = x.toLowerCase();
        const ly = y.toLowerCase();
        if (base === 'contains') return lx.includes(ly);
        if (base === 'startswith') return lx.startsWith(ly);
        if (base === 'endswith') return lx.endsWith(ly);
        return hasTerm(x, y);
      };
      return (row) => {
        const x = a.eval(row);
        const y = b.eval(row);
        if (x === null || y === null) return negated;
        return test(String(x), String(y)) !== negated;
      };
    }
    case 'between': {
      const s = compileValue(expr.subject, columns, nowMs);
      const [subject, low, kind] = coerce(s, compileValue(expr.low, columns, nowMs));
      const [, high] = coerce(s, compileValue(expr.high, columns, nowMs));
      const ge = compareWith('>=', kind);
      const le = compareWith('<=', kind);
      return (row) => {
        const v = subject.eval(row);
        if (v === null) return false;
        return (ge(v, low.eval(row)) && le(v, high.eval(row))) !== expr.negated;
      };
    }
    case 'in': {
      const s = compileValue(expr.subject, columns, nowMs);
      const values = expr.values.map((v) => {
        const [, c, kind] = coerce(s, compileValue(v, columns, nowMs));
        if (c.constant === undefined) throw new QueryError("The list of 'in' takes literal values only");
        return kind === 'number' ? Number(c.constant) : c.constant;
      });
      const set = new Set<HuntingValue>(values);
      const numeric = isNumeric(s.type);
      return (row) => {
        const v = s.eval(row);
        if (v === null) return expr.negated;
        return set.has(numeric ? Number(v) : v) !== expr.negated;
      };
    }
    case 'column': {
      const type = resolveColumn(expr.name, columns, expr.pos);
      if (type !== 'Boolean') throw new QueryError(`Column '${expr.name}' is not a boolean and cannot be used as a condition`);
      const name = expr.name;
      return (row) => row[name] === true;
    }
    case 'literal':
      if (expr.literal.kind === 'bool') {
        const v = expr.literal.value;
        return () => v;
      }
      throw new QueryError('A where clause needs a condition, not a bare value');
    default:
      throw new QueryError('A where clause needs a condition');
  }
}

/** Evaluate an expression that does not depend on the row (for pushdown), or undefined. */
export function constantValue(expr: Expr, nowMs: number): HuntingValue | undefined {
  if (expr.kind === 'column' || expr.kind === 'compare' || expr.kind === 'logical') return undefined;
  try {
    const c = compileValue(expr, new Map(), nowMs);
    return c.constant;
  } catch {
    return undefined;
  }
}
