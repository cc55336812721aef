import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keychainError, keytarApi, osKeychain } from '../../main/services/keychain';

// Real SQLCipher, a real keyring and child processes: slow on a busy machine, never timed.
vi.setConfig({ testTimeout: 240_000 });

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const probe = path.join(here, 'children', 'probe.ts');

interface ProbeResult {
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}

/**
 * The environment for a child with its own D-Bus session and keyring: without the test run's
 * keyring control socket and runtime folder, so whatever its own daemon does (the locked test
 * locks its login collection) can never reach the keyring every other test is using.
 */
function isolated(scratch: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { GNOME_KEYRING_CONTROL: _control, ...env } = process.env;
  return { ...env, XDG_RUNTIME_DIR: scratch, ...extra };
}

/** Runs the probe in a shell command's environment (a fresh D-Bus session, or none). */
function runProbe(shell: string, env: NodeJS.ProcessEnv, ...args: string[]): ProbeResult {
  const command = `${shell} ${[process.execPath, '--import', 'tsx', probe, ...args].map((word) => `'${word}'`).join(' ')}`;
  const result = spawnSync('sh', ['-c', command], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('{'));
  if (!line) throw new Error(`probe printed nothing: ${result.stderr}`);
  return JSON.parse(line) as ProbeResult;
}

describe('the OS keychain (Secret Service under D-Bus)', () => {
  const accounts: string[] = [];
  const account = () => {
    const name = `test:${randomUUID()}`;
    accounts.push(name);
    return name;
  };
  afterEach(async () => {
    for (const name of accounts.splice(0)) await osKeychain().delete(name);
  });

  it('stores, reads, lists and deletes a secret under the service Outpost', async () => {
    const keychain = osKeychain();
    const name = account();
    expect(await keychain.get(name)).toBeNull();
    await keychain.set(name, 'a-secret-value');
    expect(await keychain.get(name)).toBe('a-secret-value');
    expect(await keychain.list!()).toContain(name);
    const listed = spawnSync('secret-tool', ['lookup', 'service', 'Outpost', 'username', name], { encoding: 'utf8' });
    expect(listed.stdout).toBe('a-secret-value');
    expect(await keychain.delete(name)).toBe(true);
    expect(await keychain.delete(name)).toBe(false);
    expect(await keychain.get(name)).toBeNull();
  });

  it("offers keytar's API shape over the same store", async () => {
    const keytar = keytarApi();
    const name = account();
    await keytar.setPassword('Outpost', name, 'via-keytar');
    expect(await keytar.getPassword('Outpost', name)).toBe('via-keytar');
    expect(await keytar.findCredentials('Outpost')).toContainEqual({ account: name, password: 'via-keytar' });
    expect(await keytar.deletePassword('Outpost', name)).toBe(true);
    await expect(keytar.getPassword('SomeoneElse', name)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('without a usable keychain', () => {
  let scratch: string;
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('says KEYCHAIN_UNAVAILABLE, naming what to install, on a D-Bus session with no keyring daemon', () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'outpost-bare-dbus-'));
    // A session bus that can start no services: nothing provides org.freedesktop.secrets.
    const config = path.join(scratch, 'bare-session.conf');
    writeFileSync(config, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${scratch}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`);
    for (const action of ['get', 'set', 'list'] as const) {
      const result = runProbe(`dbus-run-session --config-file=${config} --`, isolated(scratch), action, 'test:nobody', 'secret');
      expect(result, action).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
      expect(result.message).toMatch(/gnome-keyring/);
      expect(result.message).toMatch(/D-Bus/);
      expect(result.message).not.toContain('secret');
    }
  });

  it('says KEYCHAIN_UNAVAILABLE with no D-Bus session at all, and never falls back to another store', () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'outpost-no-dbus-'));
    const env = isolated(scratch, { DBUS_SESSION_BUS_ADDRESS: '' });
    const set = runProbe('', env, 'set', 'test:nowhere', 'secret');
    expect(set).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    const get = runProbe('', env, 'get', 'test:nowhere');
    expect(get).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('says KEYCHAIN_LOCKED when the keyring is locked', () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'outpost-locked-'));
    const env = isolated(scratch, { XDG_DATA_HOME: scratch });
    const lock = `gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null`;
    const node = `'${process.execPath}' --import tsx '${probe}'`;
    const script = `eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null; ${node} set test:locked secret >/dev/null; ${lock}; ${node} get test:locked`;
    const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
    const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('{'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ ok: false, code: 'KEYCHAIN_LOCKED' });
  });

  it('maps native failures to codes without echoing them', () => {
    expect(keychainError(new Error('Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'), 'x').code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(keychainError(new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed"), 'x').code).toBe('KEYCHAIN_LOCKED');
    expect(keychainError(new Error('zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object'), 'x').code).toBe('KEYCHAIN_LOCKED');
    expect(keychainError(new Error('weird 0123abcd'), 'x').message).not.toContain('0123abcd');
  });
});
