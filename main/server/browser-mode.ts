import { createAppContext } from '../app-context';
import type { DemoProvider } from '../services/operations/demo-provider';
import { startRetentionTicker } from '../services/operations/retention-ticker';
import { createHandlers } from '../router/handlers';
import { createRouter } from '../router/router';
import { startBrowserServer } from './browser-server';
import { openAppWindow } from './open-browser';
import { rendererDir } from './renderer-dir';

/**
 * Browser mode as a long-running process: serve, print exactly one ready line, open
 * Chromium when asked, and shut down cleanly on Ctrl-C or SIGTERM.
 */
export async function startBrowserMode(options: { port: number; open: boolean; demo?: DemoProvider | null }): Promise<void> {
  const context = createAppContext('browser', { demo: options.demo ?? null });
  const router = createRouter(createHandlers(context));
  const stopTicker = startRetentionTicker(context.workspace, context.events);
  const server = await startBrowserServer({ router, events: context.events, rendererDir: rendererDir(), port: options.port });
  process.stdout.write(`Outpost ready: ${server.url}\n`);
  const window = options.open ? openAppWindow(server.url) : null;

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    window?.on('exit', stop);
  });
  window?.close();
  stopTicker();
  context.syncs.cancelAll();
  context.lock.stop();
  await server.close();
  await context.workspace.closeAll();
  await context.demo?.close();
}
