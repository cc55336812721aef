import { create } from 'zustand';
import type { EventOf, OutpostErrorData, RequestOf, ResponseOf } from '../../../contract';
import { outpost } from '../api/client';

export type SyncStatus = ResponseOf<'sync.status'>;
export type SyncProgress = EventOf<'sync.progress'>;
export type SyncScope = NonNullable<RequestOf<'sync.start'>['scope']>;

interface SyncState {
  status: SyncStatus | null;
  progress: SyncProgress | null;
  running: boolean;
  finished: EventOf<'sync.finished'> | null;
  error: OutpostErrorData | null;
  /** The browser's own view of the network; the tenant may still be unreachable when true. */
  networkOnline: boolean;
  refresh(tenant: string): Promise<void>;
  start(tenant: string, scope?: SyncScope): Promise<boolean>;
  cancel(tenant: string): Promise<void>;
  onProgress(progress: SyncProgress): void;
  onFinished(finished: EventOf<'sync.finished'>): void;
  setNetworkOnline(online: boolean): void;
}

/** The sync of the current tenant: status, live progress from events, and the network indicator. */
export const useSync = create<SyncState>((set, get) => ({
  status: null,
  progress: null,
  running: false,
  finished: null,
  error: null,
  networkOnline: typeof navigator === 'undefined' ? true : navigator.onLine,
  async refresh(tenant) {
    const result = await outpost().invoke('sync.status', { tenant });
    if (result.ok) set({ status: result.value, running: result.value.running, progress: result.value.progress ?? get().progress, error: null });
    else set({ error: result.error });
  },
  async start(tenant, scope) {
    const result = await outpost().invoke('sync.start', scope ? { tenant, scope } : { tenant });
    if (!result.ok) {
      set({ error: result.error });
      return false;
    }
    set({ running: result.value.started, finished: null, error: null, progress: null });
    return result.value.started;
  },
  async cancel(tenant) {
    const result = await outpost().invoke('sync.cancel', { tenant });
    if (!result.ok) set({ error: result.error });
  },
  onProgress(progress) {
    set({ progress, running: progress.phase !== 'done' });
  },
  onFinished(finished) {
    set({ finished, running: false });
    void get().refresh(finished.tenant);
  },
  setNetworkOnline(networkOnline) {
    set({ networkOnline });
  },
}));

/** Subscribes the store to the sync events and the browser's online/offline events. */
export function startSyncEvents(): () => void {
  const api = outpost();
  const offProgress = api.on('sync.progress', (p) => useSync.getState().onProgress(p));
  const offFinished = api.on('sync.finished', (f) => useSync.getState().onFinished(f));
  const online = () => useSync.getState().setNetworkOnline(true);
  const offline = () => useSync.getState().setNetworkOnline(false);
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  return () => {
    offProgress();
    offFinished();
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
  };
}

/** Online means the tenant answered the last time we asked: a failed sync for want of network reads as offline. */
export const selectOnline = (state: SyncState): boolean => {
  const lastError = state.finished?.error?.code ?? state.status?.lastError?.code ?? null;
  return state.networkOnline && lastError !== 'NETWORK';
};

export const selectPercent = (state: SyncState): number | null => {
  const p = state.progress;
  if (!p || !p.expected) return null;
  return Math.max(0, Math.min(100, Math.round((p.done / p.expected) * 100)));
};

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}
