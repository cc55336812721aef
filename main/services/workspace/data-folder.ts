import { sweepWipedFolders } from '../policy/wipe';

/**
 * What a process does with its data folder when it starts: the workstation (Electron or
 * browser mode, app-context.ts) and every CLI command (cli/context.ts) come through here.
 * It deletes the cache folders earlier wipes renamed away but did not finish deleting (the
 * process ended first): without it they stayed on disk until the next wipe. Nothing waits
 * for it, since no tenant folder can have their name, and two processes starting at once
 * may both run it. It never throws.
 */
export function openDataFolder(home: string): Promise<void> {
  return sweepWipedFolders(home).catch(() => undefined);
}
