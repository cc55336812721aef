import { OutpostError } from '../../../contract';
import type { AuditRecord, CacheBatch, CacheClient, CheckpointRecord, Row, TenantPolicyRecord } from '../cache';
import { bundleTables, entityKey, entityTime, type BundleFilter, type BundleTable, type EntityTable } from '../cache/queries-bundle';
import type { BundleRow } from './format';
import type { OpenedBundle } from './open';

/*
 * Between a tenant cache and a bundle's rows. Export reads every kept table a page at a
 * time, in API form (what the sync writes), so memory stays bounded whatever the size.
 * Import writes them back through the same writer, in ONE transaction: nothing becomes
 * visible until every row has been read and the bundle's end (counts, file hash) checked.
 */

const exportPageRows = 2000;
const importBatchRows = 2000;

const entityTables = new Set<string>(['machines', 'alerts', 'logonUsers', 'files']);
const knownTables = new Set<string>(bundleTables);

/** Every row the filter keeps, table by table, in key order; the next page is read while this one is handed out. */
export async function* exportRows(cache: Pick<CacheClient, 'query'>, filter: BundleFilter = {}, pageRows = exportPageRows): AsyncGenerator<BundleRow> {
  for (const table of bundleTables) {
    let page = await cache.query('bundlePage', { table, after: null, limit: pageRows, filter });
    for (;;) {
      const next = page.next ? cache.query('bundlePage', { table, after: page.next, limit: pageRows, filter }) : null;
      // A failed read-ahead must not surface as an unhandled rejection while we are still yielding.
      next?.catch(() => undefined);
      for (const row of page.rows) yield { table, row };
      if (!next) break;
      page = await next;
    }
  }
}

export interface MergeResult {
  /** Rows read from the bundle, per table. */
  read: Record<string, number>;
  /** Entities written because they were new or newer than the cache's; events are counted by the caller from row counts. */
  entitiesWritten: Record<string, number>;
  /** Entities left alone because the cache held the same or a newer version. */
  entitiesKept: number;
  /** Whether the bundle was newer than every bundle imported before (its policy and scope were taken). */
  newest: boolean;
}

export interface MergeOptions {
  cache: CacheClient;
  bundle: OpenedBundle;
  /** An empty cache: no need to compare entities with stored ones. */
  fresh?: boolean;
  batchRows?: number;
  onProgress?(rows: number): void;
  /** Test hook: called after each batch is appended (the kill test stops the process here). */
  onAppended?(rows: number): void | Promise<void>;
  /** The import's audit entry, made from the merge's outcome and committed with it: both or neither. */
  audit?(result: MergeResult): AuditRecord;
}

function invalid(why: string): OutpostError {
  return new OutpostError('BUNDLE_INVALID', `The bundle cannot be imported: ${why}. Nothing was imported.`);
}

function checkRow(table: string, row: Row): void {
  if (!knownTables.has(table)) throw invalid(`it holds a table (${table}) this version of Outpost does not know; update Outpost on this laptop`);
  const present = (value: unknown) => value !== undefined && value !== null && value !== '';
  switch (table) {
    case 'machines':
    case 'alerts':
      if (!present(row.id)) throw invalid(`a row of ${table} has no id`);
      return;
    case 'files':
      if (!present(row.sha1)) throw invalid('a file profile has no SHA-1');
      return;
    case 'logonUsers':
      if (!present(row.machineId) || !present(row.accountName)) throw invalid('a logged-on user has no machine or account');
      return;
    default:
      if (!present(row.Timestamp) || !present(row.DeviceId) || !present(row.ReportId)) throw invalid(`a row of ${table} has no Timestamp, DeviceId or ReportId`);
  }
}

/**
 * Keeps the entities that are new, or differ and are not older than the stored version:
 * so an older bundle after a newer one, or the same bundle twice, writes nothing.
 */
async function newerEntities(cache: Pick<CacheClient, 'query'>, table: EntityTable, rows: Row[]): Promise<Row[]> {
  const keys = rows.map((row) => JSON.parse(entityKey(table, row)) as unknown[]);
  const stored = await cache.query('bundleExisting', { table, keys });
  const time = entityTime[table];
  return rows.filter((row) => {
    const existing = stored[entityKey(table, row)];
    if (!existing) return true;
    if (JSON.stringify(existing) === JSON.stringify(row)) return false;
    const [was, now] = [time(existing), time(row)];
    return !(was !== null && now !== null && now < was);
  });
}

interface Checkpoint {
  stream: string;
  cursor: string | null;
}

