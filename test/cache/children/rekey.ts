// Rekeys a tenant's cache; with a step name, kills itself (SIGKILL) right after that step.
import { rekeyTenantCache } from '../../../main/services/cache';
import { osKeychain } from '../../../main/services/keychain';

const [home, tenantId, killAfter] = process.argv.slice(2) as [string, string, string | undefined];
console.log('rekeying');
await rekeyTenantCache({
  home,
  tenantId,
  keychain: osKeychain(),
  onStep(step) {
    console.log(`step ${step}`);
    if (step === killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
console.log('rekeyed');
