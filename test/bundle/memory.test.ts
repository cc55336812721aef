import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workDir } from './fixtures';

const runner = fileURLToPath(new URL('./memory-run.ts', import.meta.url));
const tsx = join(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)));
// ~210 MB of row JSON by default: enough that reading the whole payload ahead would show.
const rows = Number(process.env.OUTPOST_BUNDLE_MEMORY_ROWS ?? 500_000);
const boundMiB = 320;

function phase(name: 'seal' | 'open', file: string): { rows: number; bytes: number; peakRssMiB: number } {
  const run = spawnSync(tsx, [runner, name, file, String(rows)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  expect(run.status, run.stderr).toBe(0);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  console.log(`bundle memory: ${line}`);
  return JSON.parse(line) as { rows: number; bytes: number; peakRssMiB: number };
}

describe('bundle memory', () => {
  it(`seals and opens ${rows} rows with flat memory, each phase in its own process`, { timeout: 240_000 }, () => {
    const file = join(workDir(), 'large.outpost');
    const sealed = phase('seal', file);
    const opened = phase('open', file);
    expect(sealed.rows).toBe(rows);
    expect(opened.rows).toBe(rows);
    expect(sealed.peakRssMiB).toBeLessThan(boundMiB);
    expect(opened.peakRssMiB).toBeLessThan(boundMiB);
  });
});
