import { useRef, useState } from 'react';
import { outpost } from '../api/client';
import { useSession } from '../stores/session';
import { useSync } from '../stores/sync';

/** One line on whether the tenant can be synced without a new sign-in. */
export function signInState(tenant: string, signedIn: boolean | null, hasCache: boolean): string {
  if (signedIn === null) return `Whether you are signed in to ${tenant} is unknown: the keychain could not be read.`;
  if (signedIn) return `Signed in to ${tenant}: syncs use the sign-in kept in the keychain.`;
  // Never signed in and signed out read the same: no sign-in is kept.
  return `Not signed in to ${tenant}: syncing needs a sign-in.${hasCache ? ' What was synced stays readable offline.' : ''}`;
}

/**
 * The tenant's sign-in: sign in again, or sign out after a confirmation that offers the
 * cache wipe as a separate, destructive choice (the only choice when the policy wipes).
 */
export function SignInSection({ tenant }: { tenant: string }) {
  const summary = useSession((s) => s.tenants?.find((t) => t.name === tenant) ?? null);
  // The status is the current tenant's; the main side applies the policy whatever this says.
  const policyWipes = useSync((s) => s.status?.tenant === tenant && s.status.policy.wipeOnSignOut);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement>(null);

  const close = () => {
    setConfirming(false);
    opener.current?.focus();
  };
  const settle = async (failed: string | null, done: string | null) => {
    setBusy(false);
    setFailure(failed);
    setOutcome(done);
    await useSession.getState().loadTenants();
    await useSync.getState().refresh(tenant);
  };
  const signOut = async (wipe: boolean) => {
    setBusy(true);
    setConfirming(false);
    const result = await outpost().invoke('tenants.signOut', { tenant, wipe });
    if (!result.ok) return settle(result.error.message, null);
    const wiped = result.value.wiped ? ` This tenant's cache was wiped${wipe ? '' : ', as its policy requires'}; a receipt was kept.` : '';
    await settle(null, `Signed out.${wiped}`);
  };
  const signIn = async () => {
    setBusy(true);
    setOutcome(null);
    const result = await outpost().invoke('tenants.signIn', { tenant });
    await settle(result.ok ? null : result.error.message, result.ok ? 'Signed in.' : null);
  };

  const signedIn = summary?.signedIn ?? null;
  return (
    <section aria-labelledby="signin-title">
      <h3 id="signin-title">Sign-in</h3>
      <p data-testid="signin-state">{signInState(tenant, signedIn, summary?.hasCache ?? false)}</p>
      <p>
        {signedIn === false ? (
          <button type="button" onClick={() => void signIn()} disabled={busy}>
            {busy ? 'Waiting for the sign-in…' : 'Sign in'}
          </button>
        ) : (
          <button type="button" ref={opener} onClick={() => setConfirming(true)} disabled={busy} data-testid="sign-out">
            Sign out…
          </button>
        )}
      </p>
      {confirming ? (
        <div
          role="alertdialog"
          aria-labelledby="signout-title"
          aria-describedby="signout-what"
          className="confirm-box"
          onKeyDown={(e) => e.key === 'Escape' && close()}
        >
          <h4 id="signout-title">Sign out of {tenant}?</h4>
          <p id="signout-what">
            Outpost forgets the sign-in kept in the keychain; syncing needs a new sign-in.{' '}
            {policyWipes ? "This tenant's policy wipes its cache at sign-out: nothing of it can be recovered." : 'The cache stays on this laptop, readable offline.'}
          </p>
          {policyWipes ? null : (
            <button type="button" onClick={() => void signOut(false)} data-testid="sign-out-keep">
              Sign out
            </button>
          )}{' '}
          <button type="button" className="danger" onClick={() => void signOut(true)} data-testid="sign-out-wipe">
            Sign out and wipe this tenant's cache
          </button>{' '}
          <button type="button" autoFocus onClick={close}>
            Cancel
          </button>
        </div>
      ) : null}
      {outcome ? <p role="status">{outcome}</p> : null}
      {failure ? <p role="alert" className="error-note">{failure}</p> : null}
    </section>
  );
}
