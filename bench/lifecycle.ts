import { statSync } from 'node:fs';
import { cachePaths, openTenantCache, type CacheClient } from '../main/services/cache';
import type { Keychain } from '../main/services/keychain';
import { openTenant } from '../main/services/operations/open-tenant';
import { wipeTenantCache } from '../main/services/policy/wipe';
import { benchProfile } from './lib/data';
import { row, type BenchRow } from './lib/report';
import { median, nowMs } from './lib/stats';

/**
 * Open as the analyst meets it (openTenant): keychain read, worker threads, key check,
 * migrations check, the tenant policy's state, the retention purge (nothing to remove here, but
 * it must look), then the first query (the alert queue).
 */
export async function benchOpen(options: { home: string; tenantId: string; keychain: Keychain; keychainName: string; runs?: number }): Promise<BenchRow> {
  const profile = benchProfile(options.tenantId);
  const times: number[] = [];
  for (let i = 0; i < (options.runs ?? 5); i++) {
    const start = nowMs();
    const { cache } = await openTenant({ home: options.home, keychain: options.keychain, profile });
    await cache.query('invAlerts', { limit: 50 });
    times.push(nowMs() - start);
    await cache.close();
  }
  const value = median(times);
  return row({ name: 'open (keychain + open + first query)', value, unit: 'ms', target: '<= 200 ms', met: value <= 200,
    detail: `median of ${times.length} (${times.map((t) => t.toFixed(0)).join(', ')} ms), through openTenant (policy state and the retention purge included); keychain: ${options.keychainName}` });
}

export async function benchPurge(options: { home: string; tenantId: string; keychain: Keychain; cutoff: string }): Promise<BenchRow> {
  const client = await openTenantCache({ home: options.home, tenantId: options.tenantId, keychain: options.keychain, create: false });
  try {
    const counts = (await client.info()).rowCounts;
    const eventTables = ['process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'device_info'];
    const inCache = eventTables.reduce((sum, table) => sum + (counts[table] ?? 0), 0);
    const start = nowMs();
    const summary = await client.purge(options.cutoff);
    const seconds = (nowMs() - start) / 1000;
    const removed = eventTables.reduce((sum, table) => sum + (summary.removed[table] ?? 0), 0);
    return row({ name: 'purge a third of the events', value: seconds, unit: 's', target: '<= 10 s', met: seconds <= 10,
      detail: `${removed.toLocaleString('en-US')} of the ${inCache.toLocaleString('en-US')} events in the cache removed (${((100 * removed) / inCache).toFixed(0)}%), ${summary.freedPages.toLocaleString('en-US')} pages handed back` });
  } finally {
    await client.close();
  }
}

export async function benchWipe(options: { home: string; tenantId: string; keychain: Keychain; client?: CacheClient }): Promise<BenchRow> {
  const bytes = statSync(cachePaths(options.home, options.tenantId).database).size;
  // One keychain round trip, for scale: the wipe makes two (current and parked key).
  const probe = nowMs();
  await options.keychain.get('bench:absent');
  const keychainMs = nowMs() - probe;
  const start = nowMs();
  await options.client?.close();
  const receipt = await wipeTenantCache({ home: options.home, tenantId: options.tenantId, keychain: options.keychain, reason: 'script' });
  const ms = nowMs() - start;
  return row({ name: 'wipe (close + key + files)', value: ms, unit: 'ms', target: '<= 500 ms', met: ms <= 500 && receipt.keyDestroyed,
    detail: `${(bytes / 1024 / 1024).toFixed(0)} MB cache file; key destroyed: ${receipt.keyDestroyed}; one keychain round trip ${keychainMs.toFixed(0)} ms` });
}
