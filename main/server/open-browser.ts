import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const candidates = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'];

export interface AppWindow {
  on(event: 'exit', listener: () => void): void;
  close(): void;
}

/**
 * Opens the URL in a Chromium app window when one is installed. The profile is a fresh
 * temporary folder removed on exit, so no page data of the tenant outlives the window.
 */
export function openAppWindow(url: string): AppWindow | null {
  const executable = findBrowser();
  if (!executable) return null;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'outpost-window-'));
  const args = [
    `--app=${url}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disk-cache-size=1',
  ];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  let child: ChildProcess;
  try {
    child = spawn(executable, args, { stdio: 'ignore' });
  } catch {
    rmSync(profile, { recursive: true, force: true });
    return null;
  }
  child.on('error', () => undefined);
  child.on('exit', () => rmSync(profile, { recursive: true, force: true }));
  return {
    on: (_event, listener) => void child.on('exit', listener),
    close: () => void child.kill('SIGTERM'),
  };
}

function findBrowser(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of candidates) {
      const full = path.join(dir, name);
      if (dir && existsSync(full)) return full;
    }
  }
  return null;
}
