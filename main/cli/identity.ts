import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { OutpostError } from '../../contract';
import { identityPublic, trustedSigners, trustSigner, untrustSigner } from '../services/identity';
import { osKeychain, type Keychain } from '../services/keychain';

export interface IdentityCommandDeps {
  keychain?: () => Keychain;
  print?: (text: string) => void;
}

/**
 * What `trust add` accepts: the signing key itself, or a file holding it, either as
 * `outpost identity show --json` output or as a line with the key; a file lets people
 * carry the key on the same stick instead of retyping 51 characters.
 */
export function signingKeyArgument(argument: string): string {
  const text = argument.trim();
  if (text.startsWith('ed25519:') || !existsSync(text)) return text;
  const content = readFileSync(text, 'utf8');
  try {
    const parsed = JSON.parse(content) as { signingKey?: unknown };
    if (typeof parsed.signingKey === 'string') return parsed.signingKey;
  } catch {
    // not JSON: look for the key as a line of text below
  }
  const found = /ed25519:[A-Za-z0-9_-]+/.exec(content);
  if (!found) throw new OutpostError('BAD_REQUEST', `${text} holds no Outpost signing key ("ed25519:...").`);
  return found[0];
}

/** `outpost identity show` and `outpost trust add|list|remove`. */
export function registerIdentityCommands(program: Command, deps: IdentityCommandDeps = {}): void {
  const keychain = deps.keychain ?? osKeychain;
  const print = deps.print ?? ((text: string) => console.log(text));

  program
    .command('identity')
    .description("this laptop's bundle identity: the keys others seal to and trust")
    .command('show')
    .description('print the age recipient and the signing key, created on first use (public halves only)')
    .option('--json', 'print {"ageRecipient","signingKey","fingerprint"} as JSON')
    .action(async (options: { json?: boolean }) => {
      const identity = await identityPublic(keychain());
      if (options.json) {
        print(JSON.stringify({ ageRecipient: identity.ageRecipient, signingKey: identity.signingKey, fingerprint: identity.fingerprint }));
        return;
      }
      print(
        [
          `age recipient (exporters seal bundles for this laptop to it): ${identity.ageRecipient}`,
          `signing key (laptops run \`outpost trust add\` with it):       ${identity.signingKey}`,
          `fingerprint (read it out to compare):                         ${identity.fingerprint}`,
        ].join('\n'),
      );
    });

  const trust = program.command('trust').description('the exporting workstations whose bundles this laptop accepts');

  trust
    .command('add')
    .description('trust bundles signed by this key; prints its fingerprint to compare out of band')
    .argument('<pubkey>', 'the signing key ("ed25519:...") or a file with `outpost identity show --json` output')
    .option('--json', 'print as JSON')
    .action(async (pubkey: string, options: { json?: boolean }) => {
      const added = await trustSigner(keychain(), signingKeyArgument(pubkey));
      if (options.json) {
        print(JSON.stringify(added));
        return;
      }
      print(
        `Trusted workstation ${added.fingerprint}.\n` +
          `Compare this fingerprint with what \`outpost identity show\` prints on that workstation, by phone or in person.\n` +
          `If they differ, run \`outpost trust remove ${added.fingerprint}\` at once.`,
      );
    });

  trust
    .command('list')
    .description('list the trusted workstations')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const signers = await trustedSigners(keychain());
      if (options.json) print(JSON.stringify(signers));
      else if (signers.length === 0) print('No workstation is trusted yet: `outpost trust add <pubkey>`.');
      else print(signers.map((signer) => `${signer.fingerprint}  ${signer.signingKey}  (since ${signer.addedAt})`).join('\n'));
    });

  trust
    .command('remove')
    .description('stop trusting a workstation')
    .argument('<key-or-fingerprint>', 'its signing key or fingerprint')
    .action(async (which: string) => {
      const removed = await untrustSigner(keychain(), which);
      if (!removed) throw new OutpostError('NOT_FOUND', `No trusted workstation matches ${which}; see \`outpost trust list\`.`);
      print(`Bundles signed by ${which} are no longer accepted.`);
    });
}
