// signin.test.mjs — signing in through the page: by password, by Quick
// Connect (approved at the home stand-in), and with a second factor set up
// on the Security page and answered with oathtool's codes; signing out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { config, launch, openPage, signInWithPassword, waitForDashboard, signOut, goTo, screenshots, axeCheck,
  approveQuickConnect, ensureUser, totp } from './support.mjs';

let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

test('sign in by password and sign out', async () => {
  const { context, page, guards } = await openPage(browser);
  await page.goto(config().ui);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await axeCheck(page, 'sign-in');
  await screenshots(page, 'signin');
  await signInWithPassword(page, 'demo', 'demo-password');
  await waitForDashboard(page);
  assert.match(await page.locator('.whoami').textContent(), /demo/);
  await signOut(page);
  // The session is over: a reload shows the sign-in page again.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  guards.check('password sign-in');
  await context.close();
});

test('a wrong password shows the server\'s sentence', async () => {
  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, 'demo', 'not-the-password');
  const alert = page.locator('#signin-error');
  await alert.waitFor();
  assert.ok((await alert.textContent()).length > 10, 'the problem detail is shown');
  // The 401 of the failed sign-in is the one console line Chromium writes for it.
  const rest = guards.problems.filter((p) => !/status of 401/.test(p));
  assert.deepEqual(rest, []);
  await context.close();
});

test('sign in by Quick Connect, approved at the stand-in', async () => {
  const { context, page, guards } = await openPage(browser);
  await page.goto(config().ui);
  await page.getByRole('tab', { name: 'Quick Connect' }).click();
  await page.getByRole('button', { name: 'Get a Quick Connect code' }).click();
  const codeEl = page.locator('.qc-code');
  await codeEl.waitFor();
  const code = (await codeEl.textContent()).trim();
  assert.match(code, /^\S{4,}$/);
  await axeCheck(page, 'quick-connect');
  await screenshots(page, 'signin-quickconnect');
  await approveQuickConnect(config().standin, code, 'demo');
  await waitForDashboard(page);
  assert.match(await page.locator('.whoami').textContent(), /demo/);
  await signOut(page);
  guards.check('quick connect');
  await context.close();
});

test('second factor: set up with the QR code key, sign in with oathtool codes', async () => {
  const user = 'ui-totp';
  await ensureUser(config().standin, user, 'totp-password');
  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, user, 'totp-password');
  await waitForDashboard(page);
  await goTo(page, 'Security');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.getByRole('button', { name: 'Show the QR code' }).click();
  await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  await axeCheck(page, 'security-enrol');
  await screenshots(page, 'security-enrol');
  const now = Math.floor(Date.now() / 1000);
  await page.getByLabel('2. Enter the six-digit code the app shows').fill(totp(secret, now));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByRole('region', { name: 'Recovery codes' });
  await codes.waitFor();
  assert.ok(await codes.locator('li').count() >= 8, 'recovery codes are listed');
  const [download] = await Promise.all([page.waitForEvent('download'), codes.getByRole('button', { name: 'Download as .txt' }).click()]);
  assert.equal(download.suggestedFilename(), 'jellybridge-recovery-codes.txt');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(text.includes((await codes.locator('li code').first().textContent()).trim()), 'the file holds the codes');
  await screenshots(page, 'security-recovery-codes');
  await codes.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByText('Sign-in asks for a code from your app.').waitFor();
  await signOut(page);

  // Next sign-in: the challenge, answered with the next time step's code
  // (a code works once; the server accepts one step of clock drift).
  await signInWithPassword(page, user, 'totp-password');
  await page.getByRole('heading', { level: 2, name: 'Second step' }).waitFor();
  await axeCheck(page, 'second-step');
  await screenshots(page, 'signin-second-step');
  await page.getByLabel('Six-digit code from your authenticator app').fill(totp(secret, now + 30));
  await page.getByLabel('Trust this browser').check();
  await page.getByRole('button', { name: 'Verify' }).click();
  await waitForDashboard(page);
  guards.check('second factor');
  await context.close();
});
