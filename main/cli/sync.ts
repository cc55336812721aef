import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { recordAudit } from '../services/audit/audit';
import { cachePaths } from '../services/cache';
import { OutpostError } from '../../contract';
import { connectTenant, type TenantConnection } from '../services/tenant/connect';
import type { TenantProfile } from '../services/tenant/profiles';
import type { DeviceCodePrompt, SignInMethod } from '../services/tenant/sign-in';
import type { SyncProgress } from '../services/sync/progress';
import { syncTenant } from '../services/operations/sync-tenant';
import { openTenant } from '../services/operations/open-tenant';
import { signOutTenant } from '../services/operations/sign-out';
import { tenantCacheStatus } from '../services/operations/tenant-status';
import { cliContext, list, profileNamed, type CliContext } from './context';
import { startDemoTenant, type DemoTenant } from './demo';
import { openSystemBrowser } from './system-browser';

/** A profile ready to connect: the demo one gets its emulator for as long as the command runs. */
async function reachable(context: CliContext, name: string): Promise<{ profile: TenantProfile; demo: DemoTenant | null }> {
  const profile = await profileNamed(context, name);
  if (profile.feed === 'bundle') {
    throw new OutpostError('SYNC_DISABLED', `Tenant ${profile.name} is fed by bundles on this laptop (it was created by \`outpost bundle import\`): it is not synced here. Import a newer bundle exported from a connected workstation; status and investigation work as usual.`);
  }
  if (!profile.demo) return { profile, demo: null };
  const demo = await startDemoTenant(profile);
  return { profile: demo.profile, demo };
}

function printDeviceCode(prompt: DeviceCodePrompt): void {
  process.stderr.write(`To sign in, open ${prompt.verificationUri} and enter the code ${prompt.userCode}\n`);
}

async function signIn(connection: TenantConnection, method: SignInMethod, clientSecret?: string): Promise<void> {
  if (method === 'client-credentials') return connection.signIn.signInWithClientCredentials(clientSecret);
  if (method === 'browser') return connection.signIn.signInWithBrowser(openSystemBrowser);
  return connection.signIn.signInWithDeviceCode(printDeviceCode);
}

/** Checks the stored sign-in; the demo tenant signs in again by itself (device code, auto-approved). */
async function ensureSignedIn(connection: TenantConnection, demo: boolean): Promise<void> {
  try {
    await connection.signIn.accessToken(false);
  } catch (error) {
    if (!(error instanceof OutpostError) || error.code !== 'SIGN_IN_REQUIRED' || !demo) throw error;
    await connection.signIn.signOut();
    await connection.signIn.signInWithDeviceCode(printDeviceCode);
  }
}

function progressPrinter(): (progress: SyncProgress) => void {
  const tty = process.stderr.isTTY === true;
  let last: SyncProgress | null = null;
  const format = (p: SyncProgress) => {
    const of = p.expected !== null ? `/${p.expected}` : '';
    const eta = p.etaSeconds !== null && p.phase !== 'done' ? `, eta ${p.etaSeconds}s` : '';
    const waits = p.retries || p.throttledSeconds ? `, ${p.retries} retries, ${p.throttledSeconds}s throttled` : '';
    return `${p.phase}${p.detail ? ` ${p.detail}` : ''}: ${p.done}${of} (${p.rate}/s${eta}${waits})`;
  };
  return (p) => {
    // A terminal gets a live bar; a log gets one line per finished step.
    if (tty) process.stderr.write(`\r\x1b[2K${format(p)}`);
    else if (last && (last.phase !== p.phase || last.detail !== p.detail)) process.stderr.write(`${format(last)}\n`);
    last = p;
  };
}

