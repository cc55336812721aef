// OData $filter for the entity APIs: eq, ne, gt, ge, lt, le, and, or, not, parentheses,
// startswith()/endswith()/contains(), and `machineTags/any(t: t eq 'x')`, over the
// properties each entity set documents as filterable.
import { normalizeDateTime } from '../time';

export class ODataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ODataError';
  }
}

type Value = string | number | boolean | null;

export type FilterExpr =
  | { kind: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; property: string; value: Value; isDate: boolean }
  | { kind: 'logical'; op: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'function'; name: 'startswith' | 'endswith' | 'contains'; property: string; value: string }
  | { kind: 'any'; property: string; variable: string; predicate: FilterExpr };

interface Tok { text: string; kind: 'word' | 'string' | 'punct'; pos: number }

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new ODataError(`Unterminated string literal at position ${i}`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") { s += "'"; j += 2; continue; }
          break;
        }
        s += text[j];
        j++;
      }
      out.push({ text: s, kind: 'string', pos: i });
      i = j + 1;
      continue;
    }
    if ('(),:/'.includes(c)) { out.push({ text: c, kind: 'punct', pos: i }); i++; continue; }
    const m = /^[^\s(),:/']+/.exec(text.slice(i));
    if (!m) throw new ODataError(`Unexpected character '${c}' at position ${i}`);
    // An ISO datetime contains ':' — read it whole.
    const dt = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?/.exec(text.slice(i));
    const word = dt ? dt[0] : m[0];
    out.push({ text: word, kind: 'word', pos: i });
    i += word.length;
  }
  return out;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok | undefined { return this.toks[this.i]; }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new ODataError('Unexpected end of the $filter expression');
    return t;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text.toLowerCase() === w;
  }
  private expect(p: string): void {
    const t = this.next();
    if (t.text !== p || t.kind === 'string') throw new ODataError(`Expected '${p}' at position ${t.pos}, found '${t.text}'`);
  }

  parse(): FilterExpr {
    const e = this.parseOr();
    const rest = this.peek();
    if (rest) throw new ODataError(`Unexpected '${rest.text}' at position ${rest.pos}`);
    return e;
  }

  parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.isWord('or')) { this.next(); left = { kind: 'logical', op: 'or', left, right: this.parseAnd() }; }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parseUnary();
    while (this.isWord('and')) { this.next(); left = { kind: 'logical', op: 'and', left, right: this.parseUnary() }; }
    return left;
  }

  private parseUnary(): FilterExpr {
    if (this.isWord('not')) { this.next(); return { kind: 'not', expr: this.parseUnary() }; }
    const t = this.peek();
    if (t?.text === '(' && t.kind === 'punct') {
      this.next();
      const e = this.parseOr();
      this.expect(')');
      return e;
    }
    return this.parseAtom();
  }

  private parseAtom(): FilterExpr {
    const t = this.next();
    if (t.kind !== 'word') throw new ODataError(`Expected a property name at position ${t.pos}, found '${t.text}'`);
    const fn = t.text.toLowerCase();
    if ((fn === 'startswith' || fn === 'endswith' || fn === 'contains') && this.peek()?.text === '(') {
      this.next();
      const property = this.next();
      this.expect(',');
      const value = this.next();
      if (value.kind !== 'string') throw new ODataError(`${fn}() takes a quoted string as its second argument`);
      this.expect(')');
      return { kind: 'function', name: fn, property: property.text, value: value.text };
    }
    if (this.peek()?.text === '/') {
      this.next();
      const any = this.next();
      if (any.text.toLowerCase() !== 'any') throw new ODataError(`Only the any() lambda is supported, found '${any.text}'`);
      this.expect('(');
      const variable = this.next().text;
      this.expect(':');
      const predicate = this.parseOr();
      this.expect(')');
      return { kind: 'any', property: t.text, variable, predicate };
    }
    const op = this.next();
    if (!COMPARISONS.has(op.text.toLowerCase()) || op.kind !== 'word') {
      throw new ODataError(`Unsupported operator '${op.text}' at position ${op.pos}; use eq, ne, gt, ge, lt or le`);
    }
    const v = this.next();
    return { kind: 'compare', op: op.text.toLowerCase() as 'eq', property: t.text, ...this.literal(v) };
  }

  private literal(t: Tok): { value: Value; isDate: boolean } {
    if (t.kind === 'string') return { value: t.text, isDate: false };
    const w = t.text;
    if (w === 'null') return { value: null, isDate: false };
    if (w === 'true' || w === 'false') return { value: w === 'true', isDate: false };
    if (/^\d{4}-\d{2}-\d{2}/.test(w)) {
      const canonical = normalizeDateTime(w);
      if (!canonical) throw new ODataError(`Invalid datetime literal '${w}'`);
      return { value: canonical, isDate: true };
    }
    if (/^-?\d+(\.\d+)?$/.test(w)) return { value: Number(w), isDate: false };
    throw new ODataError(`Invalid literal '${w}' at position ${t.pos}: quote strings with single quotes`);
  }
}

