import { EventBus } from './router/events';
import { outpostHome } from './config/home';
import { appVersion } from './config/version';

/** What one running Outpost holds: where its data lives, how it is reached, its event bus. */
export interface AppContext {
  home: string;
  version: string;
  mode: 'electron' | 'browser';
  startedAt: Date;
  events: EventBus;
}

export function createAppContext(mode: AppContext['mode'], env: NodeJS.ProcessEnv = process.env): AppContext {
  return { home: outpostHome(env), version: appVersion(), mode, startedAt: new Date(), events: new EventBus() };
}
