import { useEffect } from 'react';
import { outpost } from './api/client';
import { AppShell } from './components/AppShell';
import { CommandPalette } from './components/CommandPalette';
import { ErrorNote } from './components/Status';
import type { Route } from './lib/routes';
import { AlertPage } from './pages/AlertPage';
import { AlertsPage } from './pages/AlertsPage';
import { CasePage } from './pages/CasePage';
import { AccountPage, DomainPage, FilePage, IpPage, ProcessPage, UrlPage } from './pages/EntityPages';
import { MachinesPage, SearchPage } from './pages/ListPages';
import { MachinePage } from './pages/MachinePage';
import { LockScreen, SettingsPage, WelcomePage } from './pages/SettingsPages';
import { SyncPage } from './pages/SyncPage';
import { LifecycleBanner, SignInPrompt, UpgradeNotice } from './pages/TenantAdmin';
import { startNavigation, useNavigation } from './stores/navigation';
import { applyTheme, usePreferences } from './stores/preferences';
import { useSelection } from './stores/selection';
import { selectConnection, useSession } from './stores/session';
import { selectOnline, startSyncEvents, useSync } from './stores/sync';

function Page({ route, tenant }: { route: Route; tenant: string }) {
  switch (route.page) {
    case 'home':
    case 'alerts':
      return <AlertsPage tenant={tenant} query={route.page === 'alerts' ? route.query : new URLSearchParams()} />;
    case 'alert':
      return <AlertPage key={route.id} tenant={tenant} id={route.id} />;
    case 'machines':
      return <MachinesPage tenant={tenant} query={route.query} />;
    case 'machine':
      return <MachinePage key={route.id} tenant={tenant} id={route.id} query={route.query} />;
    case 'file':
      return <FilePage key={route.sha1} tenant={tenant} sha1={route.sha1} />;
    case 'ip':
      return <IpPage key={route.ip} tenant={tenant} ip={route.ip} />;
    case 'url':
      return <UrlPage key={route.url} tenant={tenant} url={route.url} />;
    case 'domain':
      return <DomainPage key={route.domain} tenant={tenant} domain={route.domain} />;
    case 'account':
      return <AccountPage key={`${route.domain}\\${route.name}`} tenant={tenant} domain={route.domain} name={route.name} />;
    case 'process':
      return <ProcessPage key={`${route.deviceId}|${route.processId}|${route.creationTime}`} tenant={tenant} {...route} />;
    case 'search':
      return <SearchPage key={route.q} tenant={tenant} q={route.q} />;
    case 'case':
      return <CasePage tenant={tenant} />;
    case 'sync':
      return <SyncPage />;
    case 'settings':
      return <SettingsPage />;
    case 'not-found':
      return <ErrorNote error={{ code: 'NOT_FOUND', message: `There is no page at ${route.path}.` }} />;
  }
}

function Tools() {
  const tenants = useSession((s) => s.tenants);
  const tenant = useSession((s) => s.tenant);
  const selectTenant = useSession((s) => s.selectTenant);
  const online = useSync(selectOnline);
  const running = useSync((s) => s.running);
  const openPalette = useSelection((s) => s.openPalette);
  return (
    <>
      {tenants && tenants.length > 0 ? (
        <label className="tenant-picker">
          <span className="visually-hidden">Tenant</span>
          <select aria-label="Tenant" value={tenant ?? ''} onChange={(e) => selectTenant(e.target.value)}>
            {tenants.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
                {t.demo ? ' (demo)' : ''}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <span className={online ? 'indicator online' : 'indicator offline'} data-testid="online" title={online ? 'The network is up; the tenant can be synced' : 'No network: you are working from the cache'}>
        {online ? 'Online' : 'Offline'}
        {running ? ' · syncing' : ''}
      </span>
      <button type="button" className="search-button" onClick={openPalette} aria-keyshortcuts="Control+K /">
        Search <kbd>Ctrl K</kbd>
      </button>
    </>
  );
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

export function App() {
  const info = useSession((s) => s.info);
  const error = useSession((s) => s.error);
  const connection = useSession(selectConnection);
  const tenants = useSession((s) => s.tenants);
  const tenant = useSession((s) => s.tenant);
  const locked = useSession((s) => s.locked);
  const lockReason = useSession((s) => s.lockReason);
  const route = useNavigation((s) => s.route);
  const paletteOpen = useSelection((s) => s.paletteOpen);
  const theme = usePreferences((s) => s.theme);

  useEffect(() => {
    const session = useSession.getState();
    void session.connect().then(() => session.loadTenants());
    const stopNavigation = startNavigation();
    const stopSync = startSyncEvents();
    const stopLock = outpost().on('session.locked', (event) => useSession.getState().setLocked(event.locked, event.reason));
    // Keys and pointer push the idle lock back; reported at most every 30 s.
    let last = 0;
    const activity = () => {
      const now = Date.now();
      if (now - last < 30_000) return;
      last = now;
      void outpost().invoke('session.activity', { kind: 'input' });
    };
    const onKey = (event: KeyboardEvent) => {
      activity();
      if ((event.key === 'k' && (event.ctrlKey || event.metaKey)) || (event.key === '/' && !isTyping(event.target))) {
        event.preventDefault();
        useSelection.getState().openPalette();
      }
    };
    // A screened workstation locks when the window loses focus (if its policy says so).
    const onBlur = () => void outpost().invoke('session.activity', { kind: 'blur' });
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', activity);
    window.addEventListener('blur', onBlur);
    return () => {
      stopNavigation();
      stopSync();
      stopLock();
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', activity);
      window.removeEventListener('blur', onBlur);
    };
  }, []);

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    if (tenant) void useSync.getState().refresh(tenant);
  }, [tenant]);

  const ready = connection === 'connected' && tenants !== null;
  let content;
  if (!ready) content = undefined;
  else if (tenants.length === 0 || !tenant) content = route.page === 'settings' ? <SettingsPage /> : <WelcomePage />;
  else content = <Page route={route} tenant={tenant} />;

  return (
    <>
      <AppShell info={info} connection={connection} errorMessage={error?.message ?? null} tools={ready ? <Tools /> : undefined} current={route.page}>
        <LifecycleBanner />
        <SignInPrompt />
        <UpgradeNotice />
        {content}
      </AppShell>
      {paletteOpen && tenant ? <CommandPalette /> : null}
      {locked ? <LockScreen reason={lockReason} onUnlock={async () => (await useSession.getState().unlock())?.message ?? null} /> : null}
    </>
  );
}
