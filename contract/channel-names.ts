import { appEventNames, appRequestNames } from './names/app';
import { bundleRequestNames } from './names/bundle';
import { investigateRequestNames } from './names/investigate';
import { tenantEventNames, tenantRequestNames } from './names/tenants';

/**
 * The names of the contract's channels, apart from their schemas so the sandboxed preload
 * can allow-list them without bundling the schema library. Each concern lists its names in
 * contract/names/, its schemas in contract/schemas/; `channels.ts` must define a schema for
 * exactly these names (the type checker enforces it both ways).
 */
export const requestChannelNames = [...appRequestNames, ...tenantRequestNames, ...investigateRequestNames, ...bundleRequestNames] as const;

export const eventChannelNames = [...appEventNames, ...tenantEventNames] as const;

export type RequestChannel = (typeof requestChannelNames)[number];
export type EventChannel = (typeof eventChannelNames)[number];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (requestChannelNames as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (eventChannelNames as readonly string[]).includes(value);
}
