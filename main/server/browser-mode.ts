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
  // The signal handlers go in before the ready line: until a listener exists, SIGTERM
  // keeps its default action and kills the process mid-flight, so a supervisor that
  // stops us the moment we say "ready" would skip the clean shutdown below.
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = () => resolve();
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`Outpost ready: ${server.url}\n`);
  const window = options.open ? openAppWindow(server.url) : null;
  window?.on('exit', stop);
  await stopped;
  window?.close();
  stopTicker();
  context.syncs.cancelAll();
  context.lock.stop();
  await server.close();
  await context.workspace.closeAll();
  await context.demo?.close();
}
