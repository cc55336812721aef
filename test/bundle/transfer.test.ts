// A tenant cache carried across the air gap: synced on workstation A from the emulator,
// exported to a bundle, imported on laptop B. Every table equal row for row; re-import and
// out-of-order import are no-ops; each refusal leaves B's cache as it was; a kill during
// import leaves it as it was; the policy and audit trail go across.
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTenantCache } from '../../main/services/cache';
import { identityPublic, trustSigner } from '../../main/services/identity';
import { memoryKeychain } from '../../main/services/keychain';
import { openTenant } from '../../main/services/operations/open-tenant';
import { runSync } from '../../main/services/sync/runner';
import { findProfile, saveProfile } from '../../main/services/tenant/profiles';
import { emulatedTenant, profileFor, type EmulatedTenant } from '../tenant/emulated-tenant';
import { flipByte } from './tamper';
import { auditActions, checksums, dataTables, exportBundle, homeDir, importBundle, pick, type Home } from './transfer-helpers';

const passphrase = 'correct horse battery staple';
let tenant: EmulatedTenant;
let tenantId: string;
let a: Home;
let dir: string;
let first: string;

function freshHome(label: string): Home {
  return { home: homeDir(label), keychain: memoryKeychain() };
}

async function trusting(home: Home, exporter: Home): Promise<Home> {
  await trustSigner(home.keychain, (await identityPublic(exporter.keychain)).signingKey);
  return home;
}

beforeAll(async () => {
  tenant = await emulatedTenant('soc-admin', { seed: 11, scale: 20_000 });
  tenantId = tenant.emulator.registration.tenantId;
  a = freshHome('a');
  const profile = await saveProfile(a.home, profileFor(tenant.emulator, { name: 'lab' }));
  const { cache } = await openTenant({ home: a.home, keychain: a.keychain, profile, create: 'if-missing' });
  try {
    await runSync({ connection: tenant.connection, cache, api: { backoffBaseMs: 1 } });
  } finally {
    await cache.close();
  }
  dir = homeDir('bundles');
  first = join(dir, 'first.outpost');
  await exportBundle(a, 'lab', first, { passphrase });
}, 180_000);

afterAll(async () => {
  await tenant?.close();
});

