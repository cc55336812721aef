// Kill the sync process at random points: `outpost sync` runs as a child process (the built
// CLI, the OS keychain, a profile with custom hosts and the emulator's CA), is killed with
// SIGKILL after a seeded random delay (once or twice), and a resumed sync (in this process,
// through the same syncTenant the CLI runs) must end equal to the ground truth: the same
// checksums per table, no duplicate.
//
// Needs the OS keychain (Secret Service over D-Bus), as the CLI does: run under
// `dbus-run-session` with an unlocked gnome-keyring (scripts/test.sh does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../emulator/prng';
import { startEmulator, type RunningEmulator } from '../../emulator';
import { cacheKeyAccount, cachePaths } from '../../main/services/cache';
import { dataFolderKeychain, osKeychain } from '../../main/services/keychain';
import { openTenant } from '../../main/services/operations/open-tenant';
import { syncTenant } from '../../main/services/operations/sync-tenant';
import { connectTenant } from '../../main/services/tenant/connect';
import { getProfile } from '../../main/services/tenant/profiles';
import { repoRoot } from '../cache/helpers';
import { cacheSums, readCacheFile, truthSums, wholeMinute, type Sums } from './helpers';

const cli = path.join(repoRoot, 'dist/cli.mjs');
const SEED = Number(process.env.OUTPOST_KILL_SEED ?? 20261126);
const RUNS = Number(process.env.OUTPOST_KILL_RUNS ?? 20);
const keyringReady = !!process.env.DBUS_SESSION_BUS_ADDRESS;
const FAST = { entityPerMinute: 100_000, entityPerHour: 1_000_000, huntingPerMinute: 100_000, huntingPerHour: 1_000_000 };

/**
 * The emulator's data clock runs 15 minutes ahead of the wall clock, fixed: every sync's
 * window (which ends at its own wall-clock start) then covers all the data, and the
 * emulator's 30-day edge, not the sync's, bounds it, so each run and resume sees the same
 * rows. Within 15 minutes of UTC midnight the data day would move under the test: skipped.
 */
const wallStart = Date.now();
const dataNow = wholeMinute(wallStart + 15 * 60_000);
const nearMidnight = new Date(dataNow).setUTCHours(0, 0, 0, 0) > wallStart;

/** The CLI as a child, asynchronously: the emulator answering it lives in this process's event loop. */
function outpost(home: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: repoRoot, env: { ...process.env, OUTPOST_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface Lane {
  /** The profile name; the keychain keeps sign-ins by profile name, so each lane has its own. */
  name: string;
  emulator: RunningEmulator;
  home: string;
  tenantId: string;
  truth: Sums;
  /**
   * The emulator's raised limits, told to the in-process resumes too: they share the tenant's
   * call windows (connect.ts), which at the documented limits would pace 20 resumes in real time.
   */
  clientLimits?: { entity: { perMinute: number; perHour: number }; hunting: { perMinute: number; perHour: number } };
  close(): Promise<void>;
}

/** An emulator, a profile with its hosts and CA made by `outpost tenant add`, and `outpost login` (device code, auto-approved). */
async function lane(name: string, limits: typeof FAST | undefined, pageSize: number): Promise<Lane> {
  const emulator = await startEmulator({ seed: 41, scale: 3000, now: () => dataNow, autoApprove: 'soc-admin', deviceCodeIntervalSeconds: 1, pageSize, limits });
  const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-kill-'));
  const ca = path.join(home, 'emulator-ca.pem');
  writeFileSync(ca, emulator.caCertPem);
  const host = new URL(emulator.url).host;
  const { tenantId, publicClientId } = emulator.registration;
  const add = await outpost(home, 'tenant', 'add', '--name', name, '--tenant-id', tenantId, '--client-id', publicClientId, '--login-host', host, '--api-host', host, '--ca', ca);
  expect(add.status, add.stderr).toBe(0);
  const login = await outpost(home, 'login', '--tenant', name);
  expect(login.status, login.stderr).toBe(0);
  expect(login.stderr).toMatch(/enter the code/);
  const truth = truthSums(emulator.groundTruth, 'soc-admin', { from: '2000-01-01T00:00:00Z', to: new Date(wallStart).toISOString() });
  const clientLimits = limits && { entity: { perMinute: limits.entityPerMinute, perHour: limits.entityPerHour }, hunting: { perMinute: limits.huntingPerMinute, perHour: limits.huntingPerHour } };
  return {
    name, emulator, home, tenantId, truth, clientLimits,
    close: async () => {
      await outpost(home, 'logout', '--tenant', name).catch(() => undefined);
      await dataFolderKeychain(home, osKeychain()).delete(cacheKeyAccount(tenantId)).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
      await emulator.close();
    },
  };
}

/** `outpost sync` as a child, killed with SIGKILL after `delayMs` (or left to finish). What it printed tells where it was. */
function syncKilledAfter(l: Lane, delayMs: number): Promise<{ killed: boolean; stderr: string; code: number | null; firstProgressMs: number | null }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'sync', '--tenant', l.name], { cwd: repoRoot, env: { ...process.env, OUTPOST_HOME: l.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstProgressMs: number | null = null;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      firstProgressMs ??= Date.now() - started;
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, delayMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed: killed && code === null, stderr, code, firstProgressMs });
    });
  });
}

