import type { Command } from 'commander';
import { startBrowserMode } from '../server/browser-mode';
import { demoProvider } from './demo';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the workstation in browser mode on 127.0.0.1 (no browser is opened unless --open)')
    .option('--port <port>', 'port to listen on (default: a free one)', (value) => Number.parseInt(value, 10))
    .option('--open', 'open Chromium in app mode when one is installed')
    .option('--no-open', 'never open a browser')
    .action(async (options: { port?: number; open?: boolean }) => {
      const open = options.open === true && process.env.OUTPOST_NO_OPEN !== '1';
      await startBrowserMode({ port: options.port ?? 0, open, demo: demoProvider() });
    });
}
