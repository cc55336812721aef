import { OutpostError } from '../../../contract';
import type { Keychain } from '../keychain';
import { identityAccounts } from './accounts';
import { fingerprintOf, signingKeyBytes, signingKeyText } from './signing-key';

/** An exporter this laptop accepts bundles from. */
export interface TrustedSigner {
  signingKey: string;
  fingerprint: string;
  addedAt: string;
}

async function readStore(keychain: Keychain): Promise<TrustedSigner[]> {
  const text = await keychain.get(identityAccounts.trustedSigners);
  if (text === null) return [];
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) throw new Error('not a list');
    return parsed.map((entry: { signingKey: string; addedAt: string }) => ({
      signingKey: entry.signingKey,
      fingerprint: fingerprintOf(entry.signingKey),
      addedAt: entry.addedAt,
    }));
  } catch (error) {
    // Refuse rather than start empty: silently forgetting signers would hide the damage.
    throw new OutpostError('KEY_MISSING', `The trusted-signer list in the keychain (account "${identityAccounts.trustedSigners}") is damaged.`, { cause: error });
  }
}

async function writeStore(keychain: Keychain, signers: TrustedSigner[]): Promise<void> {
  const stored = signers.map(({ signingKey, addedAt }) => ({ signingKey, addedAt }));
  await keychain.set(identityAccounts.trustedSigners, JSON.stringify(stored));
}

export async function trustedSigners(keychain: Keychain): Promise<TrustedSigner[]> {
  return readStore(keychain);
}

/** Adds an exporter's signing key (idempotent) and returns it with the fingerprint to compare. */
export async function trustSigner(keychain: Keychain, signingKey: string, now: Date = new Date()): Promise<TrustedSigner> {
  const canonical = signingKeyText(signingKeyBytes(signingKey));
  const signers = await readStore(keychain);
  const known = signers.find((signer) => signer.signingKey === canonical);
  if (known) return known;
  const added = { signingKey: canonical, fingerprint: fingerprintOf(canonical), addedAt: now.toISOString() };
  await writeStore(keychain, [...signers, added]);
  return added;
}

/** Removes a signer by key or fingerprint; resolves false when it was not trusted. */
export async function untrustSigner(keychain: Keychain, keyOrFingerprint: string): Promise<boolean> {
  const wanted = keyOrFingerprint.trim();
  const signers = await readStore(keychain);
  const kept = signers.filter((signer) => signer.signingKey !== wanted && signer.fingerprint !== wanted.toUpperCase());
  if (kept.length === signers.length) return false;
  await writeStore(keychain, kept);
  return true;
}
