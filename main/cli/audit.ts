import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { OutpostError } from '../../contract';
import { exportAuditJsonl, recordAudit, verifyAudit } from '../services/audit/audit';
import { openTenant } from '../services/operations/open-tenant';
import { cliContext, profileNamed } from './context';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("a tenant's hash-chained audit log");

  audit
    .command('verify')
    .description('check every entry follows from the one before it and the log ends where it was last written')
    .requiredOption('--tenant <name>', 'the tenant profile')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: { tenant: string; json?: boolean }) => {
      const context = cliContext();
      const { cache } = await openTenant({ ...context, profile: await profileNamed(context, options.tenant) });
      try {
        const verdict = await verifyAudit(cache);
        if (options.json) console.log(JSON.stringify(verdict));
        else console.log(verdict.ok ? `Audit log intact: ${verdict.entries} entries.` : `Audit log BROKEN at entry ${verdict.brokenAt}: ${verdict.reason}.`);
        if (!verdict.ok) throw new OutpostError('AUDIT_BROKEN', `The audit log of ${options.tenant} was altered (${verdict.reason}).`);
      } finally {
        await cache.close();
      }
    });

  audit
    .command('export')
    .description('write the log as JSON Lines (the export itself is recorded)')
    .requiredOption('--tenant <name>', 'the tenant profile')
    .requiredOption('--to <file>', 'where to write it')
    .action(async (options: { tenant: string; to: string }) => {
      const context = cliContext();
      const { cache } = await openTenant({ ...context, profile: await profileNamed(context, options.tenant) });
      try {
        await recordAudit(cache, 'export', 'audit-log', { format: 'jsonl' });
        const { jsonl, entries } = await exportAuditJsonl(cache);
        await writeFile(options.to, jsonl, { mode: 0o600 });
        console.log(`Wrote ${entries} audit entries to ${options.to}.`);
      } finally {
        await cache.close();
      }
    });
}
