import { OutpostError } from '../../../contract';
import { searchKinds, type SearchKind } from './columns';
import type { Db } from './engine';
import { withStatementCache } from './statement-cache';
import { bundleQueries } from './queries-bundle';
import { investigateQueries } from './queries-investigate';
import { syncQueries } from './queries-sync';
import { searchHitKey } from './search';

/*
 * The named reads the UI and the services run. Rows come back with their column names
 * (snake_case of the API fields); a reader connection runs them, so a sync never blocks
 * them. Add a query here rather than passing SQL across the worker boundary.
 */

export type Row = Record<string, unknown>;
export interface SearchHit {
  kind: SearchKind;
  /** The hit's primary key, by column: { id } for machines, { device_id, report_id, timestamp } for events. */
  key: Row;
  /** A human label: machine name, alert title, file name, ... */
  label: string | null;
}

const clampLimit = (limit: unknown, fallback = 200) => Math.max(1, Math.min(Number(limit ?? fallback) || fallback, 10_000));
const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '') throw new OutpostError('BAD_REQUEST', `The query needs ${name}.`);
  return value;
};

/** An FTS5 query from what the analyst typed: every word must match, as a prefix, quoted so no word is syntax. */
export function ftsQuery(input: string): string {
  const words = input.split(/\s+/).filter((word) => word !== '');
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

export const queries = {
  ...syncQueries,
  ...investigateQueries,
  ...bundleQueries,
  /**
   * The full-text index's own hits, each with its kind and key: what the writer indexed, as
   * the cache tests check it. The search page reads `invSearch`, which adds exact pivots first
   * and groups the hits.
   */
  search(db: Db, p: { text: string; limit?: number }): SearchHit[] {
    const match = ftsQuery(text(p.text, 'something to search for'));
    if (match === '') return [];
    const rowids = db.prepare('SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?').pluck().all(match, clampLimit(p.limit, 100)) as number[];
    const hits: SearchHit[] = [];
    for (const rowid of rowids) {
      const kind = searchKinds[(rowid % 16) as keyof typeof searchKinds];
      if (!kind) continue;
      const hit = searchHitKey(db, kind, Math.floor(rowid / 16));
      if (hit) hits.push({ kind, ...hit });
    }
    return hits;
  },
  /**
   * Reads every page of every table and index. An altered page fails its HMAC and the reader
   * reports CACHE_TAMPERED; a structurally broken one, CACHE_CORRUPT.
   */
  integrityCheck(db: Db) {
    const problems = db.pragma('quick_check') as Array<{ quick_check: string }>;
    if (problems.some((row) => row.quick_check !== 'ok')) {
      // quick_check lists damage as rows; raise it as SQLite would, so the worker (which holds
      // the key) can tell an altered page (HMAC) from a broken one.
      throw Object.assign(new Error('The cache failed its integrity check.'), { code: 'SQLITE_CORRUPT' });
    }
    return { ok: true };
  },
  checkpoints(db: Db) {
    return db.prepare('SELECT stream, cursor, detail, updated_at FROM sync_checkpoints ORDER BY stream').all() as Row[];
  },
  scope(db: Db) {
    const row = db.prepare('SELECT scope, updated_at FROM sync_scope WHERE singleton = 1').get() as { scope: string; updated_at: string } | undefined;
    return row ? { scope: JSON.parse(row.scope) as unknown, updatedAt: row.updated_at } : null;
  },
  policy(db: Db) {
    return (db.prepare('SELECT * FROM tenant_policy WHERE singleton = 1').get() as Row | undefined) ?? null;
  },
  auditTail(db: Db) {
    return (db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined) ?? null;
  },
  auditLog(db: Db, p: { afterSeq?: number; limit?: number }) {
    return db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(Number(p.afterSeq ?? 0), clampLimit(p.limit, 1000)) as Row[];
  },
  notes(db: Db, p: { entityType: string; entityKey: string }) {
    return db.prepare('SELECT * FROM notes WHERE entity_type = ? AND entity_key = ? ORDER BY created_at').all(p.entityType, p.entityKey) as Row[];
  },
  tags(db: Db, p: { entityType: string; entityKey: string }) {
    return db.prepare('SELECT tag FROM tags WHERE entity_type = ? AND entity_key = ? ORDER BY tag').pluck().all(p.entityType, p.entityKey) as string[];
  },
};

export type Queries = typeof queries;
export type QueryName = keyof Queries;
export type QueryParams<N extends QueryName> = Parameters<Queries[N]> extends [unknown, infer P] ? P : Record<string, never>;
export type QueryResult<N extends QueryName> = ReturnType<Queries[N]>;

export function runQuery<N extends QueryName>(db: Db, name: N, params: QueryParams<N>): QueryResult<N> {
  const query = queries[name] as ((db: Db, params: unknown) => QueryResult<N>) | undefined;
  if (typeof query !== 'function' || !Object.hasOwn(queries, name)) throw new OutpostError('BAD_REQUEST', `There is no cache query named ${String(name)}.`);
  return query(withStatementCache(db), params ?? {});
}
