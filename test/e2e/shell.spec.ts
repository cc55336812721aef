import { request as playwrightRequest } from '@playwright/test';
import { expect, startOutpost, stopOutpost, test } from './fixtures/outpost';

test.describe('browser mode shell', () => {
  test('loads the app, shows its shell, and answers over the contract', async ({ page, outpost }) => {
    await page.goto(outpost.url);
    await expect(page.getByRole('heading', { name: 'Outpost' })).toBeVisible();
    // app.info is an IPC round trip through the router: the version shown came from main.
    await expect(page.getByTestId('connection')).toHaveText('Connected to Outpost');
    await expect(page.getByTestId('app-version')).toContainText('browser mode');
    // The launch token does not stay in the address bar or history.
    expect(page.url()).not.toContain('token=');
    await page.screenshot({ path: test.info().outputPath('shell.png') });
  });

  test('one request round trip through /api/invoke with the session cookie', async ({ page, outpost }) => {
    await page.goto(outpost.url);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel: 'app.ping', request: { nonce: 'e2e' } }),
      });
      return response.json();
    });
    expect(answer).toMatchObject({ ok: true, value: { nonce: 'e2e' } });
  });

  test('refuses a request without the token, and one from a foreign Origin', async ({ outpost }) => {
    const anonymous = await playwrightRequest.newContext();
    expect((await anonymous.get(`${outpost.origin}/`)).status()).toBe(401);
    expect((await anonymous.post(`${outpost.origin}/api/invoke`, { data: { channel: 'app.info', request: {} } })).status()).toBe(401);
    const foreign = await anonymous.get(outpost.url, { headers: { Origin: 'http://evil.example' } });
    expect(foreign.status()).toBe(403);
    await anonymous.dispose();
  });

  test('the CSP blocks an injected inline script', async ({ page, outpost }) => {
    await page.goto(outpost.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected to Outpost');
    const outcome = await page.evaluate(async () => {
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective), { once: true }),
      );
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true;';
      document.body.appendChild(script);
      return { ran: (window as unknown as { __injected?: boolean }).__injected === true, directive: await violation };
    });
    expect(outcome.ran).toBe(false);
    expect(outcome.directive).toMatch(/^script-src/);
  });

  test('exits cleanly on SIGTERM', async () => {
    const outpost = await startOutpost();
    expect(await stopOutpost(outpost)).toBe(0);
  });
});
