import { EventBus } from './router/events';
import { outpostHome } from './config/home';
import { appVersion } from './config/version';
import { dataFolderKeychain, osKeychain, type Keychain } from './services/keychain';
import type { DemoProvider } from './services/operations/demo-provider';
import { SyncController } from './services/operations/sync-controller';
import { defaultPolicy, effectivePolicy } from './services/policy/policy';
import { openDataFolder } from './services/workspace/data-folder';
import { SessionLock, type LockSettings } from './services/workspace/session-lock';
import { Workspace } from './services/workspace/workspace';

/** What one running Outpost holds: where its data lives, how it is reached, its services. */
export interface AppContext {
  home: string;
  version: string;
  mode: 'electron' | 'browser';
  startedAt: Date;
  /** The start-up tidying of the data folder (workspace/data-folder.ts); only tests wait for it. */
  dataFolderOpened: Promise<void>;
  events: EventBus;
  /** The tenant caches this process has open. */
  workspace: Workspace;
  syncs: SyncController;
  lock: SessionLock;
  demo: DemoProvider | null;
}

export interface AppContextOptions {
  env?: NodeJS.ProcessEnv;
  keychain?: Keychain;
  demo?: DemoProvider | null;
}

/** The strictest idle lock any known tenant asks for (its administrator's profile decides blur-lock). */
async function lockSettings(workspace: Workspace): Promise<LockSettings> {
  const profiles = await workspace.profiles().catch(() => []);
  let settings: LockSettings = { idleMinutes: defaultPolicy.idleLockMinutes, lockOnBlur: false };
  for (const profile of profiles) {
    const policy = effectivePolicy(null, profile.policy);
    settings = { idleMinutes: Math.min(settings.idleMinutes, policy.idleLockMinutes), lockOnBlur: settings.lockOnBlur || policy.lockOnBlur };
  }
  return settings;
}

export function createAppContext(mode: AppContext['mode'], options: AppContextOptions = {}): AppContext {
  const home = outpostHome(options.env ?? process.env);
  const events = new EventBus();
  const workspace = new Workspace(home, options.keychain ?? dataFolderKeychain(home, osKeychain()), events);
  const demo = options.demo ?? null;
  return {
    home,
    version: appVersion(),
    mode,
    startedAt: new Date(),
    dataFolderOpened: openDataFolder(home),
    events,
    workspace,
    syncs: new SyncController(workspace, events, demo),
    lock: new SessionLock(workspace, events, () => lockSettings(workspace)),
    demo,
  };
}
