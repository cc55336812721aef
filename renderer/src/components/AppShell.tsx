import type { ReactNode } from 'react';
import type { ResponseOf } from '../../../contract';
import type { Route } from '../lib/routes';
import { Link } from './Link';

export interface AppShellProps {
  info: ResponseOf<'app.info'> | null;
  connection: 'connecting' | 'connected' | 'failed';
  errorMessage: string | null;
  /** The tenant picker, the online indicator and the search button, when the app is running. */
  tools?: ReactNode;
  /** The current page; absent, a welcome line is shown. */
  children?: ReactNode;
  current?: Route['page'];
}

const nav: Array<{ to: Route; label: string; pages: Array<Route['page']> }> = [
  { to: { page: 'alerts', query: new URLSearchParams() }, label: 'Alerts', pages: ['alerts', 'alert'] },
  { to: { page: 'machines', query: new URLSearchParams() }, label: 'Machines', pages: ['machines', 'machine'] },
  { to: { page: 'search', q: '' }, label: 'Search', pages: ['search'] },
  { to: { page: 'case' }, label: 'Case', pages: ['case'] },
  { to: { page: 'sync' }, label: 'Sync', pages: ['sync'] },
  { to: { page: 'settings' }, label: 'Settings', pages: ['settings'] },
];

/** The frame every page sits in: the title bar with the app's identity and link state, navigation, the page. */
export function AppShell({ info, connection, errorMessage, tools, children, current }: AppShellProps) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header" role="banner">
        <h1 className="shell-title">Outpost</h1>
        <span className="shell-version" data-testid="app-version">
          {info ? `v${info.version} · ${info.mode === 'browser' ? 'browser mode' : 'desktop'}` : ''}
        </span>
        {tools}
        <span className={`shell-link shell-link-${connection}`} role="status" data-testid="connection">
          {connection === 'connected' ? 'Connected to Outpost' : connection === 'failed' ? 'Not connected' : 'Connecting…'}
        </span>
      </header>
      {children !== undefined ? (
        <nav className="shell-nav" aria-label="Pages">
          {nav.map((item) => (
            <Link key={item.label} to={item.to} className={current && item.pages.includes(current) ? 'nav-current' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
      ) : null}
      <main className="shell-main" id="main">
        {errorMessage ? (
          <p role="alert" className="shell-error">
            {errorMessage}
          </p>
        ) : children !== undefined ? (
          children
        ) : (
          <p className="shell-welcome">No tenant yet. Add a tenant to sync its evidence, then investigate offline.</p>
        )}
      </main>
    </div>
  );
}
