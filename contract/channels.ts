import type { z } from 'zod';
import type { EventChannel, RequestChannel } from './channel-names';
import { appEvents, appRequests } from './schemas/app';
import { bundleRequests } from './schemas/bundle';
import { investigateRequests } from './schemas/investigate';
import type { RequestSpec } from './schemas/spec';
import { tenantEvents, tenantRequests } from './schemas/tenants';

export * from './channel-names';

/**
 * The one IPC contract. Main, preload and renderer all compile against this table;
 * main validates every request against it at runtime, because the renderer is untrusted.
 * Add a channel's name in contract/names/ and its schema in contract/schemas/, and the type
 * checker shows every place that must handle it.
 */
export const requestChannels = {
  ...appRequests,
  ...tenantRequests,
  ...investigateRequests,
  ...bundleRequests,
} as const satisfies Record<RequestChannel, RequestSpec>;

export const eventChannels = {
  ...appEvents,
  ...tenantEvents,
} as const satisfies Record<EventChannel, z.ZodType>;

export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>;
export type ParsedRequestOf<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;
