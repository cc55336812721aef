import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { OutpostError } from '../../../contract';

/** How a signing public key is written wherever a person may copy it: `ed25519:<base64url>`. */
const prefix = 'ed25519:';

/** A workstation's signing key: the private half signs bundles, the text is what others trust. */
export interface SigningKey {
  /** `ed25519:` + base64url of the raw 32-byte public key. */
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

/** Parses `ed25519:<base64url>` into the raw 32-byte public key, or throws BAD_REQUEST. */
export function signingKeyBytes(text: string): Buffer {
  const trimmed = text.trim();
  const raw = trimmed.startsWith(prefix) ? Buffer.from(trimmed.slice(prefix.length), 'base64url') : null;
  if (raw === null || raw.length !== 32 || `${prefix}${raw.toString('base64url')}` !== trimmed) {
    throw new OutpostError(
      'BAD_REQUEST',
      'That is not an Outpost signing key. It looks like "ed25519:" followed by 43 characters; copy it from `outpost identity show` on the exporting workstation.',
    );
  }
  return raw;
}

/** Canonical text form of a raw public key. */
export function signingKeyText(raw: Uint8Array): string {
  return `${prefix}${Buffer.from(raw).toString('base64url')}`;
}

/**
 * A short form two people can read to each other over the phone: the first 80 bits of
 * SHA-256 of the raw key, in five groups of four hex digits. 80 bits, not 64, so that
 * forging a key with the same fingerprint stays out of reach.
 */
export function fingerprintOf(signingKey: string): string {
  const digest = createHash('sha256').update(signingKeyBytes(signingKey)).digest('hex').toUpperCase();
  return (digest.slice(0, 20).match(/.{4}/g) ?? []).join('-');
}

/** The KeyObject that verifies signatures made by this public key. */
export function verifyingKey(signingKey: string): KeyObject {
  const x = signingKeyBytes(signingKey).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
}

/** Rebuilds a SigningKey from the private JWK kept in the keychain. */
export function signingKeyFromJwk(jwkText: string): SigningKey {
  const privateKey = createPrivateKey({ key: JSON.parse(jwkText) as Record<string, string>, format: 'jwk' });
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new OutpostError('KEY_MISSING', 'The signing key in the keychain is damaged.');
  return { publicKey: signingKeyText(Buffer.from(x, 'base64url')), privateKey };
}
