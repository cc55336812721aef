import {
  isRequestChannel,
  OutpostError,
  requestChannels,
  type ParsedRequestOf,
  type RequestChannel,
  type ResponseOf,
  type Result,
} from '../../contract';

/** Who sent a request: which transport, so handlers and the audit log can tell. */
export interface RequestOrigin {
  transport: 'electron' | 'browser' | 'test';
}

export type Handler<C extends RequestChannel> = (
  request: ParsedRequestOf<C>,
  origin: RequestOrigin,
) => Promise<ResponseOf<C>> | ResponseOf<C>;

export type Handlers = { [C in RequestChannel]: Handler<C> };

export interface Router {
  /** Validate and answer one request. Never throws: every failure is a Result. */
  dispatch(channel: unknown, request: unknown, origin: RequestOrigin): Promise<Result<unknown>>;
}

/** Logs what failed without the message, which may hold tenant data. */
export type InternalErrorSink = (channel: string, error: unknown) => void;

const defaultSink: InternalErrorSink = (channel, error) => {
  const name = error instanceof Error ? error.name : typeof error;
  process.stderr.write(`outpost: internal error on ${channel} (${name})\n`);
};

export function createRouter(handlers: Handlers, onInternalError: InternalErrorSink = defaultSink): Router {
  return {
    async dispatch(channel, request, origin) {
      if (!isRequestChannel(channel)) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `No such channel: ${describe(channel)}` } };
      }
      const parsed = requestChannels[channel].request.safeParse(request ?? {});
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
        return {
          ok: false,
          error: { code: 'BAD_REQUEST', message: `Invalid request for ${channel}${where}: ${first?.message ?? 'invalid'}` },
        };
      }
      try {
        // The table guarantees the handler and the parsed request belong to the same channel.
        const handler = handlers[channel] as Handler<RequestChannel>;
        const value = await handler(parsed.data as ParsedRequestOf<RequestChannel>, origin);
        return { ok: true, value };
      } catch (error) {
        if (error instanceof OutpostError) return { ok: false, error: error.toData() };
        onInternalError(channel, error);
        return { ok: false, error: { code: 'INTERNAL', message: `Outpost failed to answer ${channel}; see the log.` } };
      }
    },
  };
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
}
