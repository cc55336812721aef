import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { recordAudit, verifyAudit, exportAuditJsonl } from '../../main/services/audit/audit';
import { cachePaths, openTenantCache, type CacheClient } from '../../main/services/cache';
import { openEngine } from '../../main/services/cache/engine';
import { memoryKeychain, type Keychain } from '../../main/services/keychain';
import { tempHome } from '../cache/helpers';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A cache with six audit entries; `tamper` gets a raw writable connection, as an attacker with the key would. */
async function auditedCache(): Promise<{ open(): Promise<CacheClient>; tamper(sql: string): Promise<void> }> {
  const home = tempHome();
  cleanups.push(() => home.remove());
  const keychain: Keychain = memoryKeychain();
  const tenantId = `audit-${randomUUID()}`;
  const open = () => openTenantCache({ home: home.home, tenantId, keychain, create: false });
  const cache = await openTenantCache({ home: home.home, tenantId, region: 'commercial-us', keychain, create: true });
  for (const action of ['sign-in', 'sync', 'view', 'search', 'export', 'purge'] as const) await recordAudit(cache, action, `target-${action}`, { n: action.length });
  await cache.close();
  const tamper = async (sql: string) => {
    const key = Buffer.from((await keychain.get(`cache:${tenantId}`))!, 'hex');
    const db = openEngine({ file: cachePaths(home.home, tenantId).database, tenantId, key, role: 'writer', mustExist: true });
    db.exec(sql);
    db.close();
  };
  return { open, tamper };
}

describe('audit log', () => {
  it('an intact log verifies and exports as JSON Lines with its hashes', async () => {
    const { open } = await auditedCache();
    const cache = await open();
    expect(await verifyAudit(cache)).toMatchObject({ ok: true, entries: 6 });
    const { jsonl, entries } = await exportAuditJsonl(cache);
    expect(entries).toBe(6);
    expect(jsonl.trim().split('\n').map((line) => (JSON.parse(line) as { action: string }).action)).toEqual(['sign-in', 'sync', 'view', 'search', 'export', 'purge']);
    await cache.close();
  });

  const edits: Array<[string, string]> = [
    ['an edited target', "UPDATE audit_log SET target = 'forged' WHERE seq = 3"],
    ['an edited action', "UPDATE audit_log SET action = 'view' WHERE seq = 2"],
    ['an edited time', "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 5"],
    ['an edited detail', "UPDATE audit_log SET detail = '{\"n\":1}' WHERE seq = 1"],
    ['a deleted entry', 'DELETE FROM audit_log WHERE seq = 4'],
    ['a cut tail', 'DELETE FROM audit_log WHERE seq = 6'],
    ['a reordering', 'UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 100;'],
  ];

  it.each(edits)('detects %s', async (_what, sql) => {
    const { open, tamper } = await auditedCache();
    await tamper(sql);
    const cache = await open();
    expect((await verifyAudit(cache)).ok).toBe(false);
    await cache.close();
  });
});
