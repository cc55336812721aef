import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerIdentityCommands } from '../../main/cli/identity';
import { identityAccounts, identityPublic } from '../../main/services/identity';
import { memoryKeychain, osKeychain } from '../../main/services/keychain';

/**
 * Against the real OS keychain (the test script runs a private gnome-keyring). The
 * identity accounts have fixed names, so whatever was there is put back afterwards.
 */
const keychain = osKeychain();
const saved = new Map<string, string | null>();

beforeAll(async () => {
  for (const account of Object.values(identityAccounts)) saved.set(account, await keychain.get(account));
});

afterAll(async () => {
  for (const [account, value] of saved) {
    if (value === null) await keychain.delete(account);
    else await keychain.set(account, value);
  }
});

async function run(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const program = new Command('outpost').exitOverride();
  registerIdentityCommands(program, { keychain: () => keychain, print: (text) => lines.push(text) });
  await program.parseAsync(['node', 'outpost', ...args]);
  return lines.join('\n');
}

describe('outpost identity and trust, on the OS keychain', () => {
  it('identity show --json prints exactly the public halves, the same each time', async () => {
    const shown = JSON.parse(await run('identity', 'show', '--json')) as Record<string, string>;
    expect(Object.keys(shown)).toEqual(['ageRecipient', 'signingKey', 'fingerprint']);
    expect(shown.ageRecipient).toMatch(/^age1/);
    expect(JSON.parse(await run('identity', 'show', '--json'))).toEqual(shown);
    const secret = await keychain.get(identityAccounts.age);
    expect(secret?.startsWith('AGE-SECRET-KEY-1')).toBe(true);
    expect(await run('identity', 'show')).not.toContain('AGE-SECRET-KEY');
  });

  it('trust add prints the fingerprint to compare and the key lands in the keychain store', async () => {
    const exporter = await identityPublic(memoryKeychain());
    const printed = await run('trust', 'add', exporter.signingKey);
    expect(printed).toContain(exporter.fingerprint);
    expect(await keychain.get(identityAccounts.trustedSigners)).toContain(exporter.signingKey);
    const listed = JSON.parse(await run('trust', 'list', '--json')) as Array<{ fingerprint: string }>;
    expect(listed.map((signer) => signer.fingerprint)).toContain(exporter.fingerprint);

    // the JSON that `identity show --json` prints on the exporter, carried as a file
    const other = await identityPublic(memoryKeychain());
    const file = join(mkdtempSync(join(tmpdir(), 'outpost-trust-')), 'workstation.json');
    writeFileSync(file, JSON.stringify(other));
    expect(await run('trust', 'add', file)).toContain(other.fingerprint);

    await run('trust', 'remove', exporter.fingerprint);
    const after = JSON.parse(await run('trust', 'list', '--json')) as Array<{ fingerprint: string }>;
    expect(after.map((signer) => signer.fingerprint)).toEqual([other.fingerprint]);
  });
});
