#!/usr/bin/env node
// The `outpost` command: runs the built CLI bundle (built on `npm install`, or `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('outpost: the CLI is not built yet. Run `npm run build` (npm install does it too).\n');
  process.exit(1);
}
await import(bundle);
