import { OutpostError } from '../../../contract';
import type { CacheClient, SchemaUpgrade } from '../cache';
import type { EventBus } from '../../router/events';
import { openTenant } from '../operations/open-tenant';
import type { Keychain } from '../keychain';
import { getProfile, listProfiles, type TenantProfile } from '../tenant/profiles';

/**
 * The tenant caches this running Outpost has open, by profile name. A cache is opened on
 * first use (reading its key from the keychain) and closed on lock, wipe or exit, which
 * drops its key from memory.
 */
export class Workspace {
  private readonly open = new Map<string, Promise<CacheClient>>();
  private locked = false;

  constructor(
    readonly home: string,
    readonly keychain: Keychain,
    /** Where an upgrade of an older cache at its first open is announced ('cache.upgrading'). */
    private readonly events?: EventBus,
  ) {}

  profiles(): Promise<TenantProfile[]> {
    return listProfiles(this.home);
  }

  profile(name: string): Promise<TenantProfile> {
    return getProfile(this.home, name);
  }

  /** The tenant's cache; `create` makes it (with its key) when the tenant has none yet. */
  cache(name: string, create: boolean | 'if-missing' = false, purpose: 'read' | 'sync' = 'read'): Promise<CacheClient> {
    if (this.locked) return Promise.reject(new OutpostError('CACHE_LOCKED', 'Outpost is locked; unlock it to read the cache again.'));
    let opening = this.open.get(name);
    if (!opening) {
      const upgrade = this.announceUpgrade(name);
      opening = this.profile(name).then(async (profile) => (await openTenant({ home: this.home, keychain: this.keychain, profile, create, purpose, onUpgrade: upgrade.onUpgrade })).cache);
      opening.then(upgrade.finished, upgrade.finished);
      this.open.set(name, opening);
      opening.catch(() => this.open.delete(name));
    }
    return opening;
  }

  /**
   * For an open of the tenant's cache outside this workspace (a bundle's export or import): an
   * older cache's upgrade is announced ('cache.upgrading') when it starts, and again when
   * `finished` is called after the open, whether it succeeded or not.
   */
  announceUpgrade(name: string): { onUpgrade(step: SchemaUpgrade): void; finished(): void } {
    // Set by the callback, so TypeScript must not narrow it to null.
    let upgrade = null as SchemaUpgrade | null;
    return {
      onUpgrade: (step) => {
        upgrade = step;
        this.events?.emit('cache.upgrading', { tenant: name, ...step, done: false });
      },
      finished: () => {
        if (upgrade) this.events?.emit('cache.upgrading', { tenant: name, ...upgrade, done: true });
        upgrade = null;
      },
    };
  }

  /** While locked no cache opens, so no key is read back into memory. */
  lock(): void {
    this.locked = true;
  }

  unlock(): void {
    this.locked = false;
  }

  async openCaches(): Promise<CacheClient[]> {
    const settled = await Promise.all([...this.open.values()].map((opening) => opening.catch(() => null)));
    return settled.filter((cache): cache is CacheClient => cache !== null);
  }

  isOpen(name: string): boolean {
    return this.open.has(name);
  }

  async close(name: string): Promise<void> {
    const opening = this.open.get(name);
    this.open.delete(name);
    if (opening) await (await opening.catch(() => null))?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((name) => this.close(name)));
  }
}

export function requireCache(cache: CacheClient | null, tenant: string): CacheClient {
  if (!cache) throw new OutpostError('CACHE_NOT_FOUND', `Tenant ${tenant} has no cache yet; sync it first.`);
  return cache;
}
