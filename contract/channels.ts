import { z } from 'zod';
import type { EventChannel, RequestChannel } from './channel-names';

export * from './channel-names';

/**
 * The one IPC contract. Main, preload and renderer all compile against this table;
 * main validates every request against it at runtime, because the renderer is untrusted.
 * Add a channel here and the type checker shows every place that must handle it.
 */

const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  startedAt: z.string(),
});

const Ping = z.object({ nonce: z.string().min(1).max(128) }).strict();

export const requestChannels = {
  /** Who answers: the app's name, version and transport. */
  'app.info': { request: z.object({}).strict(), response: AppInfo },
  /** A round trip through the router, for the shell's health check and the e2e tests. */
  'app.ping': { request: Ping, response: z.object({ nonce: z.string(), answeredAt: z.string() }) },
} as const satisfies Record<RequestChannel, { request: z.ZodType; response: z.ZodType }>;

export const eventChannels = {
  /** Something the analyst should see even when no request is waiting (e.g. a lock). */
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), message: z.string() }),
} as const satisfies Record<EventChannel, z.ZodType>;

export type RequestOf<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['request']>;
export type ParsedRequestOf<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['request']>;
export type ResponseOf<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['response']>;
export type EventOf<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;
