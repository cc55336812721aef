import type { EventChannel, EventOf, RequestChannel, RequestOf, ResponseOf } from './channels';
import type { Result } from './result';

/**
 * What the renderer sees as `window.outpost` (Electron) or builds over HTTP (browser mode).
 * Only contract channels, nothing raw.
 */
export interface OutpostApi {
  invoke<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** The single Electron IPC channel name that carries events to the renderer. */
export const EVENT_IPC_CHANNEL = 'outpost:event';

/** Envelope for events on both transports. */
export interface EventEnvelope {
  event: EventChannel;
  payload: unknown;
}
