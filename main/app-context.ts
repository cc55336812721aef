import { EventBus } from './router/events';
import { outpostHome } from './config/home';
import { appVersion } from './config/version';
import { osKeychain, type Keychain } from './services/keychain';
import { Workspace } from './services/workspace/workspace';

/** What one running Outpost holds: where its data lives, how it is reached, its event bus. */
export interface AppContext {
  home: string;
  version: string;
  mode: 'electron' | 'browser';
  startedAt: Date;
  events: EventBus;
  /** The tenant caches this process has open. */
  workspace: Workspace;
}

export function createAppContext(mode: AppContext['mode'], env: NodeJS.ProcessEnv = process.env, keychain: Keychain = osKeychain()): AppContext {
  const home = outpostHome(env);
  return { home, version: appVersion(), mode, startedAt: new Date(), events: new EventBus(), workspace: new Workspace(home, keychain) };
}
