import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutpostApi } from '../../contract';

// Electron is the boundary here: the test records what the preload hands to it.
const exposed = new Map<string, unknown>();
const invoked: Array<[string, unknown]> = [];
const listeners = new Map<string, Array<(event: unknown, envelope: unknown) => void>>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, request: unknown) => {
      invoked.push([channel, request]);
      return Promise.resolve({ ok: true, value: null });
    },
    on: (channel: string, listener: (event: unknown, envelope: unknown) => void) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
    removeListener: (channel: string, listener: (event: unknown, envelope: unknown) => void) => {
      listeners.set(channel, (listeners.get(channel) ?? []).filter((l) => l !== listener));
    },
  },
}));

describe('preload bridge', () => {
  beforeEach(async () => {
    exposed.clear();
    invoked.length = 0;
    vi.resetModules();
    await import('../../preload/preload');
  });

  it('exposes exactly window.outpost with invoke and on, nothing of Electron', () => {
    expect([...exposed.keys()]).toEqual(['outpost']);
    expect(Object.keys(exposed.get('outpost') as object).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract channels and refuses anything else without touching IPC', async () => {
    const api = exposed.get('outpost') as OutpostApi;
    await api.invoke('app.ping', { nonce: 'x' });
    const refused = await (api.invoke as (c: string, r: unknown) => Promise<unknown>)('fs.readFile', {});
    expect(invoked).toEqual([['app.ping', { nonce: 'x' }]]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('delivers only the subscribed event, and unsubscribes', () => {
    const api = exposed.get('outpost') as OutpostApi;
    const seen: unknown[] = [];
    const off = api.on('app.notice', (payload) => seen.push(payload));
    const [forward] = listeners.get('outpost:event') ?? [];
    forward?.({}, { event: 'app.notice', payload: { level: 'info', message: 'hi' } });
    forward?.({}, { event: 'sync.other', payload: 1 });
    off();
    expect(seen).toEqual([{ level: 'info', message: 'hi' }]);
    expect(listeners.get('outpost:event')).toEqual([]);
  });
});
