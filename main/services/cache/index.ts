export { openTenantCache, rekeyTenantCache } from './open';
export type { OpenTenantCacheOptions } from './open';
export type { CacheClient, CacheTransaction } from './client';
export type { CacheInfo } from './info';
export { cachePaths, cacheKeyAccount, pendingCacheKeyAccount, tenantFolderName } from './paths';
export type { CachePaths } from './paths';
export type { QueryName, QueryParams, QueryResult, Row, SearchHit } from './queries';
export type * from './records';
export { latestSchemaVersion } from './migrations';
