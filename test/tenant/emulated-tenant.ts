import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator';
import { memoryKeychain, type Keychain } from '../../main/services/keychain';
import { connectTenant, type TenantConnection } from '../../main/services/tenant/connect';
import { TenantProfile } from '../../main/services/tenant/profiles';
import type { Clock } from '../../main/services/tenant/rate-limit';

/** A tenant profile pointed at a running emulator, as `tenant add` with custom hosts would make it. */
export function profileFor(emulator: RunningEmulator, overrides: Partial<TenantProfile> = {}): TenantProfile {
  const host = new URL(emulator.url).host;
  return TenantProfile.parse({
    name: 'emulated',
    tenantId: emulator.registration.tenantId,
    cloud: 'commercial',
    geo: 'us',
    clientId: emulator.registration.publicClientId,
    appClientId: emulator.registration.confidentialClientId,
    loginHost: host,
    apiHost: host,
    caPem: emulator.caCertPem,
    createdAt: new Date().toISOString(),
    ...overrides,
  });
}

export interface EmulatedTenant {
  emulator: RunningEmulator;
  connection: TenantConnection;
  keychain: Keychain;
  close(): Promise<void>;
}

/** An emulator and a connection to it, signed in by device code as `user`. */
export async function emulatedTenant(user = 'soc-admin', options: EmulatorOptions = {}, keychain: Keychain = memoryKeychain()): Promise<EmulatedTenant> {
  const emulator = await startEmulator({ seed: 11, scale: 'small', autoApprove: user, deviceCodeIntervalSeconds: 1, ...options });
  const connection = connectTenant(profileFor(emulator), keychain);
  await connection.signIn.signInWithDeviceCode(() => undefined);
  return {
    emulator,
    connection,
    keychain,
    close: async () => {
      connection.close();
      await emulator.close();
    },
  };
}

/** A clock whose sleeps return at once but are recorded, so waits can be asserted without waiting. */
export function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  let offset = 0;
  return {
    slept,
    now: () => Date.now() + offset,
    sleep: async (ms) => {
      slept.push(ms);
      offset += ms;
    },
  };
}
