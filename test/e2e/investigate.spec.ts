import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { startEmulator, type AnswerKey } from '../../emulator';
import { DEMO_SCALE, DEMO_SEED } from '../../main/cli/demo';

/*
 * The offline investigation, end to end in Chromium against browser mode: the demo tenant is
 * synced once by the CLI (which then exits, taking the emulator with it), and the app serves
 * the pages from the encrypted cache alone. The answer key comes straight from the emulator
 * module with the same seed, so each step asserts exactly the entities the generator planted.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, 'dist/cli.mjs');
const run = promisify(execFile);

interface Serving {
  url: string;
  origin: string;
  child: ChildProcess;
}

let home: string;
let serving: Serving;
let key: AnswerKey;

async function serve(): Promise<Serving> {
  const child = spawn(process.execPath, [cli, 'serve'], { cwd: repoRoot, env: { ...process.env, OUTPOST_HOME: home, OUTPOST_NO_OPEN: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 30_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const match = /^Outpost ready: (\S+)$/m.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`outpost exited ${code}: ${out}`)));
  });
  return { url, origin: new URL(url).origin, child };
}

async function stop(s: Serving): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  home = mkdtempSync(path.join(os.tmpdir(), 'outpost-investigate-'));
  const env = { ...process.env, OUTPOST_HOME: home, OUTPOST_NO_OPEN: '1' };
  await run(process.execPath, [cli, 'tenant', 'add', '--demo'], { env, cwd: repoRoot });
  await run(process.execPath, [cli, 'sync', '--tenant', 'demo'], { env, cwd: repoRoot, timeout: 180_000 });
  const emulator = await startEmulator({ seed: DEMO_SEED, scale: DEMO_SCALE });
  key = emulator.answerKey();
  await emulator.close();
  serving = await serve();
});

test.afterAll(async () => {
  if (serving) await stop(serving);
  if (home) rmSync(home, { recursive: true, force: true });
});

const shot = (page: Page, name: string) => page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
const title = (page: Page) => page.getByTestId('page-title');

/** Opens the app at a deep link (the first visit carries the launch token). */
async function open(page: Page, href: string) {
  if (!page.url().startsWith(serving.origin)) {
    await page.goto(serving.url);
    await expect(page.getByTestId('connection')).toHaveText('Connected to Outpost');
  }
  await page.goto(`${serving.origin}${href}`);
}

/** Ctrl+K, type, wait for the hit, Enter. */
async function palette(page: Page, text: string, expectHref: string) {
  await page.keyboard.press('Control+k');
  const box = page.getByRole('combobox', { name: /Search for a hash/ });
  await box.fill(text);
  await expect(page.locator('[role=option][aria-selected=true]')).toBeVisible();
  await box.press('Enter');
  await page.waitForURL((url) => url.pathname === expectHref);
}

