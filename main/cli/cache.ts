import type { Command } from 'commander';
import { recordAudit } from '../services/audit/audit';
import { openTenantCache, rekeyTenantCache, type CacheInfo } from '../services/cache';
import { findProfile } from '../services/tenant/profiles';
import { cliContext, type CliContext } from './context';

/** --tenant takes a profile name or a tenant id: the cache is keyed by tenant id. */
async function tenantIdOf(context: CliContext, tenant: string): Promise<string> {
  const profile = await findProfile(context.home, tenant).catch(() => null);
  return profile?.tenantId ?? tenant;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function printInfo(info: CacheInfo): void {
  console.log(`Cache of tenant ${info.tenantId} (region ${info.region || 'unknown'})`);
  console.log(`  path:    ${info.path}`);
  console.log(`  size:    ${formatBytes(info.sizeBytes)}`);
  console.log(`  cipher:  ${info.cipher}`);
  console.log(`  schema:  ${info.schemaVersion} (this Outpost knows ${info.latestSchemaVersion})`);
  console.log(`  created: ${info.createdAt} by Outpost ${info.createdByVersion}`);
  console.log('  rows:');
  for (const [table, rows] of Object.entries(info.rowCounts)) console.log(`    ${table.padEnd(22)} ${rows}`);
}

/** `outpost cache info|rekey`: look at a tenant's encrypted cache, or give it a fresh key. */
export function registerCacheCommands(program: Command): void {
  const cache = program.command('cache').description("a tenant's encrypted cache");

  cache
    .command('info')
    .description('where the cache is, how big, how it is encrypted, its schema version and rows per table (no secrets)')
    .requiredOption('--tenant <tenant>', 'tenant profile name or tenant id')
    .option('--json', 'print as JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const context = cliContext();
      const client = await openTenantCache({ ...context, tenantId: await tenantIdOf(context, options.tenant), create: false, readers: 1 });
      try {
        const info = await client.info();
        if (options.json) console.log(JSON.stringify(info));
        else printInfo(info);
      } finally {
        await client.close();
      }
    });

  cache
    .command('rekey')
    .description('re-encrypt the cache under a fresh key and replace its key in the OS keychain (safe to interrupt)')
    .requiredOption('--tenant <tenant>', 'tenant profile name or tenant id')
    .action(async (options: { tenant: string }) => {
      const context = cliContext();
      const tenantId = await tenantIdOf(context, options.tenant);
      await rekeyTenantCache({ ...context, tenantId });
      const rekeyed = await openTenantCache({ ...context, tenantId, create: false });
      await recordAudit(rekeyed, 'rekey', null, null).finally(() => rekeyed.close());
      console.log(`The cache of tenant ${tenantId} is now encrypted under a new key; the old key no longer opens it.`);
    });
}
