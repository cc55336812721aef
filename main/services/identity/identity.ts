import { generateKeyPairSync } from 'node:crypto';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { OutpostError } from '../../../contract';
import type { Keychain } from '../keychain';
import { identityAccounts } from './accounts';
import { fingerprintOf, signingKeyFromJwk, type SigningKey } from './signing-key';

/** This laptop's age identity: the secret opens bundles sealed to `recipient`. */
export interface AgeIdentity {
  /** `AGE-SECRET-KEY-1...`; never printed, logged or written to disk. */
  readonly secretKey: string;
  /** `age1...`, what an exporter seals to. */
  readonly recipient: string;
}

/** What `outpost identity show` prints: only public halves. */
export interface IdentityPublic {
  ageRecipient: string;
  signingKey: string;
  fingerprint: string;
}

/**
 * Reads a secret, creating it on first use. After writing we read back what the keychain
 * holds, so two processes racing on first use both end up with the one that won.
 */
async function getOrCreate(keychain: Keychain, account: string, create: () => Promise<string> | string): Promise<string> {
  const existing = await keychain.get(account);
  if (existing !== null) return existing;
  await keychain.set(account, await create());
  const stored = await keychain.get(account);
  if (stored === null) throw new OutpostError('KEYCHAIN_UNAVAILABLE', 'The OS keychain did not keep the new identity key.');
  return stored;
}

export async function ageIdentity(keychain: Keychain): Promise<AgeIdentity> {
  const secretKey = await getOrCreate(keychain, identityAccounts.age, () => generateX25519Identity());
  if (!secretKey.startsWith('AGE-SECRET-KEY-1')) {
    throw new OutpostError('KEY_MISSING', `The age identity in the keychain (account "${identityAccounts.age}") is damaged.`);
  }
  return { secretKey, recipient: await identityToRecipient(secretKey) };
}

export async function signingKey(keychain: Keychain): Promise<SigningKey> {
  const jwk = await getOrCreate(keychain, identityAccounts.signing, () =>
    JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })),
  );
  try {
    return signingKeyFromJwk(jwk);
  } catch (error) {
    throw new OutpostError('KEY_MISSING', `The signing key in the keychain (account "${identityAccounts.signing}") is damaged.`, { cause: error });
  }
}

/** The public halves of this laptop's identity, created on first use. */
export async function identityPublic(keychain: Keychain): Promise<IdentityPublic> {
  const [age, signer] = [await ageIdentity(keychain), await signingKey(keychain)];
  return { ageRecipient: age.recipient, signingKey: signer.publicKey, fingerprint: fingerprintOf(signer.publicKey) };
}
