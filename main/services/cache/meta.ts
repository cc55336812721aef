import { OutpostError } from '../../../contract';
import type { Db } from './engine';
import { wayOut } from './errors';

/** What a cache says about itself: whose data it holds. */
export interface CacheMeta {
  tenantId: string;
  region: string;
  createdAt: string;
  createdByVersion: string;
}

export function readMeta(db: Db): CacheMeta | null {
  const row = db
    .prepare('SELECT tenant_id AS tenantId, region, created_at AS createdAt, created_by_version AS createdByVersion FROM cache_meta WHERE singleton = 1')
    .get() as CacheMeta | undefined;
  return row ?? null;
}

export function writeMeta(db: Db, meta: CacheMeta): void {
  db.prepare('INSERT INTO cache_meta (singleton, tenant_id, region, created_at, created_by_version) VALUES (1, ?, ?, ?, ?)').run(
    meta.tenantId,
    meta.region,
    meta.createdAt,
    meta.createdByVersion,
  );
}

/** A cache is only ever opened as the tenant it was created for. */
export function assertTenant(db: Db, tenantId: string): CacheMeta {
  const meta = readMeta(db);
  if (!meta) {
    throw new OutpostError('CACHE_CORRUPT', `The cache of tenant ${tenantId} does not record which tenant it belongs to, so Outpost will not use it. ${wayOut(tenantId)}`);
  }
  if (meta.tenantId.toLowerCase() !== tenantId.trim().toLowerCase()) {
    throw new OutpostError(
      'CACHE_WRONG_TENANT',
      `This cache belongs to tenant ${meta.tenantId}, not ${tenantId}; Outpost will not open one tenant's data as another's. Nothing was changed.`,
    );
  }
  return meta;
}
