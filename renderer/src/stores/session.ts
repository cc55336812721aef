import { create } from 'zustand';
import type { OutpostErrorData, ResponseOf } from '../../../contract';
import { outpost } from '../api/client';

type AppInfo = ResponseOf<'app.info'>;

interface SessionState {
  info: AppInfo | null;
  error: OutpostErrorData | null;
  connect(): Promise<void>;
}

/** Who we are talking to: the app's identity, or why we cannot reach it. */
export const useSession = create<SessionState>((set) => ({
  info: null,
  error: null,
  async connect() {
    const result = await outpost().invoke('app.info', {});
    if (result.ok) set({ info: result.value, error: null });
    else set({ error: result.error });
  },
}));

export const selectConnection = (state: SessionState): 'connecting' | 'connected' | 'failed' =>
  state.error ? 'failed' : state.info ? 'connected' : 'connecting';
