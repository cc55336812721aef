// Runs one keychain call in whatever D-Bus session this process was started in, and
// prints the outcome as JSON: {"ok":true,"value":...} or {"ok":false,"code":...,"message":...}.
import { osKeychain } from '../../../main/services/keychain';

const [action, account, secret] = process.argv.slice(2) as ['get' | 'set' | 'delete' | 'list', string, string | undefined];
const keychain = osKeychain();
try {
  const value = action === 'get' ? await keychain.get(account) : action === 'set' ? await keychain.set(account, secret ?? '') : action === 'delete' ? await keychain.delete(account) : await keychain.list!();
  console.log(JSON.stringify({ ok: true, value: value ?? null }));
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  console.log(JSON.stringify({ ok: false, code, message }));
}
