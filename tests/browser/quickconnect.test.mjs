// quickconnect.test.mjs — the Quick Connect error paths the sign-in page
// explains, produced at the home stand-in through its control API
// (docs/standin.md): Quick Connect turned off on the server (POST
// /__standin/config) and a code that expires before it is approved (the
// stand-in's clock moved past the 10-minute lifetime, POST /__standin/clock);
// both end with a way forward (a new code; the password). Quick Connect starts
// are limited per address (JB_QUICKCONNECT_IP_BURST, 5 in 5 minutes) and
// signin.test.mjs needs one more, so these start three in all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, screenshots, axeCheck, standinControl } from './support.mjs';

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
  // The way forward: a new code once it is turned on, or the password tab.
  assert.ok(await page.getByRole('button', { name: 'Get a new code' }).isEnabled());
  await page.getByRole('tab', { name: 'Password' }).click();
  await page.getByRole('textbox', { name: 'Password', exact: true }).waitFor();
  assert.deepEqual(unexpected(guards.problems, 409), []);
  await context.close();
});

test('an expired Quick Connect code is explained, and a new one is offered', { timeout: 120000 }, async () => {
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
  // The code is gone at auth-service too; a new one is offered.
  assert.ok(await page.getByRole('button', { name: 'Get a new code' }).isEnabled());
  assert.equal(await page.locator('.qc-code').count(), 0, 'the expired code is no longer shown');
  guards.check('expired quick connect');
  await context.close();
});