export function registerSyncCommands(program: Command): void {
  program
    .command('login')
    .description('sign in to a tenant (device code by default); the refresh token goes to the keychain')
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--device-code', 'show a code to enter at the sign-in page (default)')
    .option('--browser', 'sign in through the system browser (authorization code + PKCE, loopback redirect)')
    .option('--client-credentials', "the app registration's secret, for unattended pre-staging")
    .option('--client-secret-env <var>', 'read the client secret from this environment variable', 'OUTPOST_CLIENT_SECRET')
    .action(async (options: { tenant: string; browser?: boolean; clientCredentials?: boolean; clientSecretEnv: string }) => {
      const context = cliContext();
      const { profile, demo } = await reachable(context, options.tenant);
      const connection = connectTenant(profile, context.keychain);
      try {
        const method: SignInMethod = options.clientCredentials ? 'client-credentials' : options.browser ? 'browser' : 'device-code';
        const secret = method === 'client-credentials' ? (process.env[options.clientSecretEnv] ?? (demo ? demo.emulator.registration.confidentialClientSecret : undefined)) : undefined;
        await signIn(connection, method, secret);
        if (existsSync(cachePaths(context.home, profile.tenantId).database)) {
          const { cache } = await openTenant({ ...context, profile, purpose: 'sync' });
          await recordAudit(cache, 'sign-in', profile.name, { method });
          await cache.close();
        }
        console.log(`Signed in to ${profile.name} (${method}).`);
      } finally {
        connection.close();
        await demo?.close();
      }
    });

  program
    .command('logout')
    .description("sign out of a tenant: forget its refresh token; wipe its cache too when asked or when the tenant's policy says so")
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--wipe', "wipe the tenant's cache too (key first, then files); without it the cache stays readable offline")
    .action(async (options: { tenant: string; wipe?: boolean }) => {
      const context = cliContext();
      const profile = await profileNamed(context, options.tenant);
      // 'sync' opens a cache locked for being offline too long: the sign-out is still audited in it.
      const opened = existsSync(cachePaths(context.home, profile.tenantId).database)
        ? await openTenant({ ...context, profile, purpose: 'sync' })
        : null;
      try {
        const outcome = await signOutTenant({ home: context.home, keychain: context.keychain, profile, cache: opened?.cache ?? null, wipe: options.wipe === true });
        if (!outcome.wiped) console.log(`Signed out of ${profile.name}${opened ? '; its cache stays readable offline' : ''}.`);
        else console.log(`Signed out of ${profile.name}; its cache was wiped${options.wipe ? '' : ', as its policy requires'}.`);
      } finally {
        await opened?.cache.close();
      }
    });

  program
    .command('sync')
    .description('sync the scoped telemetry and alerts of a tenant into its encrypted cache')
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--groups <names>', 'device groups (comma-separated names or ids)', list)
    .option('--machines <ids>', 'machines (comma-separated ids or host names)', list)
    .option('--days <n>', 'days of hunting data (1-30)', (v) => Number.parseInt(v, 10))
    .option('--severity <levels>', 'alert severities (comma-separated)', list)
    .option('--status <states>', 'alert statuses (comma-separated)', list)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { tenant: string; groups?: string[]; machines?: string[]; days?: number; severity?: string[]; status?: string[]; json?: boolean }) => {
      const context = cliContext();
      const { profile, demo } = await reachable(context, options.tenant);
      const connection = connectTenant(profile, context.keychain);
      const controller = new AbortController();
      const cancel = () => controller.abort();
      process.once('SIGINT', cancel);
      process.once('SIGTERM', cancel);
      try {
        await ensureSignedIn(connection, profile.demo);
        const { cache } = await openTenant({ ...context, profile, create: 'if-missing', purpose: 'sync' });
        try {
          const scopeGiven = options.groups || options.machines || options.days || options.severity || options.status;
          const summary = await syncTenant({
            home: context.home,
            keychain: context.keychain,
            connection,
            cache,
            scope: scopeGiven
              ? { groups: options.groups ?? [], machines: options.machines ?? [], days: options.days ?? 30, severities: options.severity as never, statuses: options.status as never }
              : undefined,
            signal: controller.signal,
            onProgress: progressPrinter(),
          });
          if (process.stderr.isTTY) process.stderr.write('\n');
          if (options.json) console.log(JSON.stringify(summary));
          else console.log(`Synced ${profile.name}: ${summary.rowsWritten} rows in ${((Date.parse(summary.finishedAt) - Date.parse(summary.startedAt)) / 1000).toFixed(1)} s (${summary.retries} retries, ${summary.throttledSeconds} s throttled).`);
          // Said even with --json: a name that matched nothing is a gap the analyst must see.
          for (const name of summary.unmatched) console.error(`warning: the scope's ${name} matches no machine the sign-in can see; nothing was synced for it.`);
        } finally {
          await cache.close();
        }
      } finally {
        process.off('SIGINT', cancel);
        process.off('SIGTERM', cancel);
        connection.close();
        await demo?.close();
      }
    });

  program
    .command('status')
    .description("a tenant's cache: scope, last sync per phase, row counts per table")
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--json', 'print as JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const context = cliContext();
      const profile = await profileNamed(context, options.tenant);
      const { cache, state } = await openTenant({ ...context, profile });
      try {
        const { region, scope, lastSync, rowCounts } = await tenantCacheStatus(cache);
        const status = {
          tenant: profile.name,
          tenantId: profile.tenantId,
          region,
          scope,
          lastSync,
          policy: state.policy,
          lifecycle: state.lifecycle,
          rowCounts,
        };
        if (options.json) {
          console.log(JSON.stringify(status));
          return;
        }
        console.log(`Tenant ${status.tenant} (${status.tenantId}), region ${status.region}`);
        console.log(`Scope: ${JSON.stringify(status.scope)}`);
        console.log(`Policy: retention ${state.policy.retentionDays} days, licence ${state.policy.licenseState}, offline at most ${state.policy.maxOfflineDays} days; cache ${state.lifecycle.state}`);
        if ('banner' in state.lifecycle) console.log(`  ${state.lifecycle.banner}`);
        for (const [phase, at] of Object.entries(lastSync)) console.log(`  last ${phase}: ${at}`);
        for (const [table, rows] of Object.entries(rowCounts)) console.log(`  ${table}: ${rows}`);
      } finally {
        await cache.close();
      }
    });
}
