import type { ResponseOf } from '../../../contract';

export interface AppShellProps {
  info: ResponseOf<'app.info'> | null;
  connection: 'connecting' | 'connected' | 'failed';
  errorMessage: string | null;
}

/** The frame every page sits in: the title bar with the app's identity and link state. */
export function AppShell({ info, connection, errorMessage }: AppShellProps) {
  return (
    <div className="shell">
      <header className="shell-header" role="banner">
        <h1 className="shell-title">Outpost</h1>
        <span className="shell-version" data-testid="app-version">
          {info ? `v${info.version} · ${info.mode === 'browser' ? 'browser mode' : 'desktop'}` : ''}
        </span>
        <span className={`shell-link shell-link-${connection}`} role="status" data-testid="connection">
          {connection === 'connected' ? 'Connected to Outpost' : connection === 'failed' ? 'Not connected' : 'Connecting…'}
        </span>
      </header>
      <main className="shell-main" id="main">
        {errorMessage ? (
          <p role="alert" className="shell-error">
            {errorMessage}
          </p>
        ) : (
          <p className="shell-welcome">No tenant yet. Add a tenant to sync its evidence, then investigate offline.</p>
        )}
      </main>
    </div>
  );
}
