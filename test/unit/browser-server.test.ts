import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryKeychain } from '../../main/services/keychain';
import { createAppContext } from '../../main/app-context';
import { createHandlers } from '../../main/router/handlers';
import { createRouter } from '../../main/router/router';
import { startBrowserServer, type BrowserServer } from '../../main/server/browser-server';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP so the test controls Host and Origin exactly, as an attacker's page would. */
function request(port: number, pathName: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathName, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('browser-mode server', () => {
  let server: BrowserServer;
  let token: string;
  const context = createAppContext('browser', { env: { OUTPOST_HOME: '/tmp/outpost-server-test' }, keychain: memoryKeychain() });

  beforeAll(async () => {
    const renderer = mkdtempSync(path.join(os.tmpdir(), 'outpost-renderer-'));
    mkdirSync(path.join(renderer, 'assets'));
    writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Outpost</title>');
    writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
    server = await startBrowserServer({ router: createRouter(createHandlers(context)), events: context.events, rendererDir: renderer });
    token = new URL(server.url).searchParams.get('token') ?? '';
  });
  afterAll(() => server.close());

  it('prints a loopback URL that carries a fresh 256-bit token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
  });

  it('serves the app with the token, and sets an HttpOnly SameSite cookie for its assets', async () => {
    const page = await request(server.port, `/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Outpost</title>');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await request(server.port, '/assets/app.js', { headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('refuses every request without the token: page, assets, API and events', async () => {
    for (const target of ['/', '/assets/app.js', '/api/events', '/machines/1']) {
      expect((await request(server.port, target)).status).toBe(401);
    }
    const api = await request(server.port, '/api/invoke', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"channel":"app.info","request":{}}' });
    expect(api.status).toBe(401);
    expect((await request(server.port, `/?token=${'0'.repeat(64)}`)).status).toBe(401);
  });

  it('refuses a foreign Origin or a rebinding Host even with the token', async () => {
    const evil = await request(server.port, `/?token=${token}`, { headers: { Origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const rebound = await request(server.port, `/?token=${token}`, { headers: { Host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    const crossSite = await request(server.port, `/?token=${token}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
  });

  it('sends the strict CSP and hardening headers on every answer', async () => {
    const page = await request(server.port, `/?token=${token}`);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const refused = await request(server.port, '/');
    expect(refused.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('routes a contract request through the router and returns errors as data', async () => {
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, Origin: `http://127.0.0.1:${server.port}` };
    const info = await request(server.port, '/api/invoke', { method: 'POST', headers, body: JSON.stringify({ channel: 'app.info', request: {} }) });
    expect(JSON.parse(info.body)).toMatchObject({ ok: true, value: { name: 'Outpost', mode: 'browser' } });
    const bad = await request(server.port, '/api/invoke', { method: 'POST', headers, body: JSON.stringify({ channel: 'app.ping', request: { nonce: 1 } }) });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const garbage = await request(server.port, '/api/invoke', { method: 'POST', headers, body: '{not json' });
    expect(JSON.parse(garbage.body)).toMatchObject({ ok: false });
    const form = await request(server.port, '/api/invoke', { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });

  it('refuses paths that escape the renderer folder', async () => {
    const escape = await request(server.port, `/assets/..%2F..%2F..%2Fetc%2Fpasswd?token=${token}`);
    expect(escape.body).not.toContain('root:');
  });

  it('streams events to subscribers over SSE', async () => {
    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${token}` } },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            data += chunk;
            if (data.includes('\n\ndata:')) {
              if (data.includes('sync finished')) {
                req.destroy();
                resolve(data);
              }
            } else if (data.startsWith(': connected')) {
              context.events.emit('app.notice', { level: 'info', message: 'sync finished' });
            }
          });
        },
      );
      req.on('error', reject);
    });
    const data = await received;
    expect(data).toContain('"event":"app.notice"');
  });
});
