export { sealBundle } from './seal';
export type { SealOptions, SealResult, SealTo } from './seal';
export { openBundle } from './open';
export type { OpenOptions, OpenedBundle } from './open';
export { formatVersion, TenantPolicy } from './format';
export type { BundleHeader, BundleHeaderInput, BundleRow } from './format';
