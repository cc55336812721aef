import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../contract';
import { SignInSection } from '../../renderer/src/pages/SignInSection';
import { useSession, type TenantSummary } from '../../renderer/src/stores/session';
import { useSync } from '../../renderer/src/stores/sync';
import { fakeApi, install } from './fake-api';

afterEach(cleanup);

const summary = (signedIn: boolean): TenantSummary => ({ name: 'field', tenantId: 't', region: 'commercial-us', demo: false, hasCache: true, lastSyncAt: null, lifecycle: null, signedIn });

// The renderer keeps the first api it meets, so one fake serves both tests; setUp resets its state.
let signedIn = true;
let wipeOnSignOut = false;
const statusOf = () => ({ tenant: 'field', policy: { wipeOnSignOut } }) as ResponseOf<'sync.status'>;
const { api, calls } = fakeApi({
  'tenants.list': () => [summary(signedIn)],
  'tenants.signOut': (request) => ((signedIn = false), { wiped: (request as { wipe: boolean }).wipe || wipeOnSignOut, policyRequiresWipe: wipeOnSignOut }),
  'sync.status': statusOf,
});
install(api);

function setUp(policyWipes: boolean) {
  signedIn = true;
  wipeOnSignOut = policyWipes;
  calls.splice(0);
  useSession.setState({ tenants: [summary(true)], tenant: 'field' });
  useSync.setState({ status: statusOf() });
  render(<SignInSection tenant="field" />);
  return { calls };
}

describe('SignInSection', () => {
  it('asks first, offers the wipe as a separate destructive choice, then shows the tenant signed out', async () => {
    const { calls } = setUp(false);
    expect(screen.getByTestId('signin-state').textContent).toMatch(/^Signed in to field/);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Sign out of field?' });
    expect(dialog.textContent).toContain('readable offline');
    expect(screen.getByRole('button', { name: "Sign out and wipe this tenant's cache" }).className).toBe('danger');
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Signed out.');
    expect(screen.getByTestId('signin-state').textContent).toMatch(/^Not signed in to field: syncing needs a sign-in\. What was synced stays readable offline\./);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(calls.filter((c) => c.channel === 'tenants.signOut').map((c) => c.request)).toEqual([{ tenant: 'field', wipe: false }]);
  });

  it('when the policy wipes at sign-out, the wipe is the only way to sign out, and Cancel signs nothing out', async () => {
    const { calls } = setUp(true);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    expect(screen.getByRole('alertdialog').textContent).toContain("policy wipes its cache");
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out…' }));
    fireEvent.click(screen.getByRole('button', { name: "Sign out and wipe this tenant's cache" }));
    expect((await screen.findByRole('status')).textContent).toContain("This tenant's cache was wiped; a receipt was kept.");
    expect(calls.filter((c) => c.channel === 'tenants.signOut').map((c) => c.request)).toEqual([{ tenant: 'field', wipe: true }]);
  });
});
