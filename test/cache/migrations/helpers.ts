import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openEngine, type Db } from '../../../main/services/cache/engine';
import { tempHome } from '../helpers';

/** A fresh encrypted database at schema 0, opened directly (no worker), for migration tests. */
export function emptyEncryptedDb(): { db: Db; file: string; key: Uint8Array; remove(): void } {
  const { home, remove } = tempHome();
  const file = path.join(home, 'cache.db');
  const key = new Uint8Array(randomBytes(32));
  const db = openEngine({ file, tenantId: 'migration-test', key, role: 'writer', mustExist: false });
  return {
    db,
    file,
    key,
    remove() {
      if (db.open) db.close();
      remove();
    },
  };
}

export function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((column) => column.name);
}

export function indexedColumns(db: Db, table: string): string[][] {
  const indexes = db.prepare(`PRAGMA index_list(${table})`).all() as Array<{ name: string }>;
  return indexes.map((index) => (db.prepare(`PRAGMA index_info(${index.name})`).all() as Array<{ name: string }>).map((column) => column.name));
}

/** SQLite's plan for a query, its steps joined, to match an index name against. */
export function queryPlan(db: Db, sql: string): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((step) => step.detail).join('; ');
}
