// quickconnect.test.mjs — the Quick Connect error paths the sign-in page
// explains, produced at the home stand-in through its control API
// (docs/standin.md): Quick Connect turned off on the server (POST
// /__standin/config) and a code that expires before it is approved (the
// stand-in's clock moved past the 10-minute lifetime, POST /__standin/clock);
// both end with a way forward, and a new code then signs in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, waitForDashboard, signOut, screenshots, axeCheck, approveQuickConnect,
  standinControl } from './support.mjs';

let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** The page's console reports a failed request's status; those we caused are expected. */
const unexpected = (problems, status) => problems.filter((p) => !new RegExp(`status of ${status}\\b`).test(p));

async function openQuickConnect(page) {
  await page.goto(config().ui);
  await page.getByRole('tab', { name: 'Quick Connect' }).click();
}

test('Quick Connect turned off on the server is explained, and the password remains', async () => {
  const { standin } = config();
  const { context, page, guards } = await openPage(browser);
  await standinControl(standin, 'POST', '/__standin/config', { QuickConnect: false });
  try {
    await openQuickConnect(page);
    const started = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/quickconnect') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Get a Quick Connect code' }).click();
    assert.equal((await started).status(), 409);
    const alert = page.getByRole('alert').filter({ hasText: 'Quick Connect is turned off on your Jellyfin server.' });
    await alert.waitFor();
    assert.match(await alert.textContent(), /sign in with your password/);
    await axeCheck(page, 'quick-connect-disabled');
    await screenshots(page, 'signin-quickconnect-disabled');
  } finally {
    await standinControl(standin, 'POST', '/__standin/config', { QuickConnect: true });
  }
  // Turned on again: a new code works.
  await page.getByRole('button', { name: 'Get a new code' }).click();
  const code = (await page.locator('.qc-code').textContent()).trim();
  await approveQuickConnect(standin, code, 'demo');
  await waitForDashboard(page);
  await signOut(page);
  assert.deepEqual(unexpected(guards.problems, 409), []);
  await context.close();
});

test('an expired Quick Connect code is explained, and a new one signs in', { timeout: 120000 }, async () => {
  const { standin } = config();
  const { context, page, guards } = await openPage(browser);
  await openQuickConnect(page);
  await page.getByRole('button', { name: 'Get a Quick Connect code' }).click();
  await page.locator('.qc-code').waitFor();
  const clock = await standinControl(standin, 'GET', '/__standin/clock');
  // Eleven minutes later at the stand-in: its code (10 minutes) is gone.
  await standinControl(standin, 'POST', '/__standin/clock', { OffsetSeconds: (clock.OffsetSeconds || 0) + 660 });
  try {
    const alert = page.getByRole('alert').filter({ hasText: 'The code expired before it was approved.' });
    await alert.waitFor({ timeout: 60000 });
    await axeCheck(page, 'quick-connect-expired');
    await screenshots(page, 'signin-quickconnect-expired');
  } finally {
    await standinControl(standin, 'POST', '/__standin/clock', { OffsetSeconds: clock.OffsetSeconds || 0 });
  }
  await page.getByRole('button', { name: 'Get a new code' }).click();
  const code = (await page.locator('.qc-code').textContent()).trim();
  await approveQuickConnect(standin, code, 'demo');
  await waitForDashboard(page);
  await signOut(page);
  guards.check('expired quick connect');
  await context.close();
});
