import type { AppContext } from '../app-context';
import { appHandlers } from './handlers/app';
import type { Handlers } from './router';

/** Every channel of the contract, answered by the services of one app context. */
export function createHandlers(context: AppContext): Handlers {
  return {
    ...appHandlers(context),
  };
}
