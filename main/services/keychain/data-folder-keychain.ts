import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Keychain } from './keychain';

/** Holds the data folder's keychain id: random, not a secret, and nothing of any tenant. */
export const keychainIdFile = 'keychain-id';

/** The folder's id, made on first use; two processes starting at once agree on the first one written. */
function keychainIdOf(home: string): string {
  const file = path.join(home, keychainIdFile);
  const read = () => {
    const id = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`${file} does not hold a keychain id`);
    return id;
  };
  try {
    return read();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(16).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return read();
}

/**
 * The keychain as one data folder sees it: each account is prefixed with the folder's own
 * id. Accounts are named by tenant (its cache key) and profile (its sign-in), so without it
 * two data folders on one laptop (an OUTPOST_HOME per engagement) with the same tenant shared
 * one cache key and one refresh token: a wipe in one destroyed the other's key, and its
 * cache with it. Listing shows this folder's accounts only, unprefixed.
 */
export function dataFolderKeychain(home: string, keychain: Keychain): Keychain {
  let prefix: string | null = null;
  const own = (account: string) => `${(prefix ??= `${keychainIdOf(home)}/`)}${account}`;
  return {
    get: async (account) => keychain.get(own(account)),
    set: async (account, secret) => keychain.set(own(account), secret),
    delete: async (account) => keychain.delete(own(account)),
    async list() {
      const start = own('');
      return ((await keychain.list?.()) ?? []).filter((account) => account.startsWith(start)).map((account) => account.slice(start.length));
    },
  };
}
