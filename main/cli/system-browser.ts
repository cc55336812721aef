import { spawn } from 'node:child_process';

/** Opens a sign-in page in the analyst's own browser (xdg-open, open, or start). */
export async function openSystemBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`Open this address in your browser to sign in: ${url}\n`));
  child.unref();
}
