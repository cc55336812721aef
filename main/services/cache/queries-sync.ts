import type { Db } from './engine';

/** Reads the sync needs: what it has yet to fetch. */
export const syncQueries = {
  /**
   * SHA-1s that evidence or events name and that have no file row yet, evidence first
   * (what an alert points at matters most), then by how often events name them: counted
   * from the file summaries (key-machines.ts), not the events' indexes, which this read
   * scanned whole on every sync, filling a reader's page cache with them.
   */
  filesWithoutProfile(db: Db, p: { limit?: number }): string[] {
    const limit = Math.max(1, Math.min(Number(p.limit ?? 400) || 400, 5000));
    return db
      .prepare(
        `SELECT sha1 FROM (
           SELECT lower(sha1) AS sha1, 0 AS priority, count(*) AS seen FROM evidence WHERE sha1 IS NOT NULL AND sha1 <> '' GROUP BY 1
           UNION ALL
           SELECT lower(sha1), 1, sum(events) FROM file_machines WHERE sha1 <> '' GROUP BY 1
         )
         WHERE length(sha1) = 40 AND sha1 NOT IN (SELECT lower(sha1) FROM files)
         GROUP BY sha1 ORDER BY min(priority), sum(seen) DESC LIMIT ?`,
      )
      .pluck()
      .all(limit) as string[];
  },
};
