import { existsSync } from 'node:fs';
import { openBundle, sealBundle, type SealTo } from '../../main/services/bundle';
import { exportSource, importTarget, type ExportScopeFlags } from '../../main/services/bundle/transfer';
import { cacheKeyAccount, cachePaths, openTenantCache } from '../../main/services/cache';
import { openEngine } from '../../main/services/cache/engine';
import { bundleQueries } from '../../main/services/cache/queries-bundle';
import { ageIdentity, fingerprintOf, signingKey, trustedSigners } from '../../main/services/identity';
import type { Keychain } from '../../main/services/keychain';
import { tempFolder } from './temp-folders';

/** One machine: its OUTPOST_HOME and its keychain. */
export interface Home {
  home: string;
  keychain: Keychain;
}

export function homeDir(label: string): string {
  return tempFolder(`outpost-transfer-${label}-`);
}

/** What `outpost bundle export` does, with a cheap scrypt so tests stay quick. */
export async function exportBundle(from: Home, tenant: string, file: string, to: SealTo, flags: ExportScopeFlags = {}) {
  const source = await exportSource({ home: from.home, keychain: from.keychain, tenant, flags });
  const signer = await signingKey(from.keychain);
  try {
    const sealed = await sealBundle({ file, header: source.header, rows: source.rows, to, signer, scryptWorkFactor: 10 });
    await source.finish({ ...sealed, signerFingerprint: fingerprintOf(signer.publicKey), file, sealedFor: 'passphrase' in to ? 'passphrase' : 'recipient' });
    return sealed;
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** What `outpost bundle import` does. */
export async function importBundle(
  into: Home,
  file: string,
  options: { passphrase?: string; tenant?: string; now?: Date; onAppended?(rows: number): void | Promise<void> } = {},
) {
  const target = await importTarget({ home: into.home, keychain: into.keychain, tenant: options.tenant });
  const opened = await openBundle({
    file,
    passphrase: options.passphrase,
    identity: await ageIdentity(into.keychain),
    trustedSigners: (await trustedSigners(into.keychain)).map((signer) => signer.signingKey),
    expect: target.expect,
    now: options.now,
  });
  try {
    return await target.merge(opened, { onAppended: options.onAppended });
  } finally {
    await opened.close();
  }
}

/** Per-table row counts and checksums of a tenant's cache (null: there is no cache), read on this thread. */
export async function checksums(at: Home, tenantId: string): Promise<Record<string, { rows: number; sum: string }> | null> {
  const file = cachePaths(at.home, tenantId).database;
  if (!existsSync(file)) return null;
  const hex = await at.keychain.get(cacheKeyAccount(tenantId));
  if (!hex) throw new Error(`no key for the cache of ${tenantId}`);
  const db = openEngine({ file, tenantId, key: Uint8Array.from(Buffer.from(hex, 'hex')), role: 'reader', mustExist: true });
  try {
    const scope = String(db.prepare('SELECT scope FROM sync_scope').pluck().get() ?? '');
    return { ...bundleQueries.bundleChecksums(db), scope: { rows: scope ? 1 : 0, sum: scope } };
  } finally {
    db.close();
  }
}

export async function auditActions(at: Home, tenantId: string) {
  const cache = await openTenantCache({ home: at.home, keychain: at.keychain, tenantId, create: false, readers: 1 });
  try {
    return (await cache.query('auditLog', { limit: 10_000 })).map((row) => ({ action: row.action as string, detail: JSON.parse(String(row.detail ?? 'null')) as Record<string, unknown> | null }));
  } finally {
    await cache.close();
  }
}

/** The data tables a sync fills: what must be equal row for row after a transfer. */
export const dataTables = [
  'machines', 'machine_ip_addresses', 'machine_tags', 'device_groups', 'logon_users', 'alerts', 'evidence', 'files', 'device_info',
  'process_events', 'file_events', 'registry_events', 'network_events', 'logon_events', 'ip_addresses', 'domains', 'urls', 'notes', 'tags',
  // the scope itself (its table also says when it was written)
  'scope',
];

export function pick(sums: Record<string, unknown> | null, tables: string[]): Record<string, unknown> {
  return Object.fromEntries(tables.map((table) => [table, sums?.[table]]));
}
