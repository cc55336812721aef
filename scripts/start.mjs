#!/usr/bin/env node
// `npm start`: the Electron app when its runtime is installed; otherwise browser mode,
// which prints `Outpost ready: <url>` and opens Chromium in app mode when one is present
// (`--no-open` or OUTPOST_NO_OPEN=1 keeps it closed).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package exports the path of its downloaded binary.
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

if (!existsSync(new URL('../dist/cli.mjs', import.meta.url))) {
  process.stderr.write('outpost: not built yet; run `npm run build` (npm install does it).\n');
  process.exit(1);
}

const electron = args.includes('--browser') ? null : electronBinary();
if (electron) {
  // The app needs the SQLite engine built for Electron's ABI, beside the Node build.
  if (!existsSync(new URL('../dist/native/electron/better_sqlite3.node', import.meta.url))) {
    const { buildElectronNative } = await import('./electron-native.mjs');
    await buildElectronNative();
  }
  const child = spawn(electron, [root, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const open = !args.includes('--no-open') && process.env.OUTPOST_NO_OPEN !== '1';
  process.argv = [process.argv[0], 'outpost', 'serve', ...(open ? ['--open'] : [])];
  await import('../dist/cli.mjs');
}