export function parseFilter(text: string): FilterExpr {
  const toks = tokenize(text);
  if (!toks.length) throw new ODataError('The $filter expression is empty');
  return new Parser(toks).parse();
}

/** Which properties of an entity set can be filtered, and which hold datetimes. */
export interface FilterableFields {
  names: ReadonlySet<string>;
  dates: ReadonlySet<string>;
}

function check(e: FilterExpr, fields: FilterableFields, lambdaVar?: string): void {
  switch (e.kind) {
    case 'logical': check(e.left, fields, lambdaVar); check(e.right, fields, lambdaVar); return;
    case 'not': check(e.expr, fields, lambdaVar); return;
    case 'any':
      if (!fields.names.has(e.property)) throw new ODataError(`Property '${e.property}' cannot be filtered`);
      check(e.predicate, fields, e.variable);
      return;
    default:
      if (e.property === lambdaVar) return;
      if (!fields.names.has(e.property)) throw new ODataError(`Property '${e.property}' cannot be filtered; filterable: ${[...fields.names].join(', ')}`);
      if (e.kind === 'compare' && fields.dates.has(e.property) && e.value !== null && !e.isDate) {
        throw new ODataError(`Property '${e.property}' is a datetime; compare it with a literal such as 2024-01-01T00:00:00Z`);
      }
  }
}

function cmp(op: string, x: Value, y: Value): boolean {
  if (op === 'eq') return x === y || (typeof x === 'string' && typeof y === 'string' && x.toLowerCase() === y.toLowerCase());
  if (op === 'ne') return !cmp('eq', x, y);
  if (x === null || y === null) return false;
  switch (op) {
    case 'gt': return x > y;
    case 'ge': return x >= y;
    case 'lt': return x < y;
    case 'le': return x <= y;
  }
  return false;
}

function evaluate(e: FilterExpr, entity: Record<string, unknown>, fields: FilterableFields, scope: Record<string, unknown>): boolean {
  const read = (property: string): Value => {
    const v = property in scope ? scope[property] : entity[property];
    if (v === undefined) return null;
    if (fields.dates.has(property) && typeof v === 'string') return normalizeDateTime(v);
    return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : null;
  };
  switch (e.kind) {
    case 'logical':
      return e.op === 'and' ? evaluate(e.left, entity, fields, scope) && evaluate(e.right, entity, fields, scope) : evaluate(e.left, entity, fields, scope) || evaluate(e.right, entity, fields, scope);
    case 'not':
      return !evaluate(e.expr, entity, fields, scope);
    case 'function': {
      const v = read(e.property);
      if (typeof v !== 'string') return false;
      const s = v.toLowerCase();
      const x = e.value.toLowerCase();
      return e.name === 'startswith' ? s.startsWith(x) : e.name === 'endswith' ? s.endsWith(x) : s.includes(x);
    }
    case 'any': {
      const list = entity[e.property];
      if (!Array.isArray(list)) return false;
      return list.some((item) => evaluate(e.predicate, entity, fields, { ...scope, [e.variable]: item }));
    }
    case 'compare': {
      // rbacGroupId is a number in responses; accept '140' as well as 140 in filters.
      let value = e.value;
      const actual = read(e.property);
      if (typeof actual === 'number' && typeof value === 'string' && /^-?\d+$/.test(value)) value = Number(value);
      if (typeof actual === 'string' && typeof value === 'number') value = String(value);
      return cmp(e.op, actual, value);
    }
  }
}

/** Parse and check a $filter; returns a test for entities. */
export function compileFilter(text: string, fields: FilterableFields): (entity: object) => boolean {
  const expr = parseFilter(text);
  check(expr, fields);
  return (entity) => evaluate(expr, entity as Record<string, unknown>, fields, {});
}
