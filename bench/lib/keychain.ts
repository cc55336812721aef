import { memoryKeychain, osKeychain, type Keychain } from '../../main/services/keychain';

/**
 * The OS keychain (Secret Service over D-Bus) when a session bus is there and answers;
 * otherwise an in-memory one, and the report says so (scripts/bench.mjs starts a private
 * D-Bus session with an unlocked gnome-keyring when it can, so this is the exception).
 */
export async function benchKeychain(): Promise<{ keychain: Keychain; name: string }> {
  if (process.env.OUTPOST_BENCH_KEYCHAIN !== 'memory' && process.env.DBUS_SESSION_BUS_ADDRESS) {
    const keychain = osKeychain();
    try {
      await keychain.set('bench:probe', 'probe');
      await keychain.delete('bench:probe');
      return { keychain, name: 'OS keychain (Secret Service)' };
    } catch {
      // fall through
    }
  }
  return { keychain: memoryKeychain(), name: 'in-memory (no D-Bus Secret Service available)' };
}
