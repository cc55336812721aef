import type { Db } from './engine';

/*
 * The full-text candidates of a search, in a time that does not grow with the cache.
 *
 * Two costs grow with the number of matches, not with the page: an FTS5 prefix query
 * ("svch"*) merges the whole doclist of every term with that prefix before the first row
 * (459,000 rows for svchost at 1M events: 50 ms), and bm25 (ORDER BY rank) counts every row
 * of each phrase for its IDF (40 ms for the same term). So a one-word prefix is expanded to
 * the terms it covers (read from the fts5vocab table of 0002, one seek each) and queried as
 * an OR of whole terms, which FTS5 reads lazily; and bm25 ranks the matches only when every
 * word is rare enough to count cheaply. When a word is common, the candidates are the hits on
 * the small entity tables (machines, alerts, evidence, files, notes: their rowids are the
 * lowest) and then the newest events; what the analyst sees is the same groups, newest first.
 */

/** Past this many matches a word is "common": counting it for bm25 would cost more than the page. */
const RARE = 2000;
/** A prefix covering more terms than this is left to FTS5's own prefix query. */
const MAX_TERMS = 64;

/** The search kinds (columns.ts searchKinds) of the entity tables: machine, alert, evidence, file, note. */
const entityKinds = [1, 2, 3, 4, 11];

const quote = (word: string) => `"${word.replaceAll('"', '""')}"`;

/** Terms of the index that start with `prefix` (lowercase ASCII letters and digits), up to MAX_TERMS + 1. */
function termsWithPrefix(db: Db, prefix: string): string[] {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  // >= with a NUL appended steps past a term in one seek; fts5vocab does not serve > itself.
  const next = db.prepare('SELECT term FROM search_terms WHERE term >= ? AND term < ? LIMIT 1').pluck();
  const terms: string[] = [];
  for (let term = next.get(prefix, end) as string | undefined; term !== undefined && terms.length <= MAX_TERMS; term = next.get(`${term}\u0000`, end) as string | undefined) {
    terms.push(term);
  }
  return terms;
}

/**
 * One FTS5 expression per word, each word a prefix; null when a word matches no term at all.
 * A word of ASCII letters and digits is tokenized here as unicode61 would (lowercase, split on
 * everything else): its tokens are a phrase whose last token is the prefix, expanded to the
 * phrases of its terms. Other words keep FTS5's own prefix query.
 */
export function searchWords(db: Db, text: string): string[] | null {
  const out: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!/^[\x21-\x7e]+$/.test(word)) {
      out.push(`${quote(word)}*`);
      continue;
    }
    const tokens = word.toLowerCase().split(/[^a-z0-9]+/).filter((token) => token !== '');
    const last = tokens.pop();
    if (last === undefined) continue; // only separators: no token to match, as FTS5 would see it
    const terms = termsWithPrefix(db, last);
    if (terms.length === 0) return null;
    const head = tokens.length > 0 ? `${tokens.join(' ')} ` : '';
    out.push(terms.length > MAX_TERMS ? `${quote(head + last)}*` : `(${terms.map((term) => quote(head + term)).join(' OR ')})`);
  }
  return out;
}

const isRare = (db: Db, expression: string) =>
  (db.prepare('SELECT count(*) FROM (SELECT rowid FROM search WHERE search MATCH ? LIMIT ?)').pluck().get(expression, RARE + 1) as number) <= RARE;

/** Up to `n` search rowids for the words, best first. */
export function searchCandidates(db: Db, words: string[], n: number): number[] {
  if (words.length === 0) return [];
  const match = words.join(' AND ');
  if (words.every((word) => isRare(db, word))) {
    return db.prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?').pluck().all(match, n) as number[];
  }
  const entityMax = db.prepare(`SELECT max(coalesce((SELECT max(rowid) FROM machines), 0), coalesce((SELECT max(rowid) FROM alerts), 0),
    coalesce((SELECT max(rowid) FROM evidence), 0), coalesce((SELECT max(rowid) FROM files), 0), coalesce((SELECT max(rowid) FROM notes), 0))`).pluck().get() as number;
  // Below this bound every entity row's hit lies, among the first events' (skipped by kind).
  const low = db.prepare(`SELECT rowid FROM search WHERE search MATCH ? AND rowid < ? AND rowid % 16 IN (${entityKinds.join(', ')}) ORDER BY rowid LIMIT ?`)
    .pluck().all(match, BigInt((entityMax + 1) * 16), n) as number[]; // FTS5 ignores a rowid bound bound as a double: a BigInt binds as an integer
  const newest = db.prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?').pluck().all(match, Math.max(0, n - low.length)) as number[];
  return [...new Set([...low, ...newest])];
}
