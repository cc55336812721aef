import { describe, expect, it } from 'vitest';
import { entityRoute, hrefOf, parseRoute } from '../../renderer/src/lib/routes';

describe('deep links', () => {
  const links = [
    '/alerts',
    '/alerts?severity=High%2CMedium&sort=severity',
    '/alerts/da637',
    '/machines/abc123?kinds=network&process=4412%7C2026-01-01T00%3A00%3A00.0000000Z',
    '/files/0123456789abcdef0123456789abcdef01234567',
    '/ips/203.0.113.45',
    '/urls/http%3A%2F%2Fupdate-telemetry-cdn.com%2Fa.ps1',
    '/domains/update-telemetry-cdn.com',
    '/accounts/fabrikam/svc-backup',
    '/accounts/-/system',
    '/search?q=MiniDump',
    '/case',
    '/sync',
    '/settings',
  ];
  it.each(links)('%s parses and formats back to itself', (link) => {
    const url = new URL(link, 'http://127.0.0.1');
    const route = parseRoute(url.pathname, url.search);
    expect(route.page).not.toBe('not-found');
    expect(hrefOf(route)).toBe(link);
  });

  it('opens every entity type on its own page', () => {
    expect(hrefOf(entityRoute({ type: 'account', key: 'fabrikam\\mchen' }))).toBe('/accounts/fabrikam/mchen');
    expect(hrefOf(entityRoute({ type: 'url', key: 'http://x.test/a b' }))).toBe('/urls/http%3A%2F%2Fx.test%2Fa%20b');
    expect(parseRoute('/urls/http%3A%2F%2Fx.test%2Fa%20b')).toEqual({ page: 'url', url: 'http://x.test/a b' });
    expect(entityRoute({ type: 'process', key: 'dev|4412|2026-01-01T00:00:00Z' })).toEqual({ page: 'process', deviceId: 'dev', processId: 4412, creationTime: '2026-01-01T00:00:00Z' });
    expect(parseRoute('/nowhere').page).toBe('not-found');
  });
});
