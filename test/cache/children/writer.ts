// A sync writer that never stops: opens the tenant's cache and commits big marked batches
// until it is killed. Prints "committed <n>" after each commit, "writing <n>" before.
import { openTenantCache } from '../../../main/services/cache';
import { osKeychain } from '../../../main/services/keychain';
import { markedBatch } from '../helpers';

const [home, tenantId, marker] = process.argv.slice(2) as [string, string, string];
const cache = await openTenantCache({ home, tenantId, region: 'eu', keychain: osKeychain(), create: 'if-missing' });
for (let round = 0; ; round++) {
  console.log(`writing ${round}`);
  await cache.write(markedBatch(`${marker}${round}`, 20_000, round * 20_000));
  console.log(`committed ${round}`);
}
