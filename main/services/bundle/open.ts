import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { createInflate } from 'node:zlib';
import { Decrypter } from 'age-encryption';
import { isOutpostError, OutpostError } from '../../../contract';
import type { AgeIdentity } from '../identity';
import { bundleInvalid, bundleTampered } from './errors';
import { hashRegion, regionStream } from './file-region';
import { BundleInnerHeader, EndRecord, magic, signatureBytes, type BundleEnvelope, type BundleHeader, type BundleRow } from './format';
import { splitLines } from './records';
import { verifyBundle, type VerifiedEnvelope } from './verify';

export interface OpenOptions {
  file: string;
  identity?: AgeIdentity;
  passphrase?: string;
  /** Signing keys (`ed25519:...`) of the exporters this laptop trusts. */
  trustedSigners: string[];
  now?: Date;
  expect?: { tenantId?: string; region?: string };
}

export interface OpenedBundle {
  header: BundleHeader;
  signerFingerprint: string;
  /**
   * The rows, decrypted as they are read; readable once. It throws BUNDLE_TAMPERED after
   * the last row if the counts disagree or the file changed since it was verified, so an
   * importer must commit only once this iteration has finished without error.
   */
  rows(): AsyncIterable<BundleRow>;
  /** Releases the file when the rows are not read to the end. */
  close(): Promise<void>;
}

/** Refusals the decrypter can only make once it holds the key material. */
function refuseKey(file: string, envelope: BundleEnvelope, opts: OpenOptions): Decrypter {
  const decrypter = new Decrypter();
  if (envelope.sealedFor.kind === 'passphrase') {
    if (!opts.passphrase) throw new OutpostError('BUNDLE_WRONG_PASSPHRASE', `${file} is sealed with a passphrase; give it with --passphrase-file or OUTPOST_PASSPHRASE, or type it when asked.`);
    decrypter.addPassphrase(opts.passphrase);
    return decrypter;
  }
  const sealedTo = envelope.sealedFor.recipient;
  if (!opts.identity || opts.identity.recipient !== sealedTo) {
    const here = opts.identity ? `this laptop is ${opts.identity.recipient}` : 'no laptop identity was given';
    throw new OutpostError('BUNDLE_WRONG_RECIPIENT', `${file} is sealed for another laptop (${sealedTo}); ${here}. Ask the exporter to seal it to this laptop's age recipient from \`outpost identity show\`.`);
  }
  decrypter.addIdentity(opts.identity.secretKey);
  return decrypter;
}

function decryptError(file: string, envelope: BundleEnvelope, error: unknown): OutpostError {
  const text = error instanceof Error ? error.message : '';
  if (/no identity matched/.test(text)) {
    return envelope.sealedFor.kind === 'passphrase'
      ? new OutpostError('BUNDLE_WRONG_PASSPHRASE', `The passphrase does not open ${file}. Check it with the person who exported the bundle.`)
      : new OutpostError('BUNDLE_WRONG_RECIPIENT', `${file} is not sealed for this laptop's key.`);
  }
  return bundleTampered(file, 'its encrypted contents are damaged although its signature matched (the exporter wrote a damaged bundle, or the file changed while it was read)', error);
}

/**
 * Opens a bundle for import. Nothing is decrypted, and no row yielded, until the whole
 * file has been hashed and its signature, signer, expiry, region and tenant checked; the
 * payload is then decrypted in a second streaming pass, and its first record (the
 * confidential header) is read and matched against the signed envelope before returning.
 */
