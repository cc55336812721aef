import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/*
 * The benchmark suite still runs: a few thousand events, no browser and no end-to-end sync
 * (those are the full run's), every row well formed. The figures are never asserted here:
 * `npm run bench` is where targets are judged.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('npm run bench -- --events 5000 --json prints one well-formed row per benchmark', () => {
  const run = spawnSync(process.execPath, ['scripts/bench.mjs', '--events', '5000', '--json', '--skip', 'browser,sync', '--iterations', '20'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 280_000,
    env: { ...process.env, OUTPOST_BENCH_NO_SESSION: '1' },
  });
  expect(run.status, run.stderr).toBe(0);
  const rows = run.stdout.split('\n').filter((line) => line.trim().startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const names = rows.map((r) => String(r.name));
  expect(names.some((name) => /ingest/i.test(name))).toBe(true);
  for (const part of [/^pivot /, /^search/, /^open/, /^purge/, /^wipe/]) expect(names.some((name) => part.test(name)), String(part)).toBe(true);
  for (const r of rows) {
    expect(typeof r.name).toBe('string');
    expect(r.value === null || typeof r.value === 'number').toBe(true);
    expect(typeof r.unit).toBe('string');
    expect(typeof r.target).toBe('string');
    expect(typeof r.met).toBe('boolean');
    if ('ratio' in r) expect(r.ratio === null || typeof r.ratio === 'number').toBe(true);
    if ('baseline' in r) expect(r.baseline === null || typeof r.baseline === 'number').toBe(true);
  }
  const ingest = rows.find((r) => /ingest/i.test(String(r.name)))!;
  expect(typeof ingest.ratio).toBe('number');
  expect(typeof ingest.baseline).toBe('number');
}, 300_000);
