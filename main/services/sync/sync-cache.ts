import type { CacheClient } from '../cache';

export type { CacheTransaction } from '../cache';

/** What the sync needs of a tenant's cache. */
export type SyncCache = Pick<CacheClient, 'write' | 'query' | 'tenantId' | 'transaction' | 'forgetMachinesOutside'>;