/**
 * Merges the bundle's rows into the cache in one transaction, then its header: the policy
 * and scope when this bundle is the newest seen, the exporter's last sync and the bundle's
 * creation as trusted times (each only moves forward), and the audit entry. Rolls back on
 * any error, including one the bundle raises after its last row (wrong counts, file changed).
 */
export async function mergeBundle(opts: MergeOptions): Promise<MergeResult> {
  const { cache, bundle } = opts;
  const header = bundle.header;
  const batchRows = opts.batchRows ?? importBatchRows;
  const checkpoints = (await cache.query('checkpoints')) as unknown as Checkpoint[];
  const cursorOf = (stream: string) => checkpoints.find((c) => c.stream === stream)?.cursor ?? null;
  const policyRow = (await cache.query('policy')) as { policy?: string; source?: string; updated_at?: string } | null;

  const result: MergeResult = { read: {}, entitiesWritten: {}, entitiesKept: 0, newest: false };
  const transaction = await cache.transaction();
  try {
    let pending = new Map<string, Row[]>();
    let pendingRows = 0;
    let total = 0;
    const flush = async () => {
      if (pendingRows === 0) return;
      const batch: Record<string, Row[]> = {};
      for (const [table, rows] of pending) {
        const kept = !opts.fresh && entityTables.has(table) ? await newerEntities(cache, table as EntityTable, rows) : rows;
        if (entityTables.has(table)) {
          result.entitiesKept += rows.length - kept.length;
          if (kept.length > 0) result.entitiesWritten[table] = (result.entitiesWritten[table] ?? 0) + kept.length;
        }
        if (kept.length > 0) batch[table] = kept;
      }
      pending = new Map();
      pendingRows = 0;
      if (Object.keys(batch).length > 0) await transaction.append(batch as CacheBatch);
      opts.onProgress?.(total);
      await opts.onAppended?.(total);
    };
    for await (const { table, row } of bundle.rows()) {
      checkRow(table, row);
      const list = pending.get(table as BundleTable) ?? [];
      list.push(row);
      pending.set(table, list);
      pendingRows += 1;
      total += 1;
      result.read[table] = (result.read[table] ?? 0) + 1;
      if (pendingRows >= batchRows) await flush();
    }
    await flush();

    const final: CacheBatch = {};
    const lastBundle = cursorOf('bundle');
    result.newest = lastBundle === null || header.createdAt > lastBundle;
    const moved: CheckpointRecord[] = [];
    if (result.newest) {
      moved.push({ stream: 'bundle', cursor: header.createdAt, detail: { bundleId: header.bundleId, signer: bundle.signerFingerprint } });
      final.scope = header.scope;
      if (policyIsOlder(policyRow, header.createdAt)) final.policy = policyRecord(header);
    }
    if (header.lastSyncAt && !(cursorOf('sync') !== null && cursorOf('sync')! >= header.lastSyncAt)) {
      moved.push({ stream: 'sync', cursor: header.lastSyncAt, detail: { via: 'bundle', bundleId: header.bundleId } });
    }
    // The exporter's clock at sealing, vouched for by its signature: a clock set back here cannot extend retention.
    if (!(cursorOf('clock') !== null && cursorOf('clock')! >= header.createdAt)) moved.push({ stream: 'clock', cursor: header.createdAt, detail: null });
    if (moved.length > 0) final.checkpoints = moved;
    if (opts.audit) final.audit = [opts.audit(result)];
    await transaction.commit(final);
  } catch (error) {
    await transaction.rollback();
    throw error;
  }
  return result;
}

/** A stored policy from a later bundle, or served by the tenant itself after this bundle was made, stays. */
function policyIsOlder(row: { policy?: string; source?: string; updated_at?: string } | null, createdAt: string): boolean {
  if (!row?.policy) return true;
  let issued: string | undefined = row.updated_at;
  if (row.source === 'bundle') {
    try {
      issued = (JSON.parse(row.policy) as { issuedAt?: string }).issuedAt;
    } catch {
      issued = undefined;
    }
  }
  return !issued || Date.parse(issued) < Date.parse(createdAt);
}

function policyRecord(header: OpenedBundle['header']): TenantPolicyRecord {
  const policy = header.policy;
  return {
    retentionDays: policy.retentionDays,
    licenseState: policy.licenseState,
    maxOfflineDays: policy.maxOfflineDays,
    idleLockMinutes: policy.idleLockMinutes ?? null,
    source: 'bundle',
    // Stored as the tenant's served policy (policy/guard.ts reads it), with where it came from.
    policy: { ...policy, issuedAt: header.createdAt, bundleId: header.bundleId },
  };
}
