import type { EntityType } from '../../../contract/schemas/investigate';
import type { CacheClient } from '../cache';

/** One entity of the case as exported: what it is, how the analyst marked it, what the cache knows. */
export interface CaseEntity {
  type: EntityType;
  key: string;
  label: string;
  tags: string[];
  notes: Array<{ body: string; author: string | null; createdAt: string; updatedAt: string }>;
  facts: Record<string, string | number | boolean>;
}

export interface CaseDocument {
  format: 'outpost-case/1';
  tenant: string;
  exportedAt: string;
  appVersion: string;
  pseudonymized: boolean;
  entities: CaseEntity[];
}

/** Scalars only: JSON blobs and empty values stay out of a report meant to be read. */
function displayFacts(row: Record<string, unknown>): Record<string, string | number | boolean> {
  const facts: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(row)) {
    if (value === null || value === undefined || value === '' || name === 'synced_at') continue;
    if (typeof value === 'string' && /^[[{]/.test(value)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') facts[name] = value;
    else if (typeof value === 'bigint') facts[name] = Number(value);
  }
  return facts;
}

/** Reads the case (tagged or annotated entities) page by page, with each entity's facts. */
export async function readCase(cache: Pick<CacheClient, 'query'>, meta: { tenant: string; appVersion: string; now?: Date }): Promise<CaseDocument> {
  const entities: CaseEntity[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await cache.query('invCase', { limit: 200, offset });
    for (const item of page.entities) {
      const detail = await cache.query('invEntity', { entity: item.entity });
      entities.push({
        type: item.entity.type,
        key: item.entity.key,
        label: item.label,
        tags: item.tags,
        notes: item.notes.map(({ body, author, createdAt, updatedAt }) => ({ body, author, createdAt, updatedAt })),
        facts: displayFacts(detail.facts),
      });
    }
    if (!page.hasMore) break;
  }
  return { format: 'outpost-case/1', tenant: meta.tenant, exportedAt: (meta.now ?? new Date()).toISOString(), appVersion: meta.appVersion, pseudonymized: false, entities };
}
