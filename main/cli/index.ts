import { Command, CommanderError } from 'commander';
import { isOutpostError } from '../../contract';
import { appVersion } from '../config/version';
import { registerEmulatorCommand } from '../../emulator';
import { registerAuditCommands } from './audit';
import { realBundleDeps, registerBundleCommands } from './bundle';
import { registerCacheCommands } from './cache';
import { registerIdentityCommands } from './identity';
import { registerServeCommand } from './serve';
import { registerSyncCommands } from './sync';
import { registerTenantCommands } from './tenant';
import { registerWipeCommand } from './wipe';

/**
 * `outpost`: the headless face of the same services the app uses. Each command group
 * lives in its own file and registers itself here.
 */
export function buildProgram(): Command {
  const program = new Command('outpost')
    .description('Outpost: an offline investigation workstation for Microsoft Defender for Endpoint tenants')
    .version(appVersion(), '-V, --version-flag', 'print the version')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });

  program
    .command('version')
    .description('print the version')
    .option('--json', 'print as JSON')
    .action((options: { json?: boolean }) => {
      const info = { name: 'outpost', version: appVersion(), node: process.versions.node, platform: process.platform };
      console.log(options.json ? JSON.stringify(info) : `outpost ${info.version} (node ${info.node}, ${info.platform})`);
    });

  registerServeCommand(program);
  registerTenantCommands(program);
  registerSyncCommands(program);
  registerCacheCommands(program);
  registerWipeCommand(program);
  registerAuditCommands(program);
  registerIdentityCommands(program);
  registerBundleCommands(program, realBundleDeps());
  registerEmulatorCommand(program);
  return program;
}

/** Runs the CLI; an OutpostError ends the process with its code on stderr and exit 1. */
export async function runCli(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isOutpostError(error)) {
      process.stderr.write(`outpost: ${error.code}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}
