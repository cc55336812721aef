import { describeDemoTenant, startEmulator, type RunningEmulator } from '../../emulator';
import type { DemoProvider } from '../services/operations/demo-provider';
import type { TenantProfile, TenantProfileInput } from '../services/tenant/profiles';

/**
 * The demo tenant: the emulator with a fixed seed, so the demo data is the same every time.
 * Its hosts and CA exist only while it runs, so a demo profile is completed at each use
 * with the running emulator's address and CA, trusted for that profile only. Sign-in uses
 * the device-code flow, approved automatically as the demo analyst.
 */
export const DEMO_PROFILE = 'demo';
export const DEMO_SEED = 20261126;
export const DEMO_SCALE = 'small' as const;
export const DEMO_USER_ENV = 'OUTPOST_DEMO_USER';

export function demoProfileInput(): TenantProfileInput {
  const registration = describeDemoTenant({ seed: DEMO_SEED, scale: DEMO_SCALE });
  return {
    name: DEMO_PROFILE,
    tenantId: registration.tenantId,
    cloud: 'commercial',
    geo: 'us',
    clientId: registration.publicClientId,
    appClientId: registration.confidentialClientId,
    demo: true,
    createdAt: new Date().toISOString(),
  };
}

export function demoUser(): string {
  const registration = describeDemoTenant({ seed: DEMO_SEED, scale: DEMO_SCALE });
  const admin = registration.users.find((user) => user.seesAllGroups) ?? registration.users[0];
  return process.env[DEMO_USER_ENV] ?? admin?.name ?? 'analyst';
}

export interface DemoTenant {
  profile: TenantProfile;
  emulator: RunningEmulator;
  close(): Promise<void>;
}

/** Starts the demo emulator and returns the profile pointed at it. */
export async function startDemoTenant(profile: TenantProfile): Promise<DemoTenant> {
  const emulator = await startEmulator({ seed: DEMO_SEED, scale: DEMO_SCALE, autoApprove: demoUser() });
  const host = new URL(emulator.url).host;
  return {
    profile: { ...profile, loginHost: host, apiHost: host, caPem: emulator.caCertPem },
    emulator,
    close: () => emulator.close(),
  };
}

/** For a long-running Outpost (browser mode): the demo emulator starts on first use and lives until close. */
export function demoProvider(): DemoProvider {
  let running: Promise<DemoTenant> | null = null;
  return {
    profileInput: demoProfileInput,
    async reachable(profile) {
      running ??= startDemoTenant(profile);
      running.catch(() => (running = null));
      return { ...(await running).profile, ...{ name: profile.name, policy: profile.policy } };
    },
    async close() {
      const demo = await running?.catch(() => null);
      running = null;
      await demo?.close();
    },
  };
}
