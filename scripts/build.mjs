#!/usr/bin/env node
// Builds everything `npm start`, the CLI and the packaged app run: the Node bundles with
// esbuild, the renderer with Vite. Runs on `npm install` (prepare) so a fresh clone works.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { rmSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: false,
  logLevel: quiet ? 'warning' : 'info',
  legalComments: 'none',
};

rmSync('dist', { recursive: true, force: true });
await Promise.all([
  esbuild({ ...node, entryPoints: { cli: 'main/cli/bin.ts', 'cache-worker': 'main/services/cache/worker.ts' }, outdir: 'dist', format: 'esm', outExtension: { '.js': '.mjs' } }),
  esbuild({ ...node, entryPoints: { main: 'main/shell/main.ts' }, outdir: 'dist/electron', format: 'esm', outExtension: { '.js': '.mjs' }, external: ['electron'] }),
  // A sandboxed preload can require nothing but 'electron': the contract is bundled in.
  esbuild({ ...node, packages: undefined, minify: true, entryPoints: { preload: 'preload/preload.ts' }, outdir: 'dist/electron', format: 'cjs', platform: 'browser', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
]);
await vite({ configFile: 'vite.config.ts', logLevel: quiet ? 'warn' : 'info' });
