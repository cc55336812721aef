import { Lookups } from '../../emulator/tenant/lookups';
import { HUNTING_TABLES, type HuntingTable } from '../../emulator/tenant/schema';
import { Tenant } from '../../emulator/tenant/tenant';
import { utcMidnight } from '../../emulator/time';
import type { CacheBatch, HuntingRow } from '../../main/services/cache';
import { batchFieldOf } from '../../main/services/sync/kql';
import { SLICE_ROWS } from '../../main/services/sync/slices';
import { TenantProfile } from '../../main/services/tenant/profiles';

/*
 * Benchmark data straight from the emulator's generator (no HTTP): the same tenant the
 * emulator would serve at this scale, cut the way the sync cuts it. Each table's machines
 * are packed into slices of at most SLICE_ROWS rows (one hunting answer each); a slice's
 * rows come in Timestamp order across its machines (as `order by Timestamp asc` returns
 * them) in pages of 1,000 (as the result stream hands them to the writer).
 */

export const PAGE_ROWS = 1000;

export function benchTenant(events: number, seed = 7): Tenant {
  return new Tenant({ seed, scale: events, anchorMs: utcMidnight(new Date()) });
}

export interface Slice {
  table: HuntingTable;
  field: (typeof batchFieldOf)[HuntingTable];
  machines: number[];
  rows: number;
}

export function slicesOf(tenant: Tenant, tables: readonly HuntingTable[] = HUNTING_TABLES): Slice[] {
  const slices: Slice[] = [];
  for (const table of tables) {
    let current: Slice | null = null;
    for (const profile of tenant.fleet) {
      let rows = 0;
      for (let day = 0; day < tenant.days; day++) rows += tenant.countRows(table, profile.index, day);
      if (rows === 0) continue;
      if (!current || current.rows + rows > SLICE_ROWS || current.machines.length >= 200) {
        current = { table, field: batchFieldOf[table], machines: [], rows: 0 };
        slices.push(current);
      }
      current.machines.push(profile.index);
      current.rows += rows;
    }
  }
  return slices;
}

/** A slice's rows in pages, day by day, each day's rows of all its machines in time order. */
export function* slicePages(tenant: Tenant, slice: Slice): Generator<HuntingRow[]> {
  let page: HuntingRow[] = [];
  for (let day = 0; day < tenant.days; day++) {
    const rows: HuntingRow[] = [];
    for (const machine of slice.machines) for (const row of tenant.rowsFor(slice.table, machine, day)) rows.push(row as HuntingRow);
    rows.sort((a, b) => (a.Timestamp < b.Timestamp ? -1 : a.Timestamp > b.Timestamp ? 1 : Number(a.ReportId) - Number(b.ReportId)));
    for (const row of rows) {
      page.push(row);
      if (page.length >= PAGE_ROWS) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length > 0) yield page;
}

/** Machines, alerts with evidence and logged-on users: what the entity phases of a sync write. */
export function entityBatches(tenant: Tenant): CacheBatch[] {
  const lookups = new Lookups(tenant);
  const machines = tenant.fleet.map((p) => p.machine) as unknown as CacheBatch['machines'];
  const alerts = tenant.alerts as unknown as CacheBatch['alerts'];
  const logonUsers = tenant.fleet.flatMap((p) => lookups.logonUsers(p).map((u) => ({ ...u, machineId: p.machine.id }))) as unknown as CacheBatch['logonUsers'];
  return [{ machines }, { alerts }, { logonUsers }];
}

/** The first instant of the tenant's data and the end of it, for purge cutoffs. */
export function dataSpan(tenant: Tenant): { from: number; to: number } {
  return { from: tenant.dayStartMs(0), to: tenant.dayStartMs(tenant.days) };
}

/**
 * The profile the app would hold for the bench's tenant: the encrypted cache is made for its
 * region, and open goes through openTenant with it, the app's own path.
 */
export function benchProfile(tenantId: string): TenantProfile {
  return TenantProfile.parse({ name: 'bench', tenantId, cloud: 'commercial', geo: 'us', clientId: 'bench', createdAt: new Date().toISOString() });
}
