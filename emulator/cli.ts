// `outpost emulator`: run the tenant emulator until SIGINT/SIGTERM, or describe it.
import type { Command } from 'commander';
import { parseFaultArgument } from './faults';
import { parsePolicyArgument } from './policy';
import { describeDemoTenant, startEmulator } from './server';
import type { Scale } from './tenant/tenant';

function parseScale(text: string): Scale {
  if (text === 'small' || text === 'medium' || text === 'large') return text;
  const n = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1000) throw new Error(`--scale takes small, medium, large or an event count of at least 1000, got '${text}'`);
  return n;
}

function parseWhole(name: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} takes a whole number of at least ${min}, got '${text}'`);
    return n;
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the Defender for Endpoint tenant emulator over HTTPS on 127.0.0.1 (for the demo and tests)')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parseWhole('--port', 0), 0)
    .option('--seed <s>', 'seed of the generated tenant', parseWhole('--seed', 0), 1)
    .option('--scale <scale>', 'small, medium (1M events), large (10M events) or an event count', parseScale, 'small' as Scale)
    .option('--ca-out <file>', 'write the per-run CA certificate (PEM) to this file')
    .option('--auto-approve <user>', 'approve every sign-in as this user (e.g. soc-admin)')
    .option('--fault <spec>', 'switch a fault on: NAME[=ARG][,target=..,count=..,every=..,fraction=..,after=..] (repeatable)', collect, [] as string[])
    .option('--policy <settings>', 'tenant policy, e.g. retentionDays=90,licenseState=grace,graceEndsAt=2026-12-31T00:00:00Z')
    .option('--token-lifetime <seconds>', 'access-token lifetime in seconds', parseWhole('--token-lifetime', 1))
    .option('--describe', 'print the demo tenant registration as JSON and exit')
    .action(async (o: { port: number; seed: number; scale: Scale; caOut?: string; autoApprove?: string; fault: string[]; policy?: string; tokenLifetime?: number; describe?: boolean }) => {
      if (o.describe) {
        process.stdout.write(`${JSON.stringify(describeDemoTenant({ seed: o.seed, scale: o.scale }), null, 2)}\n`);
        return;
      }
      const faults = o.fault.map(parseFaultArgument);
      const emulator = await startEmulator({
        port: o.port, seed: o.seed, scale: o.scale, caOut: o.caOut, autoApprove: o.autoApprove, tokenLifetimeSeconds: o.tokenLifetime,
        policy: o.policy ? parsePolicyArgument(o.policy) : undefined,
      });
      for (const f of faults) emulator.faults.set(f.name, f.options);
      // Listeners before the ready line: without one, SIGTERM's default action kills us
      // before the clean close, and whoever read "ready" may signal at once.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      process.stdout.write(`Emulator ready: ${emulator.url}\n`);
      await stopped;
      await emulator.close();
    });
}
