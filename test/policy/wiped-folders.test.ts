// A wipe renames the tenant's cache folder to caches/.wiped-* and deletes it in the
// background; a process that ends first leaves it behind. Start-up deletes those leftovers,
// in the workstation and in every CLI command, and nothing else.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext } from '../../main/app-context';
import { memoryKeychain } from '../../main/services/keychain';
import { openDataFolder } from '../../main/services/workspace/data-folder';
import { repoRoot, tempHome } from '../cache/helpers';

const bundle = path.join(repoRoot, 'dist/cli.mjs');
const runners: Array<[string, string[]]> = [['from source', ['--import', 'tsx', path.join(repoRoot, 'main/cli/bin.ts')]]];
if (existsSync(bundle)) runners.push(['bundled', [bundle]]);

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A data folder with one tenant's cache and what an interrupted wipe left beside it. */
function homeWithLeftover(files = 3) {
  const { home, remove } = tempHome();
  cleanups.push(remove);
  const tenant = path.join(home, 'caches', '4f1c2a9e-1b6d-4c1e-9f3a-7a2b5c8d0e11');
  const wiped = path.join(home, 'caches', `.wiped-${randomBytes(8).toString('hex')}`);
  mkdirSync(tenant, { recursive: true });
  const tenantBytes = randomBytes(4096);
  writeFileSync(path.join(tenant, 'cache.db'), tenantBytes);
  mkdirSync(wiped, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(wiped, i === 0 ? 'cache.db' : `cache.db-${i}`), randomBytes(4096));
  return {
    home,
    wiped,
    tenantUntouched: () => existsSync(tenant) && readFileSync(path.join(tenant, 'cache.db')).equals(tenantBytes),
  };
}

describe('start-up deletes what interrupted wipes left', () => {
  it('the workstation: the leftover .wiped-* folder goes, the tenant folder stays as it was', async () => {
    const data = homeWithLeftover();
    const context = createAppContext('browser', { env: { OUTPOST_HOME: data.home }, keychain: memoryKeychain() });
    await context.dataFolderOpened;
    expect(existsSync(data.wiped)).toBe(false);
    expect(data.tenantUntouched()).toBe(true);
  });

  it.each(runners)('a CLI command (%s): the leftover is gone once it has exited', { timeout: 120_000 }, (_name, runner) => {
    const data = homeWithLeftover();
    const run = spawnSync(process.execPath, [...runner, 'tenant', 'list', '--json'], {
      cwd: repoRoot,
      env: { ...process.env, OUTPOST_HOME: data.home },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(existsSync(data.wiped)).toBe(false);
    expect(data.tenantUntouched()).toBe(true);
  });

  it('two processes starting at once both finish, and the leftover is gone', async () => {
    const data = homeWithLeftover(400);
    await Promise.all([openDataFolder(data.home), openDataFolder(data.home), openDataFolder(data.home)]);
    expect(existsSync(data.wiped)).toBe(false);
    expect(data.tenantUntouched()).toBe(true);
  });

  it('a data folder with no caches yet, or none at all, is fine', async () => {
    const { home, remove } = tempHome();
    cleanups.push(remove);
    await expect(openDataFolder(home)).resolves.toBeUndefined();
    await expect(openDataFolder(path.join(home, 'not-made-yet'))).resolves.toBeUndefined();
  });
});
