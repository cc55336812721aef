import type { EventEnvelope, OutpostApi } from '../../../contract';

/**
 * Browser mode's transport: the same contract over same-origin HTTP. The launch token
 * arrives in the page URL once; the server answers with an HttpOnly cookie, and the token
 * is removed from the address bar so it is not left in history.
 */
export function createHttpTransport(): OutpostApi {
  const url = new URL(window.location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
  const listeners = new Set<(envelope: EventEnvelope) => void>();
  let source: EventSource | null = null;

  const ensureStream = () => {
    if (source) return;
    source = new EventSource('/api/events');
    source.onmessage = (message: MessageEvent<string>) => {
      const envelope = JSON.parse(message.data) as EventEnvelope;
      for (const listener of listeners) listener(envelope);
    };
  };

  return {
    async invoke(channel, request) {
      try {
        const response = await fetch('/api/invoke', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify({ channel, request }),
        });
        if (!response.ok) {
          return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: `Outpost refused the request (${response.status}).` } };
        }
        return await response.json();
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: 'Outpost is not answering. Is it still running?' } };
      }
    },
    on(event, listener) {
      ensureStream();
      const forward = (envelope: EventEnvelope) => {
        if (envelope.event === event) listener(envelope.payload as Parameters<typeof listener>[0]);
      };
      listeners.add(forward);
      return () => void listeners.delete(forward);
    },
  };
}
