import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBundle, sealBundle } from '../../main/services/bundle';
import { fingerprintOf } from '../../main/services/identity';
import { collect, during, policy, region, sampleRows, seal, station, tenantId, workDir } from './fixtures';

describe('bundle round trip', () => {
  it('seals to a laptop recipient and opens there with every row equal and in order', async () => {
    const [workstation, laptop] = [await station(), await station()];
    const file = join(workDir(), 'slice.outpost');
    const rows = sampleRows(2000);
    const sealed = await seal(file, workstation, { recipient: laptop.identity.recipient }, rows);
    expect(sealed.counts).toEqual({ machines: 200, events: 1800 });

    const opened = await openBundle({ file, identity: laptop.identity, trustedSigners: [workstation.signer.publicKey], now: during, expect: { tenantId, region } });
    expect(opened.header).toMatchObject({ bundleId: sealed.bundleId, tenantId, region, policy, counts: sealed.counts, signer: workstation.signer.publicKey, sealedFor: 'recipient' });
    expect(opened.header.expiresAt).toBe('2026-03-15T12:00:00.000Z'); // createdAt + maxOfflineDays
    expect(opened.signerFingerprint).toBe(fingerprintOf(workstation.signer.publicKey));
    expect(await collect(opened.rows())).toEqual(rows);
  });

  it('seals with a passphrase and opens with it', async () => {
    const workstation = await station();
    const file = join(workDir(), 'slice.outpost');
    const rows = sampleRows(300);
    await seal(file, workstation, { passphrase: 'correct horse battery staple' }, rows);
    const opened = await openBundle({ file, passphrase: 'correct horse battery staple', trustedSigners: [workstation.signer.publicKey], now: during });
    expect(opened.header.sealedFor).toBe('passphrase');
    expect(await collect(opened.rows())).toEqual(rows);
  });

  it('keeps the tenant id, scope and rows out of the readable bytes', async () => {
    const [workstation, laptop] = [await station(), await station()];
    const file = join(workDir(), 'slice.outpost');
    await seal(file, workstation, { recipient: laptop.identity.recipient });
    const text = readFileSync(file).toString('latin1');
    expect(text.startsWith('OUTPOST-BUNDLE 1\n')).toBe(true);
    for (const secret of [tenantId, 'Servers', 'contoso', 'powershell']) expect(text).not.toContain(secret);
  });

  it('seals an empty slice and opens it', async () => {
    const [workstation, laptop] = [await station(), await station()];
    const file = join(workDir(), 'empty.outpost');
    const sealed = await seal(file, workstation, { recipient: laptop.identity.recipient }, []);
    expect(sealed.counts).toEqual({});
    const opened = await openBundle({ file, identity: laptop.identity, trustedSigners: [workstation.signer.publicKey], now: during });
    expect(await collect(opened.rows())).toEqual([]);
  });

  it('leaves no file behind when the rows fail mid-export', async () => {
    const workstation = await station();
    const dir = workDir();
    async function* failing() {
      yield { table: 'events', row: { id: 1 } };
      throw new Error('sync source went away');
    }
    await expect(
      sealBundle({ file: join(dir, 'broken.outpost'), header: { tenantId, region, scope: {}, policy }, rows: failing(), to: { passphrase: 'pw' }, signer: workstation.signer, scryptWorkFactor: 10 }),
    ).rejects.toThrow('sync source went away');
    expect(readdirSync(dir)).toEqual([]);
  });
});
