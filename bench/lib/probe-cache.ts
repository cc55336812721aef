import type { Tenant } from '../../emulator/tenant/tenant';
import { openEngine, type Db } from '../../main/services/cache/engine';
import { writeMeta } from '../../main/services/cache/meta';
import { migrate } from '../../main/services/cache/migrate';
import { createWriter, type CacheWriter } from '../../main/services/cache/writer';
import { entityBatches } from './data';

/**
 * A tuning probe's cache, written in the probe's own thread: opened (`tune` sets pragmas before
 * the schema exists), given the current schema, then the tenant's machines, alerts and logged-on
 * users, as a sync writes them before its hunting answers. `key` null: a plaintext cache.
 */
export function probeCache(file: string, key: Uint8Array | null, tenant: Tenant, tune: (db: Db) => void = () => {}): { db: Db; writer: CacheWriter } {
  const db = openEngine({ file, tenantId: 't', key, role: 'writer', mustExist: false });
  tune(db);
  db.transaction(() => {
    migrate(db, 't');
    writeMeta(db, { tenantId: 't', region: 'us', createdAt: '', createdByVersion: '0' });
  }).immediate();
  const writer = createWriter(db);
  for (const batch of entityBatches(tenant)) writer.write(batch);
  return { db, writer };
}