describe('a bundle carries the tenant to another home', { timeout: 300_000 }, () => {
  it('reproduces every data table row for row, makes the profile and audits both sides', async () => {
    const b = await trusting(freshHome('b'), a);
    const result = await importBundle(b, first, { passphrase });
    expect(result.created).toBe(true);
    expect(result.tenant).toBe('lab');

    const [atA, atB] = [await checksums(a, tenantId), await checksums(b, tenantId)];
    expect(atA!.process_events!.rows).toBeGreaterThan(1000);
    for (const table of ['machines', 'alerts', 'evidence', 'logon_users', 'files', 'device_info', 'file_events', 'registry_events', 'network_events', 'logon_events']) {
      expect(atA![table]!.rows, table).toBeGreaterThan(0);
    }
    expect(pick(atB, dataTables)).toEqual(pick(atA, dataTables));

    const profile = await findProfile(b.home, 'lab');
    expect(profile).toMatchObject({ tenantId, cloud: 'commercial', geo: 'us', feed: 'bundle', demo: false });

    // The tenant's policy is B's now, and so is the time the bundle was made.
    const opened = await openTenant({ home: b.home, keychain: b.keychain, profile: profile! });
    try {
      const policy = (await opened.cache.query('policy')) as { source: string; policy: string };
      expect(policy.source).toBe('bundle');
      expect(JSON.parse(policy.policy)).toMatchObject({ retentionDays: expect.any(Number), licenseState: 'active' });
      const streams = ((await opened.cache.query('checkpoints')) as Array<{ stream: string }>).map((c) => c.stream);
      expect(streams).toEqual(expect.arrayContaining(['bundle', 'clock', 'sync']));
      expect(opened.state.lastSyncAt).not.toBeNull();
    } finally {
      await opened.cache.close();
    }

    const exported = (await auditActions(a, tenantId)).filter((entry) => entry.action === 'export').at(-1);
    const imported = (await auditActions(b, tenantId)).filter((entry) => entry.action === 'import').at(-1);
    expect(exported?.detail).toMatchObject({ bundleId: result.bundleId, signer: result.signer, counts: result.counts });
    expect(imported?.detail).toMatchObject({ bundleId: result.bundleId, signer: result.signer, counts: result.counts });
  });

  it('is a no-op the second time, and after a newer bundle; a newer bundle adds what changed', async () => {
    const b = await trusting(freshHome('b2'), a);
    await importBundle(b, first, { passphrase });
    const once = await checksums(b, tenantId);
    const again = await importBundle(b, first, { passphrase });
    expect(again.changed).toEqual({});
    expect(await checksums(b, tenantId)).toEqual(once);

    // The tenant moves on at A: a machine is seen again with a new risk, a new process runs.
    const cache = await openTenantCache({ home: a.home, keychain: a.keychain, tenantId, create: false });
    let machineId: string;
    try {
      const machine = (await cache.query('bundlePage', { table: 'machines', limit: 1 })).rows[0]!;
      machineId = String(machine.id);
      const later = new Date(Date.parse(String(machine.lastSeen)) + 60_000).toISOString();
      await cache.write({
        machines: [{ id: machineId, computerDnsName: String(machine.computerDnsName), lastSeen: later, riskScore: 'High', ipAddresses: [{ ipAddress: '10.1.2.3', macAddress: 'aa' }], machineTags: ['moved'] }],
        processEvents: [{ Timestamp: new Date().toISOString(), DeviceId: machineId, ReportId: 987654321, FileName: 'newer.exe', ProcessCommandLine: 'newer.exe --run' }],
      });
    } finally {
      await cache.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = join(dir, 'second.outpost');
    await exportBundle(a, 'lab', second, { passphrase });

    const newer = await importBundle(b, second, { passphrase });
    expect(newer.changed).toMatchObject({ process_events: 1, machines: 1 });
    const afterNewer = await checksums(b, tenantId);
    expect(pick(afterNewer, dataTables)).toEqual(pick(await checksums(a, tenantId), dataTables));

    const older = await importBundle(b, first, { passphrase });
    expect(older.changed).toEqual({});
    expect(await checksums(b, tenantId)).toEqual(afterNewer);
  });
});

describe('refusals leave the target cache unchanged', { timeout: 300_000 }, () => {
  let b: Home;
  let before: Awaited<ReturnType<typeof checksums>>;
  beforeAll(async () => {
    b = await trusting(freshHome('refuse'), a);
    // B already holds part of the tenant (one machine), so "unchanged" means something.
    const partial = join(dir, 'partial.outpost');
    const cache = await openTenantCache({ home: a.home, keychain: a.keychain, tenantId, create: false });
    const one = String((await cache.query('bundlePage', { table: 'machines', limit: 1 })).rows[0]!.id);
    await cache.close();
    await exportBundle(a, 'lab', partial, { passphrase }, { machines: [one] });
    await importBundle(b, partial, { passphrase });
    before = await checksums(b, tenantId);
    expect(before!.machines!.rows).toBe(1);
  }, 300_000);

  async function refused(file: string, options: Parameters<typeof importBundle>[2], code: string, home: Home = b) {
    const was = await checksums(home, tenantId);
    await expect(importBundle(home, file, options)).rejects.toMatchObject({ code });
    expect(await checksums(home, tenantId)).toEqual(was);
  }

  function copy(name: string): string {
    const file = join(dir, name);
    copyFileSync(first, file);
    return file;
  }

  it('a flipped byte, anywhere', async () => {
    const size = readFileSync(first).length;
    for (const at of [0, 20, Math.floor(size / 3), Math.floor(size / 2), size - 200, size - 70, size - 1]) {
      const file = copy(`flip-${at}.outpost`);
      flipByte(file, at);
      await refused(file, { passphrase }, at < 17 || (at >= size - 72 && at < size - 64) ? 'BUNDLE_INVALID' : 'BUNDLE_TAMPERED');
    }
    expect(await checksums(b, tenantId)).toEqual(before);
  });

  it('a truncated file', async () => {
    const size = readFileSync(first).length;
    for (const length of [0, 100, Math.floor(size / 2), size - 1]) {
      const file = copy(`cut-${length}.outpost`);
      truncateSync(file, length);
      await expect(importBundle(b, file, { passphrase })).rejects.toMatchObject({ code: expect.stringMatching(/^BUNDLE_(INVALID|TAMPERED)$/) });
    }
    expect(await checksums(b, tenantId)).toEqual(before);
  });

  it('a wrong passphrase', async () => {
    await refused(first, { passphrase: 'wrong horse' }, 'BUNDLE_WRONG_PASSPHRASE');
  });

  it('the wrong recipient', async () => {
    const other = freshHome('other');
    const sealedForOther = join(dir, 'for-other.outpost');
    await exportBundle(a, 'lab', sealedForOther, { recipient: (await identityPublic(other.keychain)).ageRecipient });
    await refused(sealedForOther, {}, 'BUNDLE_WRONG_RECIPIENT');
  });

  it('an untrusted signer', async () => {
    const stranger = freshHome('stranger');
    const profile = await saveProfile(stranger.home, profileFor(tenant.emulator, { name: 'lab' }));
    // The stranger's workstation has the tenant too (copied A's cache key and file would do; a tiny sync is simpler).
    const { cache } = await openTenant({ home: stranger.home, keychain: stranger.keychain, profile, create: 'if-missing' });
    await cache.write({ machines: [{ id: 'stranger-machine', lastSeen: new Date().toISOString() }] });
    await cache.close();
    const file = join(dir, 'stranger.outpost');
    await exportBundle(stranger, 'lab', file, { passphrase });
    await refused(file, { passphrase }, 'BUNDLE_UNTRUSTED_SIGNER');
  });

  it('an expired bundle', async () => {
    await refused(first, { passphrase, now: new Date(Date.now() + 400 * 86_400_000) }, 'BUNDLE_EXPIRED');
  });

  it('a region mismatch: the named tenant, or a profile of the same tenant id, in another region', async () => {
    const eu = await trusting(freshHome('eu'), a);
    await saveProfile(eu.home, { name: 'lab-eu', tenantId, cloud: 'commercial', geo: 'eu', clientId: 'x', createdAt: new Date().toISOString() });
    await expect(importBundle(eu, first, { passphrase, tenant: 'lab-eu' })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    await expect(importBundle(eu, first, { passphrase })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    expect(await checksums(eu, tenantId)).toBeNull();
    // a cache of the tenant made for another region, with no profile for it
    const elsewhere = await trusting(freshHome('elsewhere'), a);
    const cache = await openTenantCache({ home: elsewhere.home, keychain: elsewhere.keychain, tenantId, region: 'commercial-eu', create: true });
    await cache.close();
    await refused(first, { passphrase }, 'REGION_MISMATCH', elsewhere);
  });

  it('a bundle for another tenant than the one named', async () => {
    await saveProfile(b.home, { name: 'other', tenantId: '00000000-0000-4000-8000-000000000000', cloud: 'commercial', geo: 'us', clientId: 'x', createdAt: new Date().toISOString() });
    await refused(first, { passphrase, tenant: 'other' }, 'CACHE_WRONG_TENANT');
  });

  it('a kill during import', async () => {
    const keys = join(dir, 'keys.json');
    const secrets: Record<string, string> = {};
    for (const account of (await b.keychain.list?.()) ?? []) secrets[account] = (await b.keychain.get(account)) ?? '';
    writeFileSync(keys, JSON.stringify(secrets), { mode: 0o600 });
    const was = await checksums(b, tenantId);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./children/import-killed.ts', import.meta.url)), b.home, keys, first, passphrase], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const appended = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('appended'));
        if (line) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`the import child exited (${code}) before appending: ${stderr}`)));
    });
    expect(Number(appended.split(' ')[1])).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await checksums(b, tenantId)).toEqual(was);
    // and the same bundle imports whole afterwards
    const whole = await importBundle(b, first, { passphrase });
    const after = await checksums(b, tenantId);
    expect(after!.process_events!.rows).toBeGreaterThanOrEqual(whole.counts.processEvents!);
    expect(after!.machines!.rows).toBe(whole.counts.machines);
  }, 120_000);
});
