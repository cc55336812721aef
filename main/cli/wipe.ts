import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { OutpostError } from '../../contract';
import { wipeTenant } from '../services/operations/wipe-tenant';
import { sweepOrphanKeys } from '../services/policy/wipe';
import { cliContext, profileNamed } from './context';

async function confirmed(name: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`This erases every piece of evidence of tenant ${name} on this machine, unrecoverably. Type the tenant name to confirm: `);
  rl.close();
  return answer.trim() === name;
}

export function registerWipeCommand(program: Command): void {
  program
    .command('wipe')
    .description("erase a tenant's cache: its key in the keychain first, then the files; a receipt is kept")
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--yes', 'do not ask (for scripts)')
    .option('--json', 'print the receipt as JSON')
    .action(async (options: { tenant: string; yes?: boolean; json?: boolean }) => {
      const context = cliContext();
      const profile = await profileNamed(context, options.tenant);
      if (!options.yes && !(await confirmed(profile.name))) {
        throw new OutpostError('BAD_REQUEST', 'Not confirmed; nothing was wiped. Use --yes in scripts.');
      }
      const receipt = await wipeTenant({ home: context.home, keychain: context.keychain, profile, reason: options.yes ? 'script' : 'analyst' });
      if (options.json) console.log(JSON.stringify(receipt));
      else console.log(`Wiped tenant ${profile.name}: ${receipt.bytesRemoved} bytes removed, key ${receipt.keyDestroyed ? 'destroyed' : 'destroyed at next keychain unlock'}; receipt kept.`);
      // Keys a locked keychain kept from an earlier wipe go now, if it is unlocked.
      await sweepOrphanKeys(context.home, context.keychain).catch(() => 0);
    });
}
