import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clouds, geos, type Cloud, type Geo } from '../services/tenant/clouds';
import { listProfiles, saveProfile, endpointsOf } from '../services/tenant/profiles';
import { cliContext } from './context';
import { demoProfileInput } from './demo';

interface AddOptions {
  demo?: boolean;
  name?: string;
  tenantId?: string;
  cloud?: string;
  geo?: string;
  clientId?: string;
  appClientId?: string;
  loginHost?: string;
  apiHost?: string;
  ca?: string;
  retentionDays?: number;
  replace?: boolean;
  json?: boolean;
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('tenant profiles: which tenant, which cloud and region, which app registration');

  tenant
    .command('add')
    .description('add a tenant profile (or --demo for the built-in demo tenant)')
    .option('--demo', 'the demo tenant, served by the emulator (profile "demo")')
    .option('--name <name>', 'the profile name used with --tenant')
    .option('--tenant-id <id>', 'the Entra ID tenant id')
    .option('--cloud <cloud>', `one of ${clouds.join(', ')}`, 'commercial')
    .option('--geo <geo>', `commercial geo: ${geos.join(', ')}`)
    .option('--client-id <id>', "the app registration's (public) client id")
    .option('--app-client-id <id>', 'a confidential client id, for client-credentials pre-staging')
    .option('--login-host <host>', 'a private sign-in endpoint (https)')
    .option('--api-host <host>', 'a private API endpoint (https)')
    .option('--ca <file>', 'a PEM CA certificate to trust for this profile only')
    .option('--retention-days <days>', 'retention set by your administrator (30-180)', (v) => Number.parseInt(v, 10))
    .option('--replace', 'replace an existing profile of that name (same region only)')
    .option('--json', 'print the profile as JSON')
    .action(async (options: AddOptions) => {
      const context = cliContext();
      const input = options.demo
        ? demoProfileInput()
        : {
            name: options.name ?? '',
            tenantId: options.tenantId ?? '',
            cloud: options.cloud as Cloud,
            geo: (options.geo as Geo | undefined) ?? null,
            clientId: options.clientId ?? '',
            appClientId: options.appClientId,
            loginHost: options.loginHost,
            apiHost: options.apiHost,
            caPem: options.ca ? readFileSync(options.ca, 'utf8') : undefined,
            policy: options.retentionDays ? { retentionDays: options.retentionDays } : {},
            createdAt: new Date().toISOString(),
          };
      const profile = await saveProfile(context.home, input, { replace: options.replace === true || options.demo === true });
      const { region } = endpointsOf(profile);
      if (options.json) console.log(JSON.stringify({ ...profile, caPem: profile.caPem ? '(set)' : undefined, region: region.id }));
      else console.log(`Tenant ${profile.name} (${profile.tenantId}), region ${region.id}${profile.demo ? ', demo' : ''}.`);
    });

  tenant
    .command('list')
    .description('the tenant profiles on this machine')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const profiles = await listProfiles(cliContext().home);
      const rows = profiles.map((p) => ({ name: p.name, tenantId: p.tenantId, region: endpointsOf(p).region.id, demo: p.demo }));
      if (options.json) console.log(JSON.stringify(rows));
      else if (rows.length === 0) console.log('No tenant profiles yet. Add one with `outpost tenant add` (or --demo).');
      else for (const row of rows) console.log(`${row.name}\t${row.tenantId}\t${row.region}${row.demo ? '\tdemo' : ''}`);
    });
}
