import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type AnswerKey, type HuntingTable } from '../../emulator';
import { DEMO_SCALE, DEMO_SEED } from '../../main/cli/demo';
import type { CacheBatch, CacheClient, HuntingRow } from '../../main/services/cache';
import { startCacheClient } from '../../main/services/cache/client';

const batchKeys: Record<HuntingTable, keyof CacheBatch> = {
  DeviceInfo: 'deviceInfo',
  DeviceProcessEvents: 'processEvents',
  DeviceFileEvents: 'fileEvents',
  DeviceRegistryEvents: 'registryEvents',
  DeviceNetworkEvents: 'networkEvents',
  DeviceLogonEvents: 'logonEvents',
} as Record<HuntingTable, keyof CacheBatch>;

export interface DemoCache {
  cache: CacheClient;
  /** The file and a copy of its key, for opening a connection of one's own (query plans). */
  file: string;
  key: Uint8Array;
  answerKey: AnswerKey;
  close(): Promise<void>;
}

/**
 * A real encrypted cache (the real engine and worker threads) holding exactly what the demo
 * tenant's API would serve, taken from the emulator's ground truth rather than through a
 * sync, so the query tests do not depend on the network path. The key is random and lives
 * only in this process; no keychain is touched.
 */
export async function demoCache(): Promise<DemoCache> {
  const emulator = await startEmulator({ seed: DEMO_SEED, scale: DEMO_SCALE });
  const folder = mkdtempSync(path.join(os.tmpdir(), 'outpost-investigate-'));
  const registration = emulator.registration;
  const key = new Uint8Array(randomBytes(32));
  const file = path.join(folder, 'cache.db');
  const cache = await startCacheClient({ file, tenantId: registration.tenantId, region: 'commercial-us', create: true, key: key.slice() });
  try {
    const truth = emulator.groundTruth;
    const to = new Date(registration.anchor);
    const scope = { from: new Date(to.getTime() - 31 * 86_400_000), to };
    await cache.write({ machines: truth.machines('app', scope) as never, alerts: truth.alerts('app', scope) as never });
    const logonUsers = [...truth.logonUsers('app', scope)].flatMap(([machineId, users]) => users.map((user) => ({ ...user, machineId })));
    await cache.write({ logonUsers: logonUsers as never });
    for (const [table, key] of Object.entries(batchKeys) as Array<[HuntingTable, keyof CacheBatch]>) {
      let rows: HuntingRow[] = [];
      for (const row of truth.huntingRows('app', scope, table)) {
        rows.push(row as HuntingRow);
        if (rows.length === 5000) {
          await cache.write({ [key]: rows });
          rows = [];
        }
      }
      if (rows.length) await cache.write({ [key]: rows });
    }
  } catch (error) {
    await cache.close();
    await emulator.close();
    throw error;
  }
  const answerKey = emulator.answerKey();
  await emulator.close();
  return {
    cache,
    file,
    key,
    answerKey,
    async close() {
      await cache.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
