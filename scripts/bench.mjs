#!/usr/bin/env node
// `npm run bench [-- --events N --json ...]`: bundles the suite (bench/run.ts, the cache
// worker and the two child processes of the sync benchmark) with esbuild into
// node_modules/.cache/outpost-bench, then runs it. Bundled, so the cache worker threads
// start as plain JavaScript (from source, each would compile TypeScript through tsx first).
//
// The open and wipe benchmarks read and destroy a key in the OS keychain. Without a D-Bus
// session, this script starts a private one with an unlocked gnome-keyring (as npm test
// does); where that is impossible the suite uses an in-memory keychain and says so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.OUTPOST_BENCH_NO_SESSION && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const keyring = mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-keyring-'));
  const inner = 'eval "$(printf outpost-bench | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL; exec "$0" "$@"';
  const child = spawn('dbus-run-session', ['--', 'sh', '-c', inner, process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, XDG_DATA_HOME: keyring, OUTPOST_BENCH_NO_SESSION: '1' },
  });
  // dbus-daemon chatters on stderr; the rest goes through.
  child.stderr.on('data', (chunk) => {
    const text = chunk.toString().split('\n').filter((line) => !line.startsWith('dbus-daemon[')).join('\n');
    if (text.trim()) process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  });
  child.on('exit', (code, signal) => {
    rmSync(keyring, { recursive: true, force: true });
    process.exit(signal ? 1 : (code ?? 1));
  });
} else {
  const { build } = await import('esbuild');
  const out = path.join(root, 'node_modules', '.cache', 'outpost-bench');
  await build({
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
    outdir: out,
    entryPoints: {
      run: 'bench/run.ts',
      'cache-worker': 'main/services/cache/worker.ts',
      emulator: 'bench/children/emulator.ts',
      'sync-client': 'bench/children/sync-client.ts',
    },
  });
  if (!existsSync(path.join(out, 'run.mjs'))) throw new Error('the benchmark bundle was not built');
  const child = spawn(process.execPath, ['--max-old-space-size=4096', path.join(out, 'run.mjs'), ...args], { stdio: 'inherit', cwd: root });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
}
