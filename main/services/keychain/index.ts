export { keychainService, osKeychain, keytarApi, memoryKeychain, keychainError } from './keychain';
export type { Keychain, KeytarApi } from './keychain';
export { dataFolderKeychain, keychainIdFile } from './data-folder-keychain';
