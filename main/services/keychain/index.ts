export { keychainService, osKeychain, keytarApi, memoryKeychain, keychainError } from './keychain';
export type { Keychain, KeytarApi } from './keychain';
