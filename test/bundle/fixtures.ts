import { tempFolder } from './temp-folders';
import { sealBundle, type BundleRow, type SealTo } from '../../main/services/bundle';
import { ageIdentity, signingKey, type AgeIdentity, type SigningKey } from '../../main/services/identity';
import { memoryKeychain } from '../../main/services/keychain';

export const tenantId = '4f1c2a9e-1b6d-4c1e-9f3a-7a2b5c8d0e11';
export const region = 'commercial-us';
export const createdAt = new Date('2026-03-01T12:00:00.000Z');
export const policy = { retentionDays: 90, licenseState: 'active', graceEndsAt: null, maxOfflineDays: 14 } as const;

/** A workstation or laptop: its own keychain, identity and signing key. */
export interface Station {
  identity: AgeIdentity;
  signer: SigningKey;
}

export async function station(): Promise<Station> {
  const keychain = memoryKeychain();
  return { identity: await ageIdentity(keychain), signer: await signingKey(keychain) };
}

export function sampleRows(count = 500): BundleRow[] {
  const rows: BundleRow[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i % 10 === 0) rows.push({ table: 'machines', row: { id: `m-${i}`, computerDnsName: `host-${i}.contoso.local`, riskScore: 'High' } });
    else rows.push({ table: 'events', row: { id: `e-${i}`, machineId: `m-${i - (i % 10)}`, fileName: 'powershell.exe', cmd: `-enc ${'A'.repeat(i % 50)}\n"quoted" é ✓`, at: i } });
  }
  return rows;
}

/** A folder of its own, removed when the test file ends. */
export function workDir(): string {
  return tempFolder('outpost-bundle-');
}

/** Seals `rows` from `from` to `to`; low scrypt cost so tests stay quick. */
export async function seal(file: string, from: Station, to: SealTo, rows: BundleRow[] = sampleRows(), header: Partial<{ tenantId: string; region: string }> = {}) {
  return sealBundle({
    file,
    header: { tenantId, region, scope: { deviceGroups: ['Servers'], days: 7 }, policy, createdAt, ...header },
    rows,
    to,
    signer: from.signer,
    scryptWorkFactor: 10,
  });
}

export async function collect(rows: AsyncIterable<BundleRow>): Promise<BundleRow[]> {
  const out: BundleRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** A moment inside the bundle's validity. */
export const during = new Date('2026-03-02T00:00:00.000Z');
