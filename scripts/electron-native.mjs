#!/usr/bin/env node
// Builds the SQLite engine for Electron's ABI into dist/native/electron, from a copy of the
// package, so the Node-ABI build in node_modules (tests, CLI, browser mode) is untouched.
// The shell points better-sqlite3's `nativeBinding` option at it (OUTPOST_SQLITE_BINDING).
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const moduleName = 'better-sqlite3-multiple-ciphers';

export async function buildElectronNative() {
  const electronVersion = require('electron/package.json').version;
  const work = path.resolve('node_modules/.cache/electron-native');
  const target = path.resolve('dist/native/electron/better_sqlite3.node');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  cpSync(path.dirname(require.resolve(`${moduleName}/package.json`)), path.join(work, 'node_modules', moduleName), { recursive: true });
  const { rebuild } = require('@electron/rebuild');
  await rebuild({ buildPath: work, electronVersion, onlyModules: [moduleName], force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(path.join(work, 'node_modules', moduleName, 'build/Release/better_sqlite3.node'), target);
  return target;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(path.resolve('node_modules/electron/package.json'))) {
    console.error('electron-native: the Electron runtime is not installed (npm drops it where its download fails).');
    process.exit(1);
  }
  console.log(`electron-native: ${await buildElectronNative()}`);
}
