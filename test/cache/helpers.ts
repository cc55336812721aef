import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { osKeychain, type Keychain } from '../../main/services/keychain';
import type { CacheBatch } from '../../main/services/cache';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');

/** A fresh OUTPOST_HOME, removed by the returned cleanup. */
export function tempHome(): { home: string; remove(): void } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'outpost-cache-test-'));
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** A tenant id no other run uses, so keychain accounts never collide. */
export function uniqueTenant(label = 'tenant'): string {
  return `${label}-${randomUUID()}`;
}

/**
 * The real OS keychain, remembering what it touched so a test can remove every entry it
 * made (including a rekey's pending account).
 */
export function trackedKeychain(): Keychain & { cleanup(): Promise<void> } {
  const real = osKeychain();
  const touched = new Set<string>();
  return {
    get: (account) => real.get(account),
    set: async (account, secret) => {
      touched.add(account);
      await real.set(account, secret);
    },
    delete: (account) => real.delete(account),
    list: () => real.list!(),
    async cleanup() {
      for (const account of touched) {
        await real.delete(account);
        await real.delete(`${account}:pending`);
      }
    },
  };
}

/** Every regular file under a folder (db, -wal, -shm, -journal, anything else). */
export function filesUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}

/** Which files under a folder contain which needle (plain bytes, also UTF-16LE for strings). */
export function findOnDisk(folder: string, needles: Array<string | Buffer>): Array<{ file: string; needle: string }> {
  const hits: Array<{ file: string; needle: string }> = [];
  for (const file of filesUnder(folder)) {
    if (statSync(file).size === 0) continue;
    const content = readFileSync(file);
    for (const needle of needles) {
      const forms = typeof needle === 'string' ? [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')] : [needle];
      if (forms.some((form) => content.includes(form))) hits.push({ file, needle: typeof needle === 'string' ? needle : `<${needle.length} raw bytes>` });
    }
  }
  return hits;
}

/** A batch whose every text field carries a marker string, to look for on disk later. */
export function markedBatch(marker: string, count: number, offset = 0): CacheBatch {
  const machineId = `machine-${marker}`;
  const batch: CacheBatch = {
    machines: [{ id: machineId, computerDnsName: `ws-${marker}.contoso.local`, machineTags: [`tag-${marker}`], ipAddresses: [{ ipAddress: '10.9.8.7', macAddress: `mac-${marker}` }] }],
    alerts: [{ id: `alert-${marker}`, title: `Alert ${marker}`, machineId, evidence: [{ entityType: 'File', fileName: `evidence-${marker}.exe`, sha1: `sha1${marker}` }] }],
    processEvents: [],
    networkEvents: [],
    checkpoints: [{ stream: 'processEvents', cursor: `cursor-${marker}-${offset}` }],
  };
  for (let i = offset; i < offset + count; i++) {
    batch.processEvents!.push({
      Timestamp: new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString(),
      DeviceId: machineId,
      ReportId: i,
      FileName: `proc-${marker}.exe`,
      FolderPath: `C:\\Users\\${marker}\\AppData`,
      ProcessCommandLine: `proc-${marker}.exe --secret ${marker} ${i}`,
      SHA1: `sha1${marker}`,
      AccountName: `user-${marker}`,
      AdditionalFields: { note: `additional-${marker}` },
    });
    batch.networkEvents!.push({ Timestamp: new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString(), DeviceId: machineId, ReportId: i, RemoteUrl: `https://${marker}.example.net/path`, RemoteIP: '198.51.100.7' });
  }
  return batch;
}

/** Runs a TypeScript child script (tsx) with the same D-Bus session and keyring. */
export function spawnChild(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(here, 'children', script), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Everything a child printed so far, kept per child so no line is lost between two waits. */
const received = new WeakMap<ChildProcess, { lines: string[]; partial: string; stderr: string; waiters: Set<() => void> }>();

function output(child: ChildProcess) {
  let log = received.get(child);
  if (!log) {
    const created = { lines: [] as string[], partial: '', stderr: '', waiters: new Set<() => void>() };
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (created.partial + chunk.toString()).split('\n');
      created.partial = parts.pop() ?? '';
      created.lines.push(...parts);
      for (const wake of created.waiters) wake();
    });
    child.stderr?.on('data', (chunk: Buffer) => (created.stderr += chunk.toString()));
    received.set(child, created);
    log = created;
  }
  return log;
}

/**
 * Resolves with the first stdout line after those already matched by earlier waits that
 * matches, or rejects if the child exits first. Two lines arriving in one chunk are both seen.
 */
export function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  const log = output(child);
  return new Promise((resolve, reject) => {
    const check = () => {
      const index = log.lines.findIndex((candidate) => pattern.test(candidate));
      if (index < 0) return;
      const [line] = log.lines.splice(0, index + 1).slice(-1);
      log.waiters.delete(check);
      resolve(line!);
    };
    log.waiters.add(check);
    check();
    child.once('exit', (code, signal) => {
      log.waiters.delete(check);
      reject(new Error(`child exited (${code ?? signal}) before printing ${pattern}: ${log.stderr}`));
    });
  });
}

export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** What `secret-tool search --all service Outpost` prints. */
export function secretToolSearch(): string {
  const result = spawnSync('secret-tool', ['search', '--all', 'service', 'Outpost'], { encoding: 'utf8' });
  return `${result.stdout}\n${result.stderr}`;
}