/**
 * A kill that lands after the tenant rotated the refresh token and before the keychain holds its
 * successor leaves no valid refresh token (the emulator, like a strict tenant, refuses a used
 * one). Outpost must then ask for a clean sign-in, with the cache intact: the test signs in
 * again (as the analyst would) and the resume must still end exact.
 */
const SIGN_IN_AGAIN = /SIGN_IN_REQUIRED|no longer accepts this sign-in/;
let signInsAgain = 0;

async function signInAgain(l: Lane): Promise<void> {
  signInsAgain++;
  const login = await outpost(l.home, 'login', '--tenant', l.name);
  expect(login.status, login.stderr).toBe(0);
}

/** `outpost sync` killed after `delayMs`; refused for a lost refresh token, it signs in again and runs once more. */
async function syncOrSignInAgain(l: Lane, delayMs: number): ReturnType<typeof syncKilledAfter> {
  const result = await syncKilledAfter(l, delayMs);
  if (result.killed || result.code === 0 || !SIGN_IN_AGAIN.test(result.stderr)) return result;
  await signInAgain(l);
  return syncKilledAfter(l, delayMs);
}

/** The resume: the same operation the CLI runs (syncTenant), in this process, against the same home and keychain. */
async function resume(l: Lane): Promise<void> {
  try {
    await resumeOnce(l);
  } catch (error) {
    if (!SIGN_IN_AGAIN.test(String((error as { code?: string }).code ?? error))) throw error;
    await signInAgain(l);
    await resumeOnce(l);
  }
}

async function resumeOnce(l: Lane): Promise<void> {
  // The keychain as the CLI sees this lane's data folder (its accounts carry the folder's id).
  const keychain = dataFolderKeychain(l.home, osKeychain());
  const profile = await getProfile(l.home, l.name);
  const connection = connectTenant(profile, keychain);
  try {
    const { cache } = await openTenant({ home: l.home, keychain, profile, create: 'if-missing' });
    try {
      await syncTenant({ home: l.home, keychain, connection, cache, api: l.clientLimits && { limits: l.clientLimits } });
    } finally {
      await cache.close();
    }
  } finally {
    connection.close();
  }
}

async function cached(l: Lane): Promise<Sums> {
  const key = await dataFolderKeychain(l.home, osKeychain()).get(cacheKeyAccount(l.tenantId));
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  return readCacheFile(cachePaths(l.home, l.tenantId).database, l.tenantId, key!, cacheSums);
}

/** Where the child was when it died: the last progress line it printed (one per finished step). */
function lastStep(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => /^[a-z-]+( \w+)?: /.test(line));
  return lines.length === 0 ? 'start-up' : lines[lines.length - 1]!.split(':')[0]!;
}

