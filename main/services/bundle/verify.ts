import { createHash, verify } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { OutpostError } from '../../../contract';
import { fingerprintOf, signingKeyBytes, signingKeyText, verifyingKey } from '../identity';
import { bundleInvalid, bundleTampered } from './errors';
import { hashRegion, readAt } from './file-region';
import {
  BundleEnvelope,
  formatVersion,
  magic,
  magicPrefix,
  maxEnvelopeBytes,
  signatureBytes,
  signatureMessage,
  signatureTag,
  tenantTag,
  trailerBytes,
} from './format';

export interface VerifiedEnvelope {
  envelope: BundleEnvelope;
  signerFingerprint: string;
  /** SHA-512 of every signed byte, to compare with the decrypting pass. */
  digest: Buffer;
  size: number;
}

export interface RefusalChecks {
  trustedSigners: string[];
  now: Date;
  expect?: { tenantId?: string; region?: string };
}

/** Where the envelope sits, read from the magic and the trailer; refuses files that are not whole bundles. */
async function readLayout(handle: FileHandle, file: string) {
  const { size } = await handle.stat();
  const head = await readAt(handle, 0, magic.length);
  if (!head.subarray(0, magicPrefix.length).equals(magicPrefix)) throw bundleInvalid(file, 'it is not an Outpost bundle.');
  if (!head.equals(magic)) {
    throw bundleInvalid(file, `it is in a bundle format this version of Outpost does not read (it reads format ${formatVersion}). Update Outpost on this laptop or export again.`);
  }
  if (size < magic.length + trailerBytes) throw bundleInvalid(file, 'it is incomplete: the file ends before its signature (was the copy cut short?). Copy it again.');
  const trailer = await readAt(handle, size - trailerBytes, trailerBytes);
  if (!trailer.subarray(4, 4 + signatureTag.length).equals(signatureTag)) {
    throw bundleInvalid(file, 'it is incomplete or damaged at its end: its signature block is missing (was the copy cut short?). Copy it again.');
  }
  const envelopeBytes = trailer.readUInt32BE(0);
  const payloadBytes = size - magic.length - trailerBytes - envelopeBytes;
  if (envelopeBytes > maxEnvelopeBytes || payloadBytes <= 0) throw bundleTampered(file, 'its layout does not add up, so it was altered or damaged');
  return { size, envelopeBytes, payloadBytes, signature: trailer.subarray(trailerBytes - signatureBytes) };
}

function parseEnvelope(file: string, bytes: Buffer, payloadBytes: number): BundleEnvelope {
  let parsed: BundleEnvelope;
  try {
    parsed = BundleEnvelope.parse(JSON.parse(bytes.toString('utf8')));
    signingKeyBytes(parsed.signer);
  } catch (error) {
    throw bundleTampered(file, 'its header is not readable, so it was altered or damaged', error);
  }
  if (parsed.payloadBytes !== payloadBytes) throw bundleTampered(file, 'its header does not match its size, so it was altered or damaged');
  return parsed;
}

/**
 * The first, verifying pass: reads every byte once (hashing only, nothing decrypted),
 * checks the Ed25519 signature, then the refusals that need no key: signer trusted,
 * not expired, the right region and tenant. The signature is checked before trust, so
 * an altered signer field reads as tampering, not as a stranger.
 */
export async function verifyBundle(handle: FileHandle, file: string, checks: RefusalChecks): Promise<VerifiedEnvelope> {
  const layout = await readLayout(handle, file);
  const envelopeAt = magic.length + layout.payloadBytes;
  const envelope = parseEnvelope(file, await readAt(handle, envelopeAt, layout.envelopeBytes), layout.payloadBytes);

  const hash = createHash('sha512');
  await hashRegion(handle, 0, layout.size - signatureBytes, hash);
  const digest = hash.digest();
  let signed = false;
  try {
    signed = verify(null, signatureMessage(digest), verifyingKey(envelope.signer), layout.signature);
  } catch {
    signed = false; // a signer field that is not a valid Ed25519 key: altered
  }
  if (!signed) {
    throw bundleTampered(file, 'its signature does not match its contents: it was altered after it was exported, or it is unsigned');
  }

  const signerFingerprint = fingerprintOf(envelope.signer);
  const trusted = new Set(checks.trustedSigners.map((key) => signingKeyText(signingKeyBytes(key))));
  if (!trusted.has(envelope.signer)) {
    throw new OutpostError(
      'BUNDLE_UNTRUSTED_SIGNER',
      `${file} was signed by workstation ${signerFingerprint}, which this laptop does not trust. If you expected it, compare that fingerprint with \`outpost identity show\` on the exporting workstation (by phone or in person), then run \`outpost trust add <its signing key>\`.`,
    );
  }
  if (checks.now.getTime() >= Date.parse(envelope.expiresAt)) {
    throw new OutpostError('BUNDLE_EXPIRED', `${file} expired on ${envelope.expiresAt}, as the tenant's offline policy requires. Export a fresh bundle.`);
  }
  const expect = checks.expect ?? {};
  if (expect.region !== undefined && expect.region !== envelope.region) {
    throw new OutpostError('REGION_MISMATCH', `${file} holds data from region ${envelope.region}, but this tenant's cache is in region ${expect.region}.`);
  }
  if (expect.tenantId !== undefined && tenantTag(envelope.bundleId, expect.tenantId) !== envelope.tenantTag) {
    throw new OutpostError('CACHE_WRONG_TENANT', `${file} belongs to another tenant than ${expect.tenantId}; it was not imported.`);
  }
  return { envelope, signerFingerprint, digest, size: layout.size };
}
