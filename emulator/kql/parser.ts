// Recursive-descent parser for the KQL subset. Anything outside the subset is refused
// with a message that names what was found and what is supported.
import { normalizeDateTime } from '../time';
import type { CompareOp, Expr, Operator, OrderKey, Query, StringOp } from './ast';
import { QueryError } from './errors';
import { type Token, describeToken, tokenize } from './tokenizer';

const SUPPORTED_OPERATORS = 'where, project, order by (or sort by), take, limit, summarize count() by';
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '=~', '!~']);
const STRING_OPS = new Set(['contains', '!contains', 'has', '!has', 'startswith', '!startswith', 'endswith', '!endswith']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toLowerCase() === word;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === op;
  }

  private expectOp(op: string, context: string): void {
    if (!this.isOp(op)) throw new QueryError(`Expected '${op}' ${context}, found ${describeToken(this.peek())}`);
    this.next();
  }

  private expectWord(word: string, context: string): void {
    if (!this.isWord(word)) throw new QueryError(`Expected '${word}' ${context}, found ${describeToken(this.peek())}`);
    this.next();
  }

  private identifier(context: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident' || t.text.startsWith('!')) throw new QueryError(`Expected a column name ${context}, found ${describeToken(t)}`);
    return this.next();
  }

  parseQuery(): Query {
    const table = this.identifier('as the table name at the start of the query');
    const operators: Operator[] = [];
    while (this.isOp('|')) {
      this.next();
      operators.push(this.parseOperator());
    }
    if (this.peek().kind !== 'eof') throw new QueryError(`Unexpected ${describeToken(this.peek())}; operators are separated by '|'`);
    return { table: table.text, operators };
  }

  private parseOperator(): Operator {
    const t = this.peek();
    const word = t.kind === 'ident' ? t.text.toLowerCase() : '';
    switch (word) {
      case 'where':
      case 'filter':
        this.next();
        return { kind: 'where', predicate: this.parseExpr() };
      case 'project': {
        this.next();
        const columns = [this.identifier('after project').text];
        while (this.isOp(',')) {
          this.next();
          columns.push(this.identifier('in project').text);
        }
        if (this.isOp('=')) throw new QueryError(`Computed columns in project are not supported (at position ${this.peek().pos + 1})`);
        return { kind: 'project', columns };
      }
      case 'order':
      case 'sort': {
        this.next();
        this.expectWord('by', `after '${word}'`);
        const keys: OrderKey[] = [this.parseOrderKey()];
        while (this.isOp(',')) {
          this.next();
          keys.push(this.parseOrderKey());
        }
        return { kind: 'order', keys };
      }
      case 'take':
      case 'limit': {
        this.next();
        const n = this.next();
        if (n.kind !== 'number' || !Number.isInteger(n.value) || Number(n.value) < 0) {
          throw new QueryError(`Expected a whole number after '${word}', found ${describeToken(n)}`);
        }
        return { kind: 'take', count: Number(n.value) };
      }
      case 'summarize':
        this.next();
        return this.parseSummarize();
      default:
        throw new QueryError(
          t.kind === 'eof'
            ? `Expected an operator after '|', found the end of the query. Supported: ${SUPPORTED_OPERATORS}`
            : `Unsupported operator ${describeToken(t)}. The emulator supports: ${SUPPORTED_OPERATORS}`,
        );
    }
  }

  private parseOrderKey(): OrderKey {
    const column = this.identifier('in order by').text;
    // KQL sorts descending unless told otherwise.
    let descending = true;
    if (this.isWord('asc')) { this.next(); descending = false; }
    else if (this.isWord('desc')) { this.next(); }
    if (this.isWord('nulls')) {
      this.next();
      if (!this.isWord('first') && !this.isWord('last')) throw new QueryError(`Expected 'first' or 'last' after 'nulls', found ${describeToken(this.peek())}`);
      this.next();
    }
    return { column, descending };
  }

  private parseSummarize(): Operator {
    let countName = 'count_';
    if (this.peek().kind === 'ident' && this.peek(1).kind === 'op' && this.peek(1).text === '=') {
      countName = this.next().text;
      this.next();
    }
    const fn = this.peek();
    if (!(fn.kind === 'ident' && fn.text.toLowerCase() === 'count' && this.peek(1).text === '(')) {
      throw new QueryError(`Unsupported aggregation ${describeToken(fn)}: the emulator's summarize supports count() only`);
    }
    this.next();
    this.expectOp('(', 'after count');
    this.expectOp(')', 'count() takes no arguments');
    if (this.isOp(',')) throw new QueryError(`Only one aggregation is supported in summarize (at position ${this.peek().pos + 1})`);
    const by: string[] = [];
    if (this.isWord('by')) {
      this.next();
      by.push(this.identifier('after summarize ... by').text);
      while (this.isOp(',')) {
        this.next();
        by.push(this.identifier('in summarize ... by').text);
      }
      if (this.isOp('(') || this.isOp('=')) throw new QueryError('summarize ... by takes plain column names (bin() and computed groups are not supported)');
    }
    return { kind: 'summarize', countName, by };
  }

  parseExpr(): Expr {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.next();
      left = { kind: 'logical', op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseComparison();
    while (this.isWord('and')) {
      this.next();
      left = { kind: 'logical', op: 'and', left, right: this.parseComparison() };
    }
    return left;
  }

  private parseComparison(): Expr {
    const left = this.parsePrimary();
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.next();
      return { kind: 'compare', op: t.text as CompareOp, left, right: this.parsePrimary() };
    }
    if (t.kind !== 'ident') return left;
    const word = t.text.toLowerCase();
    if (STRING_OPS.has(word)) {
      this.next();
      return { kind: 'string-op', op: word as StringOp, left, right: this.parsePrimary() };
    }
    if (word === 'between' || word === '!between') {
      this.next();
      this.expectOp('(', "after 'between'");
      const low = this.parsePrimary();
      this.expectOp('..', "between the bounds of 'between'");
      const high = this.parsePrimary();
      this.expectOp(')', "after the bounds of 'between'");
      return { kind: 'between', subject: left, low, high, negated: word === '!between' };
    }
    if (word === 'in' || word === '!in') {
      this.next();
      this.expectOp('(', `after '${word}'`);
      const values: Expr[] = [];
      if (!this.isOp(')')) {
        values.push(this.parsePrimary());
        while (this.isOp(',')) {
          this.next();
          values.push(this.parsePrimary());
        }
      }
      this.expectOp(')', `to close the '${word}' list`);
      return { kind: 'in', subject: left, values, negated: word === '!in' };
    }
    if (word !== 'and' && word !== 'or') {
      throw new QueryError(`Unsupported operator ${describeToken(t)} in a where clause. Supported: ==, !=, <, <=, >, >=, =~, !~, between, in, !in, contains, has, startswith, endswith, and, or`);
    }
    return left;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'literal', literal: { kind: 'string', value: String(t.value) } };
      case 'number':
        return { kind: 'literal', literal: { kind: 'number', value: Number(t.value) } };
      case 'timespan':
        return { kind: 'literal', literal: { kind: 'timespan', value: Number(t.value) } };
      case 'datetime': {
        const canonical = normalizeDateTime(String(t.value));
        if (!canonical) throw new QueryError(`Invalid datetime literal ${t.text} at position ${t.pos + 1}`);
        return { kind: 'literal', literal: { kind: 'datetime', value: canonical } };
      }
      case 'op':
        if (t.text === '(') {
          const inner = this.parseExpr();
          this.expectOp(')', 'to close the parenthesis');
          return inner;
        }
        if (t.text === '-' && this.peek().kind === 'number') {
          return { kind: 'literal', literal: { kind: 'number', value: -Number(this.next().value) } };
        }
        throw new QueryError(`Expected a column, a value or '(' but found ${describeToken(t)}`);
      case 'ident':
        return this.parseWordPrimary(t);
      default:
        throw new QueryError(`Expected a column, a value or '(' but found ${describeToken(t)}`);
    }
  }

  private parseWordPrimary(t: Token): Expr {
    const word = t.text.toLowerCase();
    if (word === 'true' || word === 'false') return { kind: 'literal', literal: { kind: 'bool', value: word === 'true' } };
    if (word === 'null') return { kind: 'literal', literal: { kind: 'null' } };
    if (this.isOp('(')) {
      this.next();
      if (word === 'ago') {
        const span = this.next();
        if (span.kind !== 'timespan') throw new QueryError(`ago() takes a timespan such as 7d, 12h or 30m; found ${describeToken(span)}`);
        this.expectOp(')', 'to close ago(');
        return { kind: 'ago', ms: Number(span.value) };
      }
      if (word === 'now') {
        this.expectOp(')', 'now() takes no arguments');
        return { kind: 'now' };
      }
      if (word === 'not') {
        const inner = this.parseExpr();
        this.expectOp(')', 'to close not(');
        return { kind: 'not', expr: inner };
      }
      throw new QueryError(`Unsupported function '${t.text}()' at position ${t.pos + 1}. Supported: ago(), now(), datetime(), not()`);
    }
    if (t.text.startsWith('!')) throw new QueryError(`Unexpected ${describeToken(t)}`);
    return { kind: 'column', name: t.text, pos: t.pos };
  }
}

export function parseQuery(text: string): Query {
  if (!text.trim()) throw new QueryError('The query is empty');
  return new Parser(tokenize(text)).parseQuery();
}
