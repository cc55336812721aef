import type { Db } from './engine';

/*
 * The oldest event time each event table may hold: a lower bound, never above a real event.
 * The retention purge runs at every open, and no index leads with time, so finding that
 * nothing is old enough meant reading every event table (434-470 ms of an open at 1M events),
 * then one index seek per machine and table (about 80 ms there with 200 machines, growing with
 * the fleet). With the bound, a table nothing in it can precede the cutoff is not read at all.
 *
 * The writer lowers a table's bound in the transaction that writes an older event (one upsert
 * per table per transaction); a removal only ever raises the true oldest, so the bound stays a
 * lower bound without being touched, and the purge raises it to its cutoff.
 */

export class EventBoundsTally {
  private readonly oldest = new Map<string, string>();

  add(table: string, time: string): void {
    const known = this.oldest.get(table);
    if (known === undefined || time < known) this.oldest.set(table, time);
  }

  /** Inside the writing transaction, before COMMIT. */
  flush(db: Db): void {
    if (this.oldest.size === 0) return;
    const lower = db.prepare('INSERT INTO event_bounds (table_name, oldest) VALUES (?, ?) ON CONFLICT DO UPDATE SET oldest = min(oldest, excluded.oldest)');
    for (const [table, time] of this.oldest) lower.run(table, time);
    this.oldest.clear();
  }

  discard(): void {
    this.oldest.clear();
  }
}

/** Whether the table may hold an event before the cutoff (false: it holds none). */
export function mayHoldEventsBefore(db: Db, table: string, cutoff: string): boolean {
  const oldest = db.prepare('SELECT oldest FROM event_bounds WHERE table_name = ?').pluck().get(table) as string | undefined;
  return oldest !== undefined && oldest < cutoff;
}

/** After a purge removed everything before the cutoff from the table. */
export function raiseBound(db: Db, table: string, cutoff: string): void {
  db.prepare('UPDATE event_bounds SET oldest = ? WHERE table_name = ? AND oldest < ?').run(cutoff, table, cutoff);
}

/**
 * Every machine of an event table, walked by seeking the next device id in the index the
 * events' key leads with (a skip-scan): one seek per machine instead of a read of every row.
 */
function machinesOf(table: string): string {
  return `WITH RECURSIVE machine(id) AS (
         SELECT (SELECT min(device_id) FROM ${table})
         UNION ALL
         SELECT (SELECT min(device_id) FROM ${table} WHERE device_id > machine.id) FROM machine WHERE machine.id IS NOT NULL
       )`;
}

/**
 * A table's oldest event from its events themselves, one index seek per machine (its key leads
 * with device and time): for a cache written before the bounds were kept (migration 0004, which
 * runs before 0006 numbered the machines).
 */
export function oldestEvent(db: Db, table: string): string | null {
  return db
    .prepare(`${machinesOf(table)} SELECT min((SELECT min(timestamp) FROM ${table} WHERE device_id = machine.id)) FROM machine WHERE machine.id IS NOT NULL`)
    .pluck()
    .get() as string | null;
}
