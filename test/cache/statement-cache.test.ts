import Sqlite from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_STATEMENTS, withStatementCache } from '../../main/services/cache/statement-cache';

const opened: Sqlite.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function connection() {
  const db = new Sqlite(':memory:');
  opened.push(db);
  return withStatementCache(db);
}

describe('statement cache', () => {
  it('hands back the statement it prepared before for the same SQL, in its default mode', () => {
    const db = connection();
    const first = db.prepare('SELECT 1 AS one').pluck();
    const again = db.prepare('SELECT 1 AS one');
    expect(again).toBe(first);
    expect(again.get()).toEqual({ one: 1 });
  });

  it('when full, drops the statement used longest ago and keeps a recently used one', () => {
    const db = connection();
    const sql = (n: number) => `SELECT ${n} AS n`;
    const first = Array.from({ length: MAX_STATEMENTS }, (_, n) => db.prepare(sql(n)));
    // The very first statement is used again (as a search's page query is), the second never.
    expect(db.prepare(sql(0))).toBe(first[0]);
    db.prepare(sql(MAX_STATEMENTS)); // one more than fits
    expect(db.prepare(sql(0))).toBe(first[0]);
    expect(db.prepare(sql(2))).toBe(first[2]);
    expect(db.prepare(sql(1))).not.toBe(first[1]);
  });
});
