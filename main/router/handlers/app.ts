import type { AppContext } from '../../app-context';
import type { Handlers } from '../router';

export function appHandlers(context: AppContext): Pick<Handlers, 'app.info' | 'app.ping'> {
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
