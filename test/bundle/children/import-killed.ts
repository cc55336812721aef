/**
 * Imports a bundle and stops dead after the first batch is appended to the open
 * transaction, printing "appended N"; the test kills this process there.
 *
 *   node --import tsx import-killed.ts HOME KEYS.json BUNDLE PASSPHRASE
 */
import { readFileSync } from 'node:fs';
import { memoryKeychain } from '../../../main/services/keychain';
import { importBundle } from '../transfer-helpers';

const [home, keys, file, passphrase] = process.argv.slice(2);
if (!home || !keys || !file || !passphrase) throw new Error('usage: import-killed.ts HOME KEYS BUNDLE PASSPHRASE');
const keychain = memoryKeychain(JSON.parse(readFileSync(keys, 'utf8')) as Record<string, string>);
await importBundle({ home, keychain }, file, {
  passphrase,
  onAppended: async (rows) => {
    process.stdout.write(`appended ${rows}\n`);
    await new Promise(() => undefined); // hold the transaction open until killed
  },
});
