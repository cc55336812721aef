import { OutpostError } from '../../../contract';
import type { Db } from './engine';
import { latestSchemaVersion, migrations, type Migration } from './migrations';

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings a cache up to `target` (default: the newest this code knows), one migration per
 * transaction, so a crash leaves the cache at a whole version. A cache written by a newer
 * Outpost is refused, never downgraded. `onProgress`: how far the whole upgrade is, 0 to 1,
 * as the migrations that report their steps take them.
 */
export function migrate(
  db: Db,
  tenantId: string,
  target: number = latestSchemaVersion,
  list: readonly Migration[] = migrations,
  onProgress?: (fraction: number) => void,
): number {
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new OutpostError(
      'CACHE_TOO_NEW',
      `The cache of tenant ${tenantId} was written by a newer version of Outpost (schema ${current}; this version knows up to ${list.length}). Update Outpost to open it. Nothing was changed.`,
    );
  }
  const steps = list.filter((migration) => migration.version > current && migration.version <= target);
  steps.forEach((migration, index) => {
    db.transaction(() => {
      migration.up(db, (fraction) => onProgress?.((index + fraction) / steps.length));
      db.pragma(`user_version=${migration.version}`);
    }).immediate();
    onProgress?.((index + 1) / steps.length);
  });
  return schemaVersion(db);
}
