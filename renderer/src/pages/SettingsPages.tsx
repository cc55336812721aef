import { useState } from 'react';
import { useNavigation } from '../stores/navigation';
import { usePreferences, type ThemeChoice } from '../stores/preferences';
import { selectCurrentTenant, useSession } from '../stores/session';
import { useSync } from '../stores/sync';
import { SignInSection } from './SignInSection';
import { AuditLogSection, WipeSection } from './TenantAdmin';

export function SettingsPage() {
  const theme = usePreferences((s) => s.theme);
  const setTheme = usePreferences((s) => s.setTheme);
  const lock = useSession((s) => s.lock);
  const tenant = useSession((s) => s.tenant);
  const signedIn = useSession((s) => selectCurrentTenant(s)?.signedIn);
  return (
    <article>
      <header className="entity-header">
        <h2 tabIndex={-1} data-testid="page-title">
          Settings
        </h2>
      </header>
      <fieldset>
        <legend>Theme</legend>
        {(['system', 'light', 'dark'] as ThemeChoice[]).map((choice) => (
          <label key={choice}>
            <input type="radio" name="theme" value={choice} checked={theme === choice} onChange={() => setTheme(choice)} /> {choice === 'system' ? 'Follow the system' : choice}
          </label>
        ))}
      </fieldset>
      <p>
        <button type="button" onClick={() => void lock()}>
          Lock now
        </button>{' '}
        <span className="muted">Closes every cache and drops its key from memory until you unlock.</span>
      </p>
      {tenant ? <SignInSection tenant={tenant} /> : null}
      {/* Read again after a sign-in or sign-out, which each add an entry. */}
      {tenant ? <AuditLogSection key={String(signedIn)} tenant={tenant} /> : null}
      {tenant ? <WipeSection tenant={tenant} /> : null}
    </article>
  );
}

/** First run: the demo tenant (the built-in emulator) is one click away. */
export function WelcomePage() {
  const addDemo = useSession((s) => s.addDemo);
  const start = useSync((s) => s.start);
  const navigate = useNavigation((s) => s.navigate);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const openDemo = async () => {
    setBusy(true);
    setFailure(null);
    const demo = await addDemo();
    if (!demo) {
      setFailure(useSession.getState().tenantsError?.message ?? 'The demo tenant could not be added.');
      setBusy(false);
      return;
    }
    await start(demo.name);
    navigate({ page: 'sync' });
  };
  return (
    <article className="welcome">
      <h2 tabIndex={-1} data-testid="page-title">
        Get started
      </h2>
      <p className="shell-welcome">No tenant yet. Add a tenant to sync its evidence, then investigate offline.</p>
      <p>The demo tenant is a built-in emulator of a Defender for Endpoint tenant with a few attack stories to follow.</p>
      <button type="button" className="primary" onClick={() => void openDemo()} disabled={busy} data-testid="open-demo">
        {busy ? 'Opening the demo tenant…' : 'Open the demo tenant'}
      </button>
      {failure ? <p role="alert" className="error-note">{failure}</p> : null}
    </article>
  );
}

export function LockScreen({ reason, onUnlock }: { reason: string | null; onUnlock(): Promise<string | null> }) {
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <div className="lock-screen" role="dialog" aria-modal="true" aria-labelledby="lock-title">
      <div className="lock-box">
        <h2 id="lock-title">Outpost is locked</h2>
        <p>{reason ?? 'The session was locked.'} The caches are closed and their keys are out of memory.</p>
        <button type="button" autoFocus onClick={async () => setFailure(await onUnlock())}>
          Unlock
        </button>
        {failure ? <p role="alert" className="error-note">{failure}</p> : null}
      </div>
    </div>
  );
}
