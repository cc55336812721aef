#!/usr/bin/env node
// `npm run dist`: installers for Linux (AppImage, deb), Windows (NSIS) and macOS (dmg), each
// on its own platform. Needs the Electron runtime, which `npm install` fetches where it can.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildElectronNative } from './electron-native.mjs';

if (!existsSync('node_modules/electron/package.json')) {
  console.error('dist: the Electron runtime is not installed here (its download failed, so npm dropped the optional');
  console.error('dependency). Run `npm install` on a machine that can reach Electron\'s release downloads.');
  process.exit(1);
}
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
await buildElectronNative();
execFileSync('npx', ['electron-builder', '--config', 'build/electron-builder.yml', ...process.argv.slice(2)], { stdio: 'inherit' });
