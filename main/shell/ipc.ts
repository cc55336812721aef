import { ipcMain, type WebContents } from 'electron';
import { EVENT_IPC_CHANNEL, requestChannelNames, type Result } from '../../contract';
import type { EventBus } from '../router/events';
import type { Router } from '../router/router';
import { isTrustedSender } from './sender-check';

/**
 * Electron transport for the router: one ipcMain.handle per contract channel. A request
 * is answered only when it comes from the main frame of our own window showing our own
 * origin; an iframe or a navigated-away page gets FORBIDDEN_SENDER.
 */
export function bindIpc(router: Router, events: EventBus, window: () => WebContents | null): () => void {
  for (const channel of requestChannelNames) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.sender, event.senderFrame, window())) {
        return { ok: false, error: { code: 'FORBIDDEN_SENDER', message: 'Requests are accepted only from the Outpost window.' } };
      }
      return router.dispatch(channel, request, { transport: 'electron' });
    });
  }
  const unsubscribe = events.subscribe((envelope) => {
    const contents = window();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_IPC_CHANNEL, envelope);
  });
  return () => {
    unsubscribe();
    for (const channel of requestChannelNames) ipcMain.removeHandler(channel);
  };
}
