import type { Handlers } from './router';
import type { AppContext } from '../app-context';

/** Every channel of the contract, answered by the services of one app context. */
export function createHandlers(context: AppContext): Handlers {
  return {
    'app.info': () => ({
      name: 'Outpost',
      version: context.version,
      mode: context.mode,
      platform: process.platform,
      startedAt: context.startedAt.toISOString(),
    }),
    'app.ping': ({ nonce }) => ({ nonce, answeredAt: new Date().toISOString() }),
  };
}
