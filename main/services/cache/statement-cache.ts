import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type { Db } from './engine';

/*
 * The named queries prepare their SQL where they use it, and preparing (parse + plan) costs
 * 20-50 us a statement, often more than running it: a search that resolves 240 hits prepared
 * about 1,000 statements (60 ms at 1M events), a process tree a few hundred. This wraps a
 * connection so prepare() returns the statement it made before for the same SQL.
 * A cached statement comes back in its default mode (a caller may have set pluck on it).
 */

type Statement = Sqlite.Statement;

/**
 * Dynamic SQL (filters with N values) must not grow the cache without bound. When full, the
 * statement used longest ago goes: clearing all of them made the next few hundred queries of
 * a search or a process tree prepare everything again.
 */
export const MAX_STATEMENTS = 500;
const wrapped = new WeakMap<Db, Db>();

export function withStatementCache(db: Db): Db {
  const known = wrapped.get(db);
  if (known) return known;
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (statement) {
      if (statement.reader) statement.pluck(false).raw(false).expand(false);
      // A Map keeps insertion order: moved to the end, the first key is the least recently used.
      statements.delete(sql);
    } else {
      if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
      statement = db.prepare(sql);
    }
    statements.set(sql, statement);
    return statement;
  };
  const proxy = new Proxy(db, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  wrapped.set(db, proxy);
  return proxy;
}
