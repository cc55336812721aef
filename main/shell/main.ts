import { app, BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppContext } from '../app-context';
import { createHandlers } from '../router/handlers';
import { startRetentionTicker } from '../services/operations/retention-ticker';
import { createRouter } from '../router/router';
import { rendererDir } from '../server/renderer-dir';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { hardenSessions } from './hardening';
import { bindIpc } from './ipc';
import { APP_ORIGIN, mainWindowOptions } from './window-options';

// The Electron entry. Kept thin: every service lives in plain Node under main/.
const here = path.dirname(fileURLToPath(import.meta.url));

// The Electron-ABI build of the SQLite engine: packaged under resources/native, or in
// dist/native/electron when running from a checkout (scripts/electron-native.mjs).
for (const candidate of [path.join(process.resourcesPath, 'native'), path.resolve(here, '../native/electron')]) {
  const binding = path.join(candidate, 'better_sqlite3.node');
  if (existsSync(binding)) {
    process.env.OUTPOST_SQLITE_BINDING = binding;
    break;
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (process.env.OUTPOST_HOME) app.setPath('userData', path.resolve(process.env.OUTPOST_HOME));
  registerAppScheme();
  let window: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  void app.whenReady().then(() => {
    hardenSessions();
    serveRenderer(rendererDir());
    const context = createAppContext('electron', { env: { ...process.env, OUTPOST_HOME: app.getPath('userData') } });
    const router = createRouter(createHandlers(context));
    bindIpc(router, context.events, () => window?.webContents ?? null);
    startRetentionTicker(context.workspace, context.events);

    window = new BrowserWindow(mainWindowOptions(path.join(here, 'preload.cjs')));
    window.once('ready-to-show', () => window?.show());
    window.on('closed', () => (window = null));
    void window.loadURL(`${APP_ORIGIN}/`);
  });

  app.on('window-all-closed', () => app.quit());
}