test('follows each attack story from its alert to the process tree, the file, every machine that ran it, the C2 IP and URL, and back', async ({ page }) => {
  test.setTimeout(300_000);
  await open(page, '/alerts');
  await expect(title(page)).toHaveText('Alerts');
  await expect(page.getByTestId('alert-total')).toContainText('alerts');
  await shot(page, 'alerts-queue');
  const implant = key.stories.find((s) => s.id === 'malicious-file')!.sha1s[0]!;
  const implantMachines = key.stories.find((s) => s.id === 'malicious-file')!.machineIds;

  for (const story of key.stories) {
    const alertId = story.alertIds[0]!;
    // From the queue to the alert: filter the queue by the alert's category-free text, then open it by its link.
    await open(page, '/alerts');
    await page.locator(`a[href="/alerts/${encodeURIComponent(alertId)}"]`).first().click().catch(async () => open(page, `/alerts/${encodeURIComponent(alertId)}`));
    await expect(page).toHaveURL(new RegExp(`/alerts/${alertId}$`));
    const alertTitle = (await title(page).textContent()) ?? '';
    expect(alertTitle.length).toBeGreaterThan(0);
    await expect(page.getByTestId('technique').first()).toBeVisible();

    // The alert story: the process tree names the story's processes on this machine.
    const machineId = await page.locator('.entity-subtitle a[href^="/machines/"]').getAttribute('href');
    const onThisMachine = story.processes.filter((p) => `/machines/${p.machineId}` === machineId);
    const tree = page.getByTestId('alert-story');
    for (const p of onThisMachine.filter((p) => story.alertIds.length === 1 || p === onThisMachine[0])) {
      await expect(tree.locator(`[data-file="${p.fileName}"]`).first()).toBeAttached();
    }
    await shot(page, `story-${story.id}-alert`);

    // To the malicious file: from the alert's related entities, else through the palette.
    const sha1 = story.sha1s.includes(implant) ? implant : story.sha1s[0]!;
    const fileLink = page.getByTestId('related').locator(`a[href="/files/${sha1}"]`);
    if (await fileLink.count()) await fileLink.first().click();
    else await palette(page, sha1, `/files/${sha1}`);
    await expect(page).toHaveURL(new RegExp(`/files/${sha1}$`));
    await expect(page.getByTestId('file-machines')).toBeVisible();
    const expectedMachines = sha1 === implant ? implantMachines : [];
    for (const id of expectedMachines) await expect(page.getByTestId('file-machines').locator(`a[href="/machines/${id}"]`).first()).toBeVisible();
    await shot(page, `story-${story.id}-file`);

    // To every other machine that ran it.
    for (const id of expectedMachines) {
      await page.getByTestId('file-machines').locator(`a[href="/machines/${id}"]`).first().click();
      await expect(page).toHaveURL(new RegExp(`/machines/${id}`));
      await expect(page.getByTestId('timeline-table').getByRole('row').first()).toBeVisible();
      await shot(page, `story-${story.id}-machine-${id.slice(0, 8)}`);
      await page.goBack();
      await expect(page).toHaveURL(new RegExp(`/files/${sha1}$`));
    }

    // To the C2 IP (through the entity graph) and the URL.
    if (story.ips.length > 0) {
      const ip = story.ips.includes(key.c2.primaryIp) ? key.c2.primaryIp : story.ips[0]!;
      await page.getByRole('button', { name: 'Show graph' }).click();
      const ipInGraph = page.getByTestId('entity-graph').locator(`a[href="/ips/${ip}"]`);
      if (await ipInGraph.count().then((n) => n > 0, () => false)) await ipInGraph.first().click();
      else await palette(page, ip, `/ips/${ip}`);
      await expect(page).toHaveURL(new RegExp(`/ips/${ip.replaceAll('.', '\\.')}$`));
      await expect(title(page)).toHaveText(ip);
      if (ip === key.c2.primaryIp) {
        for (const id of key.stories.find((s) => s.id === 'beaconing')!.machineIds) {
          await expect(page.getByTestId('connections').locator(`a[href="/machines/${id}"]`).first()).toBeVisible();
        }
      }
      await shot(page, `story-${story.id}-ip`);
    }
    if (story.urls.length > 0) {
      const url = story.urls[0]!;
      const isUrl = /[/:]/.test(url);
      const href = isUrl ? `/urls/${encodeURIComponent(url)}` : `/domains/${url}`;
      await palette(page, url, isUrl ? `/urls/${encodeURIComponent(url)}` : href);
      await expect(title(page)).toHaveText(isUrl ? url : url.toLowerCase());
      // The URL page names the story's alerts (evidence) or the machines that connected.
      const alertsOrMachines = page.locator(`[data-testid="entity-alerts"] a[href^="/alerts/"], [data-testid="connections"] a[href^="/machines/"]`);
      await expect(alertsOrMachines.first()).toBeVisible();
      await shot(page, `story-${story.id}-url`);
    }

    // And back: history returns to the alert, step by step.
    for (let i = 0; i < 8 && !page.url().endsWith(`/alerts/${alertId}`); i++) await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/alerts/${alertId}$`));
    await expect(title(page)).toHaveText(alertTitle);
  }
});

test('the process tree of any process opens from the machine timeline, and the palette finds a command-line fragment', async ({ page }) => {
  const ps = key.stories.find((s) => s.id === 'phishing')!.processes.find((p) => p.fileName.toLowerCase() === 'powershell.exe')!;
  await open(page, `/machines/${ps.machineId}?q=${encodeURIComponent('powershell')}`);
  await expect(page.getByTestId('histogram')).toBeVisible();
  // The logged-on users say when the sync asked the tenant for them.
  await expect(page.getByTestId('machine-users-asked')).toContainText(/As the tenant answered at \d{4}-\d{2}-\d{2}/);
  const byProcess = page.getByTestId('timeline-table').getByRole('button', { name: /Show the process tree of/ }).first();
  await byProcess.click();
  await expect(page.getByTestId('machine-process-tree').getByTestId('process-node').first()).toBeVisible();
  await shot(page, 'machine-timeline-tree');
  // A command-line fragment typed in the palette lands on the process that ran it, with its tree.
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: /Search for a hash/ }).fill('MiniDump');
  await expect(page.getByRole('group', { name: 'Processes' }).getByRole('option').first()).toContainText('rundll32');
  // Keyboard only: down the list to the process, Enter.
  for (let i = 0; i < 20 && !/^Process.*rundll32/.test((await page.locator('[role=option][aria-selected=true]').textContent()) ?? ''); i++) await page.keyboard.press('ArrowDown');
  await expect(page.locator('[role=option][aria-selected=true]')).toHaveText(/^Process.*rundll32/);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/processes\//);
  await expect(page.getByTestId('process-tree')).toBeVisible();
  await shot(page, 'process-from-palette');
});

test('a full browse of every page type, with the emulator stopped, makes no request outside the app origin', async ({ browser }) => {
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(serving.origin)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const phishing = key.stories.find((s) => s.id === 'phishing')!;
  const ps = phishing.processes[0]!;
  const pages = [
    '/alerts',
    `/alerts/${phishing.alertIds[0]}`,
    '/machines',
    `/machines/${ps.machineId}?process=${encodeURIComponent(`${ps.processId}|${ps.creationTime}`)}`,
    `/files/${key.stories.find((s) => s.id === 'malicious-file')!.sha1s[0]}`,
    `/ips/${key.c2.primaryIp}`,
    `/urls/${encodeURIComponent(key.c2.stagerUrl)}`,
    `/domains/${key.c2.primaryDomain}`,
    '/accounts/fabrikam/svc-backup',
    `/processes/${ps.machineId}/${ps.processId}/${encodeURIComponent(ps.creationTime)}`,
    '/search?q=powershell',
    '/case',
    '/sync',
    '/settings',
  ];
  await page.goto(serving.url);
  for (const href of pages) {
    await page.goto(`${serving.origin}${href}`);
    await expect(title(page)).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    if (await page.getByRole('button', { name: 'Show graph' }).count()) {
      await page.getByRole('button', { name: 'Show graph' }).click();
      await expect(page.getByTestId('graph-node').first()).toBeVisible();
    }
  }
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: /Search for a hash/ }).fill(key.c2.primaryIp);
  await expect(page.locator('[role=option]').first()).toBeVisible();
  expect(outside).toEqual([]);
  await context.close();
});

test('tags and notes survive a restart; the HTML export opens offline; the pseudonymized export names no host or account', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const malicious = key.stories.find((s) => s.id === 'malicious-file')!;
  const sha1 = malicious.sha1s[0]!;
  const victim = malicious.machineIds[0]!;

  const annotate = async (href: string, tag: string, note: string) => {
    await open(page, href);
    await page.getByRole('textbox', { name: 'New tag' }).fill(tag);
    await page.getByRole('button', { name: 'Tag', exact: true }).click();
    await expect(page.getByTestId('tag').filter({ hasText: tag })).toBeVisible();
    await page.getByRole('textbox', { name: 'Add a note' }).fill(note);
    await page.getByRole('button', { name: 'Save note' }).click();
    await expect(page.getByTestId('note').filter({ hasText: note })).toBeVisible();
  };
  await open(page, `/machines/${victim}`);
  // The title is the device id until the machine's details are in; then its name.
  await expect(page.getByLabel('Machine details')).toBeVisible();
  const hostName = (await title(page).textContent())!;
  expect(hostName).not.toBe(victim);
  const shortHost = hostName.split('.')[0]!;
  await annotate(`/files/${sha1}`, 'malicious', `Cobalt Strike loader seen on ${shortHost} run by mchen`);
  await annotate(`/machines/${victim}`, 'patient-zero', `Isolate ${hostName}; jpatel and svc-backup touched it`);
  await annotate('/accounts/fabrikam/svc-backup', 'compromised', 'svc-backup was used for lateral movement');

  // Restart on the same OUTPOST_HOME: the notes and tags come back from the encrypted cache.
  await stop(serving);
  serving = await serve();
  await page.goto(serving.url);
  await page.goto(`${serving.origin}/case`);
  await expect(page.getByTestId('case-entity')).toHaveCount(3);
  await expect(page.getByText(`Cobalt Strike loader seen on ${shortHost} run by mchen`)).toBeVisible();
  await open(page, `/files/${sha1}`);
  await expect(page.getByTestId('tag').filter({ hasText: 'malicious' })).toBeVisible();
  await shot(page, 'after-restart-file');

  // The HTML report, downloaded, then opened in a fresh page with every request blocked.
  await open(page, '/case');
  await page.getByLabel('HTML report').check();
  const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-case').click()]);
  await expect(page.getByTestId('export-status')).toContainText('recorded in the audit log');
  const html = readFileSync((await htmlDownload.path())!, 'utf8');
  const offline = await browser.newContext({ offline: true });
  const requests: string[] = [];
  await offline.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.abort();
  });
  const report = await offline.newPage();
  await report.setContent(html);
  await expect(report.getByRole('heading', { name: 'Outpost case report' })).toBeVisible();
  await expect(report.getByText('Cobalt Strike loader')).toBeVisible();
  await report.screenshot({ path: test.info().outputPath('report-offline.png'), fullPage: true });
  expect(requests).toEqual([]);
  expect(html).not.toMatch(/<script|src=|href=|url\(|@import/i);
  await offline.close();

  // The pseudonymized JSON export: no original host or account name anywhere in it.
  await page.getByLabel('JSON').check();
  await page.getByLabel('Pseudonymize host and account names').check();
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-case').click()]);
  const json = readFileSync((await jsonDownload.path())!, 'utf8');
  expect(JSON.parse(json).entities).toHaveLength(3);
  const names = [hostName, shortHost, 'mchen', 'jpatel', 'svc-backup', 'spark'];
  for (const name of names) expect(json.toLowerCase(), `${name} left in the export`).not.toContain(name.toLowerCase());
  expect(json).toMatch(/host-[0-9a-f]{10}/);
  expect(json).toMatch(/user-[0-9a-f]{10}/);

  // Both exports are in the audit log.
  const audit = await page.evaluate(async () => (await (await fetch('/api/invoke', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'audit.list', request: { tenant: 'demo' } }) })).json()) as { ok: boolean; value: Array<{ action: string; detail: unknown }> });
  expect(audit.ok).toBe(true);
  const exports = audit.value.filter((entry) => entry.action === 'export');
  expect(exports.length).toBeGreaterThanOrEqual(2);
  expect(exports.some((entry) => JSON.stringify(entry.detail).includes('"pseudonymized":true'))).toBe(true);
});

test('settings: sign out asks first, then the tenant reads as not signed in and its cache stays readable', async ({ page }) => {
  await open(page, '/settings');
  await expect(page.getByTestId('signin-state')).toContainText('Signed in to demo');
  await page.getByTestId('sign-out').click();
  await expect(page.getByRole('alertdialog', { name: 'Sign out of demo?' })).toBeVisible();
  await shot(page, 'settings-sign-out-confirm');
  await page.getByTestId('sign-out-keep').click();
  await expect(page.getByTestId('signin-state')).toContainText('Not signed in to demo');
  await expect(page.getByTestId('audit-log')).toContainText('sign-out');
  await shot(page, 'settings-signed-out');
  await open(page, '/alerts');
  await expect(page.getByTestId('alert-total')).toContainText('alerts');
});

test('settings: the audit log view verifies its chain, and the wipe needs the tenant name typed, then erases the cache', async ({ page }) => {
  await open(page, '/settings');
  await expect(title(page)).toHaveText('Settings');
  await expect(page.getByTestId('audit-log').locator('tbody tr').first()).toBeVisible();
  await page.getByTestId('audit-verify').click();
  await expect(page.getByTestId('audit-verdict')).toContainText('Intact');
  await shot(page, 'settings-audit');

  const wipe = page.getByTestId('wipe');
  await expect(wipe).toBeDisabled();
  await page.getByTestId('wipe-confirm').fill('dem');
  await expect(wipe).toBeDisabled();
  await page.getByTestId('wipe-confirm').fill('demo');
  await wipe.click();
  await expect(page.getByText(/Wiped: \d+ bytes removed; a receipt was kept/)).toBeVisible();
  const caches = path.join(home, 'caches');
  expect(readdirSync(caches).flatMap((folder) => readdirSync(path.join(caches, folder)))).toEqual([]);
  expect(readdirSync(path.join(home, 'receipts')).some((name) => name.startsWith('wipe-receipt'))).toBe(true);
});
