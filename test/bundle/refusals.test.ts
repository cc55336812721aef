import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../contract';
import { openBundle, type OpenOptions } from '../../main/services/bundle';
import { collect, during, region, sampleRows, seal, station, tenantId, workDir, type Station } from './fixtures';
import { flipByte, layoutOf, rewriteEnvelope } from './tamper';

let workstation: Station;
let laptop: Station;
let pristine: string;
let passphraseBundle: string;

beforeAll(async () => {
  [workstation, laptop] = [await station(), await station()];
  const dir = workDir();
  pristine = join(dir, 'pristine.outpost');
  passphraseBundle = join(dir, 'passphrase.outpost');
  // Enough rows for a payload of several age chunks (64 KiB each).
  await seal(pristine, workstation, { recipient: laptop.identity.recipient }, sampleRows(3000));
  await seal(passphraseBundle, workstation, { passphrase: 'the right one' }, sampleRows(50));
});

function copy(): string {
  const file = join(workDir(), 'copy.outpost');
  copyFileSync(pristine, file);
  return file;
}

function laptopOpens(file: string, extra: Partial<OpenOptions> = {}) {
  return openBundle({ file, identity: laptop.identity, trustedSigners: [workstation.signer.publicKey], now: during, ...extra });
}

/** Opens and reads every row; returns the refusal code, or 'OPENED' and how many rows came out. */
async function refusal(file: string, extra: Partial<OpenOptions> = {}): Promise<{ code: ErrorCode | 'OPENED'; rowsYielded: number }> {
  let rowsYielded = 0;
  try {
    const opened = await laptopOpens(file, extra);
    for await (const _row of opened.rows()) rowsYielded += 1;
    return { code: 'OPENED', rowsYielded };
  } catch (error) {
    return { code: (error as { code: ErrorCode }).code, rowsYielded };
  }
}

describe('a flipped byte', () => {
  it('anywhere in the file is refused before any row is yielded', async () => {
    const layout = layoutOf(pristine);
    const positions = new Set<number>();
    for (const [start, end] of Object.values(layout).filter(Array.isArray) as Array<readonly [number, number]>) {
      for (const at of [start, start + 1, Math.floor((start + end) / 2), end - 1]) positions.add(at);
    }
    for (let at = 0; at < layout.size; at += 997) positions.add(at); // and a sweep through the middle
    const expected = (at: number): ErrorCode =>
      at < layout.magic[1] || (at >= layout.tag[0] && at < layout.tag[1]) ? 'BUNDLE_INVALID' : 'BUNDLE_TAMPERED';
    const file = copy();
    for (const at of positions) {
      flipByte(file, at);
      expect({ at, ...(await refusal(file)) }).toEqual({ at, code: expected(at), rowsYielded: 0 });
      flipByte(file, at); // restore
    }
    expect((await refusal(file)).code).toBe('OPENED');
  });

  it('in the signer field reads as tampering, not as an unknown signer', async () => {
    const file = copy();
    const bytes = readFileSync(file);
    const at = bytes.lastIndexOf(Buffer.from('"signer":"ed25519:')) + 20;
    flipByte(file, at);
    expect(await refusal(file)).toEqual({ code: 'BUNDLE_TAMPERED', rowsYielded: 0 });
  });
});

describe('an incomplete or foreign file', () => {
  it('is refused when truncated, at any length', async () => {
    const { size, payload } = layoutOf(pristine);
    for (const length of [0, 5, 17, 100, payload[1] - 1, size - 70, size - 1]) {
      const file = copy();
      truncateSync(file, length);
      const result = await refusal(file);
      expect({ length, ...result }).toEqual({ length, code: 'BUNDLE_INVALID', rowsYielded: 0 });
    }
  });

  it('is refused with bytes appended', async () => {
    const file = copy();
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('extra')]));
    expect((await refusal(file)).code).toBe('BUNDLE_INVALID');
  });

  it('names a file that is not a bundle at all, or is missing', async () => {
    const file = join(workDir(), 'notes.txt');
    writeFileSync(file, 'just some notes\n'.repeat(20));
    await expect(laptopOpens(file)).rejects.toMatchObject({ code: 'BUNDLE_INVALID', message: expect.stringContaining('not an Outpost bundle') });
    await expect(laptopOpens(join(workDir(), 'missing.outpost'))).rejects.toMatchObject({ code: 'BUNDLE_INVALID' });
  });

  it('refuses a newer format version by name', async () => {
    const file = copy();
    const bytes = readFileSync(file);
    bytes.write('OUTPOST-BUNDLE 2\n', 0, 'ascii');
    writeFileSync(file, bytes);
    await expect(laptopOpens(file)).rejects.toMatchObject({ code: 'BUNDLE_INVALID', message: expect.stringContaining('format') });
  });

  it('refuses an unsigned bundle (signature zeroed)', async () => {
    const file = copy();
    const bytes = readFileSync(file);
    bytes.fill(0, bytes.length - 64);
    writeFileSync(file, bytes);
    expect(await refusal(file)).toEqual({ code: 'BUNDLE_TAMPERED', rowsYielded: 0 });
  });
});