export async function openBundle(opts: OpenOptions): Promise<OpenedBundle> {
  let handle: FileHandle;
  try {
    handle = await open(opts.file, 'r');
  } catch (error) {
    throw bundleInvalid(opts.file, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    const verified = await verifyBundle(handle, opts.file, { trustedSigners: opts.trustedSigners, now: opts.now ?? new Date(), expect: opts.expect });
    return await startDecrypting(handle, opts, verified);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

async function startDecrypting(handle: FileHandle, opts: OpenOptions, verified: VerifiedEnvelope): Promise<OpenedBundle> {
  const { envelope, size } = verified;
  const file = opts.file;
  const damaged = (why: string, cause?: unknown) => bundleTampered(file, why, cause);
  const decrypter = refuseKey(file, envelope, opts);

  // Re-hash on this pass too: a file swapped after verification must not slip through.
  const hash = createHash('sha512');
  await hashRegion(handle, 0, magic.length, hash);
  const payloadEnd = magic.length + envelope.payloadBytes;
  const ciphertext = regionStream(handle, magic.length, payloadEnd, hash);
  let plaintext: ReadableStream<Uint8Array>;
  try {
    plaintext = (await decrypter.decrypt(ciphertext as unknown as globalThis.ReadableStream<Uint8Array>)) as unknown as ReadableStream<Uint8Array>;
  } catch (error) {
    throw decryptError(file, envelope, error);
  }
  // Node's zlib streams, not DecompressionStream, which reads ahead of a slow importer.
  const inflate = createInflate({ chunkSize: 64 * 1024 });
  pipeline(Readable.fromWeb(plaintext, { highWaterMark: 1 << 20 }), inflate, () => undefined);
  const records = splitLines(inflate, damaged);

  const nextRecord = async (): Promise<Record<string, unknown> | null> => {
    let line: IteratorResult<string>;
    try {
      line = await records.next();
    } catch (error) {
      throw isOutpostError(error) ? error : damaged('its encrypted contents are damaged although its signature matched', error);
    }
    if (line.done) return null;
    try {
      return JSON.parse(line.value) as Record<string, unknown>;
    } catch (error) {
      throw damaged('a record in it is not readable', error);
    }
  };

  const first = BundleInnerHeader.safeParse((await nextRecord())?.h);
  if (!first.success) throw damaged('its confidential header is missing or unreadable');
  const inner = first.data;
  const envelopeSays = [envelope.bundleId, envelope.region, envelope.expiresAt, envelope.createdAt, envelope.signer].join('\n');
  const innerSays = [inner.bundleId, inner.region, inner.expiresAt, inner.createdAt, inner.signer].join('\n');
  if (envelopeSays !== innerSays) throw damaged("its confidential header does not match its signed envelope (another signer's payload?)");
  const expectedTenant = opts.expect?.tenantId;
  if (expectedTenant !== undefined && expectedTenant.trim().toLowerCase() !== inner.tenantId.trim().toLowerCase()) {
    throw new OutpostError('CACHE_WRONG_TENANT', `${file} belongs to tenant ${inner.tenantId}, not ${expectedTenant}.`);
  }

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await records.return(undefined).catch(() => undefined);
    inflate.destroy();
    await handle.close().catch(() => undefined);
  };

  let started = false;
  async function* rows(): AsyncGenerator<BundleRow> {
    if (started) throw new OutpostError('BAD_REQUEST', 'The rows of an opened bundle can be read only once.');
    started = true;
    try {
      const counts = new Map<string, number>();
      for (;;) {
        const record = await nextRecord();
        if (record === null) throw damaged('its contents end before their last record');
        if (typeof record.t === 'string' && typeof record.r === 'object' && record.r !== null && !Array.isArray(record.r)) {
          counts.set(record.t, (counts.get(record.t) ?? 0) + 1);
          yield { table: record.t, row: record.r as Record<string, unknown> };
          continue;
        }
        const end = EndRecord.safeParse(record);
        if (!end.success) throw damaged('a record in it is neither a row nor its end');
        if (!sameCounts(counts, end.data.end.counts) || !sameCounts(counts, envelope.counts)) {
          throw damaged('the rows in it do not add up to the counts in its header');
        }
        break;
      }
      if ((await nextRecord()) !== null) throw damaged('it carries data after its last record');
      try {
        await hashRegion(handle, payloadEnd, size - signatureBytes, hash);
      } catch (error) {
        throw damaged('the file changed while it was being imported', error);
      }
      if (!hash.digest().equals(verified.digest)) throw damaged('the file changed while it was being imported');
    } finally {
      await close();
    }
  }

  return {
    header: {
      formatVersion: inner.format,
      bundleId: inner.bundleId,
      tenantId: inner.tenantId,
      region: inner.region,
      scope: inner.scope,
      policy: inner.policy,
      createdAt: inner.createdAt,
      expiresAt: inner.expiresAt,
      counts: { ...envelope.counts },
      signer: inner.signer,
      sealedFor: envelope.sealedFor.kind,
      origin: inner.origin ?? null,
      lastSyncAt: inner.lastSyncAt ?? null,
    },
    signerFingerprint: verified.signerFingerprint,
    rows,
    close,
  };
}

function sameCounts(seen: Map<string, number>, claimed: Record<string, number>): boolean {
  const names = Object.keys(claimed);
  if (names.length !== seen.size) return false;
  return names.every((name) => seen.get(name) === claimed[name]);
}
