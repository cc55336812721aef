import { AsyncEntry, findCredentialsAsync } from '@napi-rs/keyring';
import { OutpostError } from '../../../contract';

/** The one service name every Outpost secret lives under in the OS keychain. */
export const keychainService = 'Outpost';

/**
 * The keychain as the rest of Outpost sees it: cache keys, refresh tokens and bundle keys,
 * one account each. The keytar shape, narrowed to what we use.
 */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Resolves true when a secret was removed, false when there was none. */
  delete(account: string): Promise<boolean>;
  /** The accounts stored under the Outpost service (names only, never secrets). */
  list?(): Promise<string[]>;
}

/** keytar's function names, for code ported from keytar. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

const linuxHelp =
  'On Linux Outpost keeps its keys in the Secret Service: install and start gnome-keyring ' +
  '(or KWallet with its Secret Service bridge) inside a D-Bus desktop session, then try again.';

/**
 * Turns a keyring failure into an error a person can act on. The native messages name the
 * store and the reason, never the secret, but we still do not echo them whole: only the
 * part that says why.
 */
export function keychainError(error: unknown, action: string): OutpostError {
  const text = error instanceof Error ? error.message : String(error);
  if (/locked|prompt was dismissed|IsLocked|unlock/i.test(text)) {
    return new OutpostError(
      'KEYCHAIN_LOCKED',
      `The OS keychain is locked, so Outpost could not ${action}. Unlock it (on Linux: unlock the login keyring, e.g. by signing in to the desktop session) and try again.`,
    );
  }
  const reason = /not provided by any \.service files|ServiceUnknown|DBUS_SESSION_BUS_ADDRESS|DBus error|no result found|Platform failure|not available|NoStorageAccess|PlatformFailure/i.test(text)
    ? 'no usable keychain was found'
    : 'the keychain refused the request';
  const help = process.platform === 'linux' ? ` ${linuxHelp}` : ' Make sure the OS keychain is available to your user account.';
  return new OutpostError('KEYCHAIN_UNAVAILABLE', `Outpost could not ${action}: ${reason}.${help}`);
}

function entry(account: string): AsyncEntry {
  try {
    // Pinned to the Secret Service on Linux: the default builder silently falls back to the
    // kernel keyutils store, which forgets every key at reboot (and with it every cache).
    return new AsyncEntry(keychainService, account, { linux: { store: 'secret-service' } });
  } catch (error) {
    throw keychainError(error, 'reach the OS keychain');
  }
}

/** The OS keychain: Keychain (macOS), Credential Manager (Windows), Secret Service (Linux). */
export function osKeychain(): Keychain {
  return {
    async get(account) {
      try {
        return await entry(account).getPassword();
      } catch (error) {
        throw error instanceof OutpostError ? error : keychainError(error, 'read a key from the OS keychain');
      }
    },
    async set(account, secret) {
      try {
        await entry(account).setPassword(secret);
      } catch (error) {
        throw error instanceof OutpostError ? error : keychainError(error, 'store a key in the OS keychain');
      }
      // A store that accepts a write but cannot give it back would lose the cache: check.
      const back = await this.get(account);
      if (back !== secret) {
        throw new OutpostError('KEYCHAIN_UNAVAILABLE', `The OS keychain accepted a key but did not return it. ${linuxHelp}`);
      }
    },
    async delete(account) {
      try {
        return await entry(account).deletePassword();
      } catch (error) {
        throw error instanceof OutpostError ? error : keychainError(error, 'remove a key from the OS keychain');
      }
    },
    async list() {
      // Probe the pinned store first, so a missing Secret Service is an error, not an empty list.
      entry('probe');
      try {
        const found = await findCredentialsAsync(keychainService);
        return found.map((credential) => credential.account);
      } catch (error) {
        throw keychainError(error, 'list the keys in the OS keychain');
      }
    },
  };
}

/** keytar's five-function API over a Keychain (service must be 'Outpost'). */
export function keytarApi(keychain: Keychain = osKeychain()): KeytarApi {
  const only = (service: string) => {
    if (service !== keychainService) throw new OutpostError('BAD_REQUEST', `Outpost keeps secrets only under the service "${keychainService}".`);
  };
  return {
    getPassword: async (service, account) => (only(service), keychain.get(account)),
    setPassword: async (service, account, password) => (only(service), keychain.set(account, password)),
    deletePassword: async (service, account) => (only(service), keychain.delete(account)),
    async findCredentials(service) {
      only(service);
      const accounts = (await keychain.list?.()) ?? [];
      const found: Array<{ account: string; password: string }> = [];
      for (const account of accounts) {
        const password = await keychain.get(account);
        if (password !== null) found.push({ account, password });
      }
      return found;
    },
  };
}

/** A keychain held in memory, for tests of code that only needs the interface. */
export function memoryKeychain(initial: Record<string, string> = {}): Keychain {
  const secrets = new Map(Object.entries(initial));
  return {
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => secrets.delete(account),
    list: async () => [...secrets.keys()],
  };
}
