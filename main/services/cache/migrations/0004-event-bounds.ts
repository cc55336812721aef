import { huntingTables } from '../columns';
import { oldestEvent } from '../event-bounds';
import type { Migration } from './migration';

/*
 * The oldest event time per event table, a lower bound the writer keeps (event-bounds.ts), so
 * the purge at every open reads no event table it has nothing to remove from. Filled here from
 * the events a version 3 cache already holds. Never edit once shipped.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'event-bounds',
  up(db) {
    db.exec('CREATE TABLE event_bounds (table_name TEXT PRIMARY KEY, oldest TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO event_bounds (table_name, oldest) VALUES (?, ?)');
    for (const { table } of Object.values(huntingTables)) {
      const oldest = oldestEvent(db, table);
      if (oldest !== null) insert.run(table, oldest);
    }
  },
};
