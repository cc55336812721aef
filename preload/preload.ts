import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_IPC_CHANNEL, type EventEnvelope, type OutpostApi } from '../contract/api';
import { isEventChannel, isRequestChannel } from '../contract/channel-names';

/**
 * The sandboxed preload exposes exactly the contract as `window.outpost`: invoke for
 * request channels and on for event channels. Nothing of Electron crosses the bridge.
 */
const api: OutpostApi = {
  invoke(channel, request) {
    if (!isRequestChannel(channel)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: 'No such channel.' } });
    }
    return ipcRenderer.invoke(channel, request);
  },
  on(event, listener) {
    if (!isEventChannel(event)) return () => undefined;
    const forward = (_ipcEvent: unknown, envelope: EventEnvelope) => {
      if (envelope.event === event) listener(envelope.payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(EVENT_IPC_CHANNEL, forward);
    return () => void ipcRenderer.removeListener(EVENT_IPC_CHANNEL, forward);
  },
};

contextBridge.exposeInMainWorld('outpost', api);
