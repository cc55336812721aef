import { describe, expect, it } from 'vitest';
import { ageIdentity, fingerprintOf, identityAccounts, identityPublic, signingKey, trustedSigners, trustSigner, untrustSigner } from '../../main/services/identity';
import { memoryKeychain } from '../../main/services/keychain';

describe('laptop identity', () => {
  it('is created on first use, kept in the keychain and stable afterwards', async () => {
    const keychain = memoryKeychain();
    const first = await identityPublic(keychain);
    expect(first.ageRecipient).toMatch(/^age1[0-9a-z]{58}$/);
    expect(first.signingKey).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/);
    expect(first.fingerprint).toMatch(/^[0-9A-F]{4}(-[0-9A-F]{4}){4}$/);
    expect(await identityPublic(keychain)).toEqual(first);
    expect((await keychain.get(identityAccounts.age))?.startsWith('AGE-SECRET-KEY-1')).toBe(true);
    expect((await ageIdentity(keychain)).recipient).toBe(first.ageRecipient);
    expect((await signingKey(keychain)).publicKey).toBe(first.signingKey);
  });

  it('differs between laptops', async () => {
    const [a, b] = [await identityPublic(memoryKeychain()), await identityPublic(memoryKeychain())];
    expect(a.ageRecipient).not.toBe(b.ageRecipient);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });
});

describe('trust store', () => {
  it('adds idempotently, lists, removes by fingerprint', async () => {
    const keychain = memoryKeychain();
    const exporter = await identityPublic(memoryKeychain());
    const added = await trustSigner(keychain, exporter.signingKey);
    expect(added.fingerprint).toBe(exporter.fingerprint);
    await trustSigner(keychain, ` ${exporter.signingKey}\n`);
    expect((await trustedSigners(keychain)).map((s) => s.signingKey)).toEqual([exporter.signingKey]);
    expect(await untrustSigner(keychain, exporter.fingerprint)).toBe(true);
    expect(await trustedSigners(keychain)).toEqual([]);
    expect(await untrustSigner(keychain, exporter.fingerprint)).toBe(false);
  });

  it('refuses text that is not a signing key', async () => {
    const keychain = memoryKeychain();
    for (const bad of ['', 'age1qqqq', 'ed25519:short', `ed25519:${'A'.repeat(44)}`]) {
      await expect(trustSigner(keychain, bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(() => fingerprintOf('nope')).toThrow();
  });

  it('refuses a damaged store rather than starting empty', async () => {
    const keychain = memoryKeychain({ [identityAccounts.trustedSigners]: '{not json' });
    await expect(trustedSigners(keychain)).rejects.toMatchObject({ code: 'KEY_MISSING' });
  });
});
