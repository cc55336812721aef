// The import's audit entry commits in the merge's own transaction: a merge that fails leaves
// no entry, one that commits leaves exactly one, even when a later step of the import fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle, type BundleRow } from '../../main/services/bundle';
import { importTarget } from '../../main/services/bundle/transfer';
import { auditEntries, recordAudit, verifyAudit } from '../../main/services/audit/audit';
import { openTenantCache } from '../../main/services/cache';
import { memoryKeychain } from '../../main/services/keychain';
import { during, seal, station, tenantId, workDir, type Station } from './fixtures';

/** Three machines and their process events, as a workstation exports them. */
function tenantRows(eventsPerMachine = 20, firstReportId = 0): BundleRow[] {
  const rows: BundleRow[] = [];
  for (let m = 0; m < 3; m++) {
    rows.push({ table: 'machines', row: { id: `m-${m}`, computerDnsName: `host-${m}.contoso.local`, lastSeen: '2026-02-28T10:00:00.000Z' } });
    for (let e = 0; e < eventsPerMachine; e++) {
      const at = new Date(Date.UTC(2026, 1, 28, 10) + e * 1000).toISOString();
      rows.push({ table: 'processEvents', row: { Timestamp: at, DeviceId: `m-${m}`, ReportId: firstReportId + m * 10_000 + e, FileName: 'powershell.exe' } });
    }
  }
  return rows;
}

/** A laptop: its data folder, its keychain, and the workstation whose bundles it trusts. */
async function laptop() {
  const [workstation, self] = [await station(), await station()];
  return { home: workDir(), keychain: memoryKeychain(), workstation, self };
}

async function importRows(into: Awaited<ReturnType<typeof laptop>>, rows: BundleRow[], from: Station = into.workstation) {
  const file = join(workDir(), 'slice.outpost');
  await seal(file, from, { recipient: into.self.identity.recipient }, rows);
  const target = await importTarget({ home: into.home, keychain: into.keychain, now: () => during });
  const opened = await openBundle({ file, identity: into.self.identity, trustedSigners: [into.workstation.signer.publicKey], now: during, expect: target.expect });
  try {
    return await target.merge(opened);
  } finally {
    await opened.close();
  }
}

/** What the laptop's cache holds: its import entries, whether its log verifies, its process events. */
async function cacheState(into: { home: string; keychain: ReturnType<typeof memoryKeychain> }) {
  const cache = await openTenantCache({ home: into.home, tenantId, keychain: into.keychain, create: false, readers: 1 });
  try {
    const imports = [];
    for await (const entry of auditEntries(cache)) if (entry.action === 'import') imports.push(entry);
    return { imports, verified: (await verifyAudit(cache)).ok, processEvents: (await cache.info()).rowCounts.process_events ?? 0 };
  } finally {
    await cache.close();
  }
}

describe('the import audit entry commits with the merge', { timeout: 60_000 }, () => {
  it('a successful import leaves exactly one entry, and the log still verifies against its anchor', async () => {
    const into = await laptop();
    const result = await importRows(into, tenantRows());
    const state = await cacheState(into);
    expect(state.processEvents).toBe(60);
    expect(state.imports).toHaveLength(1);
    expect(state.imports[0]).toMatchObject({ target: result.tenant, detail: { bundleId: result.bundleId, signer: result.signer, newest: true } });
    expect(state.verified).toBe(true);

    // The analyst searches (an entry the writer anchors beside the file), then imports again:
    // the anchor follows the import's entry too, so the log does not read as cut short.
    const cache = await openTenantCache({ home: into.home, tenantId, keychain: into.keychain, create: false, readers: 1 });
    await recordAudit(cache, 'search', result.tenant, { query: 'powershell' }).finally(() => cache.close());
    await importRows(into, tenantRows(20, 50_000));
    const after = await cacheState(into);
    expect(after.processEvents).toBe(120);
    expect(after.imports).toHaveLength(2);
    expect(after.verified).toBe(true);
  });

  it('a merge that fails leaves no entry of its own, and nothing of its rows', async () => {
    const into = await laptop();
    await importRows(into, tenantRows());
    // 2,100 new events (more than one appended batch) and then a row of a table this version
    // does not know: refused at the last row, with rows already in the open transaction.
    const later = tenantRows(700, 100_000);
    await expect(importRows(into, [...later, { table: 'events', row: { id: 'e-1' } }])).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
    const state = await cacheState(into);
    expect(state.processEvents).toBe(60);
    expect(state.imports).toHaveLength(1);
    expect(state.verified).toBe(true);
  });

  it('when a step after the merge fails (the new profile cannot be saved), the merge and its entry are there together', async () => {
    const into = await laptop();
    // The profile import names from the bundle's tenant id; a folder where its file goes makes saving it fail.
    mkdirSync(join(into.home, 'tenants', `tenant-${tenantId.slice(0, 8)}.json.tmp`), { recursive: true });
    await expect(importRows(into, tenantRows())).rejects.toMatchObject({ code: 'EISDIR' });
    const state = await cacheState(into);
    expect(state.processEvents).toBe(60);
    expect(state.imports).toHaveLength(1);
    expect(state.verified).toBe(true);
  });
});
