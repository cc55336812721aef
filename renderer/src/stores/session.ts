import { create } from 'zustand';
import type { OutpostErrorData, ResponseOf } from '../../../contract';
import { outpost } from '../api/client';

type AppInfo = ResponseOf<'app.info'>;
export type TenantSummary = ResponseOf<'tenants.list'>[number];

const TENANT_KEY = 'outpost.tenant';

interface SessionState {
  info: AppInfo | null;
  error: OutpostErrorData | null;
  tenants: TenantSummary[] | null;
  tenantsError: OutpostErrorData | null;
  /** The tenant whose cache the pages read. */
  tenant: string | null;
  locked: boolean;
  lockReason: string | null;
  connect(): Promise<void>;
  loadTenants(): Promise<void>;
  selectTenant(name: string): void;
  /** First run: the demo tenant, served by the emulator, one click away. */
  addDemo(): Promise<TenantSummary | null>;
  setLocked(locked: boolean, reason?: string | null): void;
  lock(): Promise<void>;
  unlock(): Promise<OutpostErrorData | null>;
}

function rememberedTenant(): string | null {
  try {
    return window.localStorage.getItem(TENANT_KEY);
  } catch {
    return null;
  }
}

/** Who we are talking to, which tenant the analyst works in, and whether the session is locked. */
export const useSession = create<SessionState>((set, get) => ({
  info: null,
  error: null,
  tenants: null,
  tenantsError: null,
  tenant: rememberedTenant(),
  locked: false,
  lockReason: null,
  async connect() {
    const result = await outpost().invoke('app.info', {});
    if (result.ok) set({ info: result.value, error: null });
    else set({ error: result.error });
  },
  async loadTenants() {
    const result = await outpost().invoke('tenants.list', {});
    if (!result.ok) {
      set({ tenantsError: result.error, tenants: get().tenants ?? [] });
      return;
    }
    const tenants = result.value;
    const chosen = get().tenant;
    const keep = tenants.find((t) => t.name === chosen) ?? tenants.find((t) => t.hasCache) ?? tenants[0] ?? null;
    set({ tenants, tenantsError: null, tenant: keep?.name ?? null });
  },
  selectTenant(name) {
    try {
      window.localStorage.setItem(TENANT_KEY, name);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this page only.
    }
    set({ tenant: name });
  },
  async addDemo() {
    const result = await outpost().invoke('tenants.addDemo', {});
    if (!result.ok) {
      set({ tenantsError: result.error });
      return null;
    }
    get().selectTenant(result.value.name);
    await get().loadTenants();
    return result.value;
  },
  setLocked(locked, reason = null) {
    set({ locked, lockReason: reason });
  },
  async lock() {
    const result = await outpost().invoke('session.lock', {});
    if (result.ok) set({ locked: result.value.locked, lockReason: 'Locked by the analyst.' });
  },
  async unlock() {
    const result = await outpost().invoke('session.unlock', {});
    if (!result.ok) return result.error;
    set({ locked: result.value.locked, lockReason: null });
    return null;
  },
}));

export const selectConnection = (state: SessionState): 'connecting' | 'connected' | 'failed' =>
  state.error ? 'failed' : state.info ? 'connected' : 'connecting';

export const selectCurrentTenant = (state: SessionState): TenantSummary | null => state.tenants?.find((t) => t.name === state.tenant) ?? null;
