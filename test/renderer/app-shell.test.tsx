import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AppShell } from '../../renderer/src/components/AppShell';

afterEach(cleanup);

const info = { name: 'Outpost', version: '1.2.3', mode: 'browser' as const, platform: 'linux', startedAt: '2026-11-26T00:00:00.000Z' };

describe('AppShell', () => {
  it('names the app, its version and transport once connected', () => {
    render(<AppShell info={info} connection="connected" errorMessage={null} />);
    expect(screen.getByRole('heading', { name: 'Outpost' })).toBeTruthy();
    expect(screen.getByTestId('app-version').textContent).toBe('v1.2.3 · browser mode');
    expect(screen.getByRole('status').textContent).toBe('Connected to Outpost');
  });

  it('shows why it cannot reach main, as an alert a screen reader announces', () => {
    render(<AppShell info={null} connection="failed" errorMessage="Outpost refused the request (401)." />);
    expect(screen.getByRole('alert').textContent).toBe('Outpost refused the request (401).');
    expect(screen.getByRole('status').textContent).toBe('Not connected');
  });
});