describe.skipIf(!keyringReady || nearMidnight)(`kill -9 at random points (seed ${SEED}, ${RUNS} runs): every resumed sync equals the ground truth`, () => {
  let fast: Lane;
  let fullMs = 0;
  /** Until the child prints its first progress line: node, keychain, cache open, token refresh. */
  let startupMs = 0;

  beforeAll(async () => {
    if (!existsSync(cli)) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: repoRoot, encoding: 'utf8' });
      expect(build.status, build.stderr).toBe(0);
    }
    fast = await lane(`kill-${process.pid}`, FAST, 4);
    // Calibrate: how long a whole CLI sync takes here, so the kill points spread over all of it.
    const started = Date.now();
    const whole = await syncKilledAfter(fast, 600_000);
    fullMs = Date.now() - started;
    expect(whole.code, whole.stderr).toBe(0);
    startupMs = Math.min(whole.firstProgressMs ?? 1000, fullMs - 500);
    expect(await cached(fast)).toEqual(fast.truth);
  }, 180_000);

  afterAll(async () => {
    await fast?.close();
  });

  it(`${RUNS} runs, each killed once or twice, then resumed`, async () => {
    const random = seededRandom(SEED);
    const steps: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      rmSync(cachePaths(fast.home, fast.tenantId).folder, { recursive: true, force: true });
      const kills = random() < 0.5 ? 1 : 2;
      const t0 = Date.now();
      for (let k = 0; k < kills; k++) {
        // Any point from 0.3 s to the end: a fifth of the kills during start-up (cache creation and
        // open, sign-in), the rest spread over the sync's phases.
        let delay = Math.round(random() < 0.2 ? 300 + random() * Math.max(0, startupMs - 300) : startupMs + random() * Math.max(500, fullMs - startupMs));
        // A child that finished before its kill (the machine ran faster than at calibration) is
        // started again with half the delay, so every run really is killed.
        for (let attempt = 0; attempt < 4; attempt++, delay = Math.round(delay / 2)) {
          const result = await syncOrSignInAgain(fast, delay);
          steps.push(result.killed ? lastStep(result.stderr) : 'finished');
          if (result.killed) break;
          expect(result.code, result.stderr).toBe(0);
        }
      }
      // The resume: in this process (syncTenant, as the app runs it) or by the CLI, alternately.
      if (run % 2 === 0) await resume(fast);
      else {
        const finished = await syncOrSignInAgain(fast, 600_000);
        expect(finished.code, finished.stderr).toBe(0);
      }
      const sums = await cached(fast);
      if (process.env.OUTPOST_KILL_VERBOSE) console.log(`run ${run}: ${Date.now() - t0} ms`);
      expect(sums, `run ${run} (seed ${SEED}; kills landed after: ${steps.slice(-kills * 2).join(', ')})`).toEqual(fast.truth);
    }
    // The kills spread over the sync: before hunting, and within it.
    console.log(`kill points (last finished step): ${steps.join(', ')}; signed in again ${signInsAgain} times`);
    // Losing the refresh token needs a kill inside one token round trip: rare, never the rule.
    expect(signInsAgain).toBeLessThanOrEqual(Math.ceil(RUNS / 4));
    expect(steps.filter((step) => step.startsWith('hunting')).length).toBeGreaterThan(0);
    expect(steps.filter((step) => !step.startsWith('hunting') && step !== 'finished').length).toBeGreaterThan(0);
    expect(steps.filter((step) => step !== 'finished').length).toBeGreaterThanOrEqual(RUNS);
  }, 600_000);

  it('with the documented rate limits (100/min entity, 45/min hunting): killed mid-sync, resumed, exact', async () => {
    const documented = await lane(`kill-documented-${process.pid}`, undefined, 10_000);
    try {
      const result = await syncKilledAfter(documented, Math.round(fullMs * 0.6));
      expect(result.killed || result.code === 0, result.stderr).toBe(true);
      await resume(documented);
      expect(await cached(documented)).toEqual(documented.truth);
    } finally {
      await documented.close();
    }
  }, 300_000);
});

if (!keyringReady) {
  describe('kill -9 at random points', () => {
    it.skip('needs the OS keychain over D-Bus (run under dbus-run-session with gnome-keyring, as scripts/test.sh does)', () => undefined);
  });
}
