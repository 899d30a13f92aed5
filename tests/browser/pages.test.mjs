// pages.test.mjs — every page of the front end, signed in as a Jellyfin
// administrator: axe-core finds no serious or critical violation (dark and
// light), screenshots at 1280×800 and 375×812, no console errors, the CSP
// header on every response; plus the dashboard's first-load figures
// (bytes, requests, time to interactive) written to first_load.txt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { measureFirstLoad } from './first_load.mjs';
import { config, launch, openPage, signInWithPassword, waitForDashboard, signOut, goTo, screenshots, axeCheck } from './support.mjs';

let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function visit(page, link, heading, name) {
  await goTo(page, link, heading);
  await page.locator('.loading').first().waitFor({ state: 'detached' });
  await axeCheck(page, name);
  await screenshots(page, name);
}

test('every page: accessible, screenshotted, no console errors, CSP everywhere', { timeout: 600000 }, async () => {
  const { standinB } = config();
  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, 'admin', 'admin-password');
  await waitForDashboard(page);
  await axeCheck(page, 'dashboard');
  await screenshots(page, 'dashboard');

  await visit(page, 'Connections', 'Connections', 'connections-admin');
  if (!(await page.locator('li.card').filter({ hasText: standinB }).count())) {
    await page.getByLabel('Server address').fill(standinB);
    await page.getByLabel('Jellyfin user name').fill('admin');
    await page.getByLabel('Jellyfin password').fill('admin-password');
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.locator('li.card').filter({ hasText: standinB }).getByText('active').waitFor();
  }
  await visit(page, 'Sign in a device', 'Sign in a device', 'device');
  await visit(page, 'Libraries', 'Libraries', 'libraries-admin');
  await visit(page, 'Pairs', 'Pairs', 'pairs');
  if (!(await page.getByRole('link', { name: 'Admin pair' }).count())) {
    await page.getByRole('button', { name: 'New pair' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Admin pair');
    const bHost = new URL(standinB).host;
    const opts = await page.getByLabel('Source', { exact: true }).locator('option').allTextContents();
    await page.getByLabel('Source', { exact: true }).selectOption({ label: opts.find((o) => o.startsWith('admin') && !o.includes(bHost)) });
    await page.getByLabel('Target', { exact: true }).selectOption({ label: opts.find((o) => o.includes(bHost)) });
    await page.getByRole('button', { name: 'Create pair' }).click();
  } else {
    await page.getByRole('link', { name: 'Admin pair' }).first().click();
  }
  await page.getByRole('heading', { level: 1, name: 'Admin pair' }).waitFor();
  await axeCheck(page, 'pair-admin');
  await screenshots(page, 'pair-admin');
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.locator('#run-status').filter({ hasText: /Run (succeeded|failed)\./ }).waitFor({ timeout: 120000 });
  await page.getByText(/items shown\./).waitFor();
  await axeCheck(page, 'run-admin');
  await screenshots(page, 'run-admin');
  await visit(page, 'Security', 'Security', 'security');
  await visit(page, 'Sessions', 'Sessions', 'sessions');
  await visit(page, 'Admin', 'Administration', 'admin');
  await page.getByRole('button', { name: 'Verify the audit log' }).click();
  await page.getByRole('status').filter({ hasText: /The chain is/ }).waitFor();
  await page.goto(config().ui + '#/no-such-page');
  await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
  await axeCheck(page, 'not-found');
  // Keyboard: the skip link is the first stop and moves focus to <main>.
  await page.goto(config().ui + '#/dashboard');
  await page.reload();
  await waitForDashboard(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // The theme toggle switches and is kept.
  const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await page.reload();
  await waitForDashboard(page);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), before, 'the toggle changes the theme');
  await page.getByRole('button', { name: 'Dark theme' }).click();

  // First load of the dashboard: a fresh context (empty cache) with the session.
  const { bytes, requests, ttiMs } = await measureFirstLoad(browser, await context.storageState(), config().ui);
  const lines = [`ui.first_load_bytes=${bytes}`, `ui.first_load_requests=${requests}`, `ui.time_to_interactive_ms=${ttiMs}`];
  console.log(lines.join('\n'));
  fs.writeFileSync(path.join(config().artifacts, 'first_load.txt'), lines.join('\n') + '\n');
  assert.ok(bytes < 200 * 1024, `first load ${bytes} bytes (target < 200 KB)`);
  assert.ok(requests < 15, `first load ${requests} requests (target < 15)`);

  await signOut(page);
  guards.check('every page');
  await context.close();
});
