import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventChannel, EventOf, OutpostApi } from '../../contract';
import { UpgradeNotice } from '../../renderer/src/pages/TenantAdmin';
import { fakeApi, install } from './fake-api';

afterEach(cleanup);

// The fake delivers events: main's 'cache.upgrading' as the renderer would receive it.
const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
const { api } = fakeApi({});
const withEvents: OutpostApi = {
  ...api,
  on: (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  },
};
install(withEvents);
const emit = <E extends EventChannel>(event: E, payload: EventOf<E>) => act(() => listeners.get(event)?.forEach((listener) => listener(payload as never)));

describe('UpgradeNotice', () => {
  it('says why the open waits while an older cache is upgraded, per tenant, and goes when it is done', () => {
    render(<UpgradeNotice />);
    expect(screen.queryByTestId('upgrade-notice')).toBeNull();
    emit('cache.upgrading', { tenant: 'field', from: 5, to: 6, done: false });
    const notice = screen.getByTestId('upgrade-notice');
    expect(notice.getAttribute('role')).toBe('status');
    expect(notice.textContent).toContain('Upgrading the cache of field');
    expect(notice.textContent).toContain('schema 5 to 6');
    expect(notice.textContent).not.toContain('% done');
    emit('cache.upgrading', { tenant: 'field', from: 5, to: 6, done: false, percent: 40 });
    expect(screen.getByTestId('upgrade-notice').textContent).toContain('(schema 5 to 6): 40% done.');
    emit('cache.upgrading', { tenant: 'lab', from: 5, to: 6, done: false });
    emit('cache.upgrading', { tenant: 'field', from: 5, to: 6, done: true });
    expect(screen.getByTestId('upgrade-notice').textContent).not.toContain('field');
    expect(screen.getByTestId('upgrade-notice').textContent).toContain('lab');
    emit('cache.upgrading', { tenant: 'lab', from: 5, to: 6, done: true });
    expect(screen.queryByTestId('upgrade-notice')).toBeNull();
  });
});
