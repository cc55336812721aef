import { outpostHome } from '../config/home';
import { openTenantCache, type CacheClient, type SchemaUpgrade } from '../services/cache';
import { dataFolderKeychain, osKeychain, type Keychain } from '../services/keychain';
import { openDataFolder } from '../services/workspace/data-folder';
import { endpointsOf, getProfile, type TenantProfile } from '../services/tenant/profiles';

/** What every CLI command works with, and opens a cache with (spread into the open's options): the data folder, the OS keychain, the upgrade notice. */
export interface CliContext {
  home: string;
  keychain: Keychain;
  /** Says on stderr why an open waits: a cache written by an older Outpost is being upgraded. */
  onUpgrade: (upgrade: SchemaUpgrade) => void;
}

/** The upgrade's announcement, then a line at each quarter of it (a 10M-event cache takes minutes). */
export function upgradeNotice(write: (line: string) => void): (upgrade: SchemaUpgrade) => void {
  let quarter = 0;
  return ({ from, to, percent }) => {
    if (percent === undefined) {
      write(`Upgrading the cache to this version of Outpost (schema ${from} to ${to}); once after an update, a few minutes for a large cache.\n`);
    } else if (Math.floor(percent / 25) > quarter && percent < 100) {
      quarter = Math.floor(percent / 25);
      write(`Upgrading the cache: ${quarter * 25}% done.\n`);
    }
  };
}

/** Each command starts here; Node does not exit before the start-up tidying has finished. */
export function cliContext(): CliContext {
  const home = outpostHome();
  void openDataFolder(home);
  return { home, keychain: dataFolderKeychain(home, osKeychain()), onUpgrade: upgradeNotice((line) => process.stderr.write(line)) };
}

/** Opens a tenant's cache, creating it (with its keychain key) on first use. */
export async function openProfileCache(context: CliContext, profile: TenantProfile, create: boolean | 'if-missing' = false): Promise<CacheClient> {
  return openTenantCache({ ...context, tenantId: profile.tenantId, region: endpointsOf(profile).region.id, create });
}

export async function profileNamed(context: CliContext, name: string): Promise<TenantProfile> {
  return getProfile(context.home, name);
}

/** Comma-separated option values, as in `--groups Finance,Servers`. */
export function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}
