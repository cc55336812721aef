import { createHash, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SigningKey } from '../../main/services/identity';

const magicBytes = 17;
const trailerBytes = 4 + 8 + 64;

export function flipByte(file: string, position: number): void {
  const bytes = readFileSync(file);
  bytes[position] = (bytes[position] ?? 0) ^ 0x01;
  writeFileSync(file, bytes);
}

/** Where each part of a bundle lies, read the way the format describes it. */
export function layoutOf(file: string) {
  const bytes = readFileSync(file);
  const envelopeBytes = bytes.readUInt32BE(bytes.length - trailerBytes);
  const envelopeAt = bytes.length - trailerBytes - envelopeBytes;
  return {
    size: bytes.length,
    magic: [0, magicBytes] as const,
    payload: [magicBytes, envelopeAt] as const,
    envelope: [envelopeAt, envelopeAt + envelopeBytes] as const,
    length: [bytes.length - trailerBytes, bytes.length - trailerBytes + 4] as const,
    tag: [bytes.length - 72, bytes.length - 64] as const,
    signature: [bytes.length - 64, bytes.length] as const,
  };
}

/**
 * Rewrites the plaintext envelope and signs the result with `signer`: what a trusted but
 * dishonest (or buggy) exporter, or an attacker holding some trusted key, could produce.
 */
export function rewriteEnvelope(file: string, signer: SigningKey, change: (envelope: Record<string, unknown>) => void): void {
  const bytes = readFileSync(file);
  const layout = layoutOf(file);
  const envelope = JSON.parse(bytes.subarray(...layout.envelope).toString('utf8')) as Record<string, unknown>;
  change(envelope);
  const envelopeText = Buffer.from(JSON.stringify(envelope));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(envelopeText.length);
  const signed = Buffer.concat([bytes.subarray(0, layout.payload[1]), envelopeText, length, Buffer.from('OPBSIG1\n')]);
  const digest = createHash('sha512').update(signed).digest();
  const signature = sign(null, Buffer.concat([Buffer.from('outpost-bundle/1 signature\n'), digest]), signer.privateKey);
  writeFileSync(file, Buffer.concat([signed, signature]));
}
