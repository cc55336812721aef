import type { CacheClient } from '../cache';

/** The data tables status reports: what a sync brings, not the bookkeeping around it. */
export const reportedTables = [
  'machines', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files', 'device_info', 'process_events',
  'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses', 'domains', 'urls',
] as const;

export interface TenantCacheStatus {
  region: string;
  scope: unknown;
  /** When each phase (or hunting table) last committed. */
  lastSync: Record<string, string>;
  rowCounts: Record<string, number>;
}

/** What the CLI's `status` and the sync panel show about a tenant's cache. */
export async function tenantCacheStatus(cache: Pick<CacheClient, 'info' | 'query'>): Promise<TenantCacheStatus> {
  const info = await cache.info();
  const scope = (await cache.query('scope')) as { scope: unknown } | null;
  const checkpoints = (await cache.query('checkpoints')) as Array<{ stream: string; updated_at: string }>;
  const lastSync: Record<string, string> = {};
  for (const checkpoint of checkpoints) {
    const phase = checkpoint.stream.startsWith('hunt:') ? checkpoint.stream.slice(5) : checkpoint.stream.split(':')[0]!;
    if (!lastSync[phase] || lastSync[phase]! < checkpoint.updated_at) lastSync[phase] = checkpoint.updated_at;
  }
  return {
    region: info.region,
    scope: scope?.scope ?? null,
    lastSync,
    rowCounts: Object.fromEntries(reportedTables.map((table) => [table, info.rowCounts[table] ?? 0])),
  };
}