describe('signers', () => {
  it('refuses a validly signed bundle from a workstation this laptop does not trust', async () => {
    const stranger = await station();
    await expect(laptopOpens(pristine, { trustedSigners: [stranger.signer.publicKey] })).rejects.toMatchObject({ code: 'BUNDLE_UNTRUSTED_SIGNER' });
    await expect(laptopOpens(pristine, { trustedSigners: [] })).rejects.toMatchObject({ code: 'BUNDLE_UNTRUSTED_SIGNER' });
  });

  it("refuses another trusted signer's re-signing of someone else's payload", async () => {
    const other = await station();
    const file = copy();
    rewriteEnvelope(file, other.signer, (envelope) => (envelope.signer = other.signer.publicKey));
    const result = await refusal(file, { trustedSigners: [workstation.signer.publicKey, other.signer.publicKey] });
    expect(result).toEqual({ code: 'BUNDLE_TAMPERED', rowsYielded: 0 });
  });

  it('refuses, after the last row, counts that do not match the rows (a trusted but faulty exporter)', async () => {
    const file = copy();
    rewriteEnvelope(file, workstation.signer, (envelope) => ((envelope.counts as Record<string, number>).events! += 1));
    const opened = await laptopOpens(file);
    await expect(collect(opened.rows())).rejects.toMatchObject({ code: 'BUNDLE_TAMPERED', message: expect.stringContaining('counts') });
  });

  it('refuses a file changed between verification and decryption', async () => {
    const file = copy();
    const opened = await laptopOpens(file);
    flipByte(file, layoutOf(file).envelope[0] + 2);
    await expect(collect(opened.rows())).rejects.toMatchObject({ code: 'BUNDLE_TAMPERED', message: expect.stringContaining('changed') });
  });
});

describe('keys', () => {
  it('refuses a wrong passphrase, and a missing one', async () => {
    const trusted = { trustedSigners: [workstation.signer.publicKey], now: during };
    await expect(openBundle({ file: passphraseBundle, passphrase: 'the wrong one', ...trusted })).rejects.toMatchObject({ code: 'BUNDLE_WRONG_PASSPHRASE' });
    await expect(openBundle({ file: passphraseBundle, ...trusted })).rejects.toMatchObject({ code: 'BUNDLE_WRONG_PASSPHRASE' });
  });

  it('refuses a bundle sealed for another laptop', async () => {
    const otherLaptop = await station();
    await expect(laptopOpens(pristine, { identity: otherLaptop.identity })).rejects.toMatchObject({ code: 'BUNDLE_WRONG_RECIPIENT' });
    await expect(laptopOpens(pristine, { identity: undefined, passphrase: 'anything' })).rejects.toMatchObject({ code: 'BUNDLE_WRONG_RECIPIENT' });
  });

  it('refuses a laptop identity that claims the right recipient but holds another key', async () => {
    const otherLaptop = await station();
    const liar = { secretKey: otherLaptop.identity.secretKey, recipient: laptop.identity.recipient };
    await expect(laptopOpens(pristine, { identity: liar })).rejects.toMatchObject({ code: 'BUNDLE_WRONG_RECIPIENT' });
  });
});

describe('policy and place', () => {
  it('refuses an expired bundle, from the moment it expires', async () => {
    const opened = await laptopOpens(pristine);
    const expiry = new Date(opened.header.expiresAt);
    await opened.close();
    await expect(laptopOpens(pristine, { now: expiry })).rejects.toMatchObject({ code: 'BUNDLE_EXPIRED' });
    await expect(laptopOpens(pristine, { now: new Date(expiry.getTime() - 1000) })).resolves.toBeDefined();
  });

  it('caps expiry at the end of a licence grace period', async () => {
    const file = join(workDir(), 'grace.outpost');
    const { sealBundle } = await import('../../main/services/bundle');
    const graceEndsAt = '2026-03-04T00:00:00.000Z';
    await sealBundle({
      file,
      header: { tenantId, region, scope: {}, policy: { retentionDays: 30, licenseState: 'grace', graceEndsAt, maxOfflineDays: 30 }, createdAt: new Date('2026-03-01T00:00:00Z') },
      rows: [],
      to: { recipient: laptop.identity.recipient },
      signer: workstation.signer,
    });
    await expect(laptopOpens(file, { now: new Date(graceEndsAt) })).rejects.toMatchObject({ code: 'BUNDLE_EXPIRED' });
  });

  it('refuses a bundle from another region or another tenant', async () => {
    await expect(laptopOpens(pristine, { expect: { region: 'gcc-high' } })).rejects.toMatchObject({ code: 'REGION_MISMATCH' });
    await expect(laptopOpens(pristine, { expect: { tenantId: '00000000-0000-0000-0000-000000000000' } })).rejects.toMatchObject({ code: 'CACHE_WRONG_TENANT' });
    const opened = await laptopOpens(pristine, { expect: { tenantId: tenantId.toUpperCase(), region } });
    expect(opened.header.tenantId).toBe(tenantId);
    await opened.close();
  });
});
