// Tokenizer for the KQL subset. Positions are kept so errors can point at the text.
import { QueryError } from './errors';

export type TokenKind = 'ident' | 'number' | 'timespan' | 'string' | 'datetime' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Parsed value: number for numbers, milliseconds for timespans, text for strings. */
  value?: string | number;
  pos: number;
}

const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1,
  day: 86_400_000, days: 86_400_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  min: 60_000, minute: 60_000, minutes: 60_000, sec: 1000, second: 1000, seconds: 1000,
};

// Longest first, so '<=' wins over '<'.
const OPERATORS = ['==', '!=', '=~', '!~', '<=', '>=', '..', '<', '>', '|', '(', ')', ',', '=', '-', '+'];

export function describeToken(t: Token): string {
  return t.kind === 'eof' ? 'the end of the query' : `'${t.text}' at position ${t.pos + 1}`;
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  while (i < n) {
    const c = query[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && query[i + 1] === '/') {
      while (i < n && query[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // datetime(...) takes an unquoted literal, so read it raw.
    const dt = /^datetime\s*\(/i.exec(query.slice(i, i + 20));
    if (dt) {
      i += dt[0].length;
      const close = query.indexOf(')', i);
      if (close < 0) throw new QueryError(`Unclosed datetime( at position ${start + 1}`);
      let raw = query.slice(i, close).trim();
      if ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"))) raw = raw.slice(1, -1);
      tokens.push({ kind: 'datetime', text: query.slice(start, close + 1), value: raw, pos: start });
      i = close + 1;
      continue;
    }
    if (c === '"' || c === "'" || (c === '@' && (query[i + 1] === '"' || query[i + 1] === "'"))) {
      const verbatim = c === '@';
      if (verbatim) i++;
      const quote = query[i]!;
      i++;
      let text = '';
      while (i < n && query[i] !== quote) {
        if (!verbatim && query[i] === '\\' && i + 1 < n) {
          const e = query[i + 1]!;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          i += 2;
        } else {
          text += query[i];
          i++;
        }
      }
      if (i >= n) throw new QueryError(`Unterminated string literal starting at position ${start + 1}`);
      i++;
      tokens.push({ kind: 'string', text: query.slice(start, i), value: text, pos: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(\d+(?:\.\d+)?)([a-zA-Z]+)?/.exec(query.slice(i))!;
      const [whole, num, unit] = m;
      i += whole.length;
      if (unit) {
        const factor = TIMESPAN_UNITS[unit.toLowerCase()];
        if (factor === undefined) throw new QueryError(`Unknown timespan unit '${unit}' in '${whole}' at position ${start + 1}`);
        tokens.push({ kind: 'timespan', text: whole, value: Number(num) * factor, pos: start });
      } else {
        tokens.push({ kind: 'number', text: whole, value: Number(num), pos: start });
      }
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'ident', text: m[0], pos: start });
      continue;
    }
    // Negated word operators: !in, !contains, !has, !startswith ...
    if (c === '!' && /[A-Za-z]/.test(query[i + 1] ?? '')) {
      const m = /^![A-Za-z_]+/.exec(query.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'ident', text: m[0], pos: start });
      continue;
    }
    const op = OPERATORS.find((o) => query.startsWith(o, i));
    if (!op) throw new QueryError(`Unexpected character '${c}' at position ${start + 1}`);
    i += op.length;
    tokens.push({ kind: 'op', text: op, pos: start });
  }
  tokens.push({ kind: 'eof', text: '', pos: n });
  return tokens;
}
