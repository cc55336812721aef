import os from 'node:os';
import path from 'node:path';

/**
 * The data folder: OUTPOST_HOME when set, else the platform's app-data folder
 * (the same place Electron's app.getPath('userData') would choose).
 */
export function outpostHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OUTPOST_HOME) return path.resolve(env.OUTPOST_HOME);
  const home = os.homedir();
  switch (platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Outpost');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Outpost');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Outpost');
  }
}
