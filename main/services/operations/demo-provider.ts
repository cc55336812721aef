import type { TenantProfile, TenantProfileInput } from '../tenant/profiles';

/**
 * The built-in demo tenant, when the process that runs Outpost provides one (the CLI's
 * browser mode does; a packaged app talks only to real tenants). Services never start the
 * emulator themselves: they ask this provider for a reachable profile.
 */
export interface DemoProvider {
  profileInput(): TenantProfileInput;
  /** The demo profile completed with the running emulator's host and CA (started on first use). */
  reachable(profile: TenantProfile): Promise<TenantProfile>;
  close(): Promise<void>;
}
