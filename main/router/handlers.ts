import type { AppContext } from '../app-context';
import { appHandlers } from './handlers/app';
import { bundleHandlers } from './handlers/bundle';
import { investigateHandlers } from './handlers/investigate';
import { tenantHandlers } from './handlers/tenants';
import type { Handlers } from './router';

/** Every channel of the contract, answered by the services of one app context. */
export function createHandlers(context: AppContext): Handlers {
  return {
    ...appHandlers(context),
    ...investigateHandlers(context),
    ...tenantHandlers(context),
    ...bundleHandlers(context),
  };
}
