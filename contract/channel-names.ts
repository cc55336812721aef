/**
 * The names of the contract's channels, apart from their schemas so the sandboxed preload
 * can allow-list them without bundling the schema library. `channels.ts` must define a
 * schema for exactly these names (the type checker enforces it both ways).
 */
export const requestChannelNames = ['app.info', 'app.ping'] as const;

export const eventChannelNames = ['app.notice'] as const;

export type RequestChannel = (typeof requestChannelNames)[number];
export type EventChannel = (typeof eventChannelNames)[number];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (requestChannelNames as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (eventChannelNames as readonly string[]).includes(value);
}
