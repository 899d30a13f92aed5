// passkeys.test.mjs — passkeys through Chromium's virtual authenticator
// (DevTools protocol WebAuthn.addVirtualAuthenticator): registered on the
// Security page, used as the second step after the password, then set to
// replace the password and used to sign in on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, signInWithPassword, waitForDashboard, signOut, goTo, screenshots, axeCheck,
  ensureUser } from './support.mjs';

const USER = 'ui-passkey';
const PASSWORD = 'passkey-password';
let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function virtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

test('a passkey as second step, then instead of the password', { timeout: 300000 }, async () => {
  await ensureUser(config().standin, USER, PASSWORD);
  const { context, page, guards } = await openPage(browser);
  const { cdp, authenticatorId } = await virtualAuthenticator(context, page);
  await signInWithPassword(page, USER, PASSWORD);
  await waitForDashboard(page);
  await goTo(page, 'Security');
  const section = page.getByRole('region', { name: 'Passkeys' });
  assert.ok(await section.count() === 1 || (await section.waitFor({ timeout: 10000 }).then(() => true, () => false)),
    'the Security page offers passkeys (GET /api/v1/me/security answers passkeys.available = true)');

  // Registered as a second step.
  await section.getByLabel('Passkey name').fill('Virtual key');
  await section.getByRole('button', { name: 'Create a passkey' }).click();
  await section.getByText('Passkey “Virtual key” added.').waitFor();
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1, 'the virtual authenticator holds the new passkey');
  await axeCheck(page, 'security-passkeys');
  await screenshots(page, 'security-passkeys');
  await signOut(page);

  // Password, then the passkey as the second step.
  await signInWithPassword(page, USER, PASSWORD);
  await page.getByRole('heading', { level: 2, name: 'Second step' }).waitFor();
  const choice = page.getByRole('radio', { name: 'Passkey' });
  if (await choice.count()) await choice.check();
  await page.getByRole('button', { name: 'Use my passkey' }).click();
  await waitForDashboard(page);

  // Now instead of the password.
  await goTo(page, 'Security');
  await section.getByRole('button', { name: 'Use instead of password' }).click();
  // The passkey's own line says so (not just the button's label).
  await section.getByText('instead of password', { exact: true }).waitFor();
  await section.getByRole('button', { name: 'Use only as a second step' }).waitFor();
  await signOut(page);
  await page.getByRole('tab', { name: 'Passkey' }).click();
  await axeCheck(page, 'signin-passkey');
  await screenshots(page, 'signin-passkey');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await waitForDashboard(page);
  assert.match(await page.locator('.whoami').textContent(), new RegExp(USER));
  const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(after.credentials[0].signCount >= 2, 'the passkey signed twice');
  await signOut(page);
  guards.check('passkeys');
  await context.close();
});
