// device.test.mjs — "Sign in a device": a device (a fetch from node, with its
// own MediaBrowser header) starts Quick Connect at the home stand-in; the user
// types its code on the page and reads which account on which server it is
// signed in as; the device's poll then says Authenticated. A code no device
// shows is refused with its sentence next to the field. (Quick Connect here is
// the stand-in's own: nothing counts towards the suite's Quick Connect sign-in
// limit per address.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, signInWithPassword, waitForDashboard, goTo, screenshots, axeCheck, ensureUser } from './support.mjs';

const USER = 'tvowner';
const PASSWORD = 'tvowner-password';

let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** The page's console reports a failed request's status; those we caused are expected. */
const unexpected = (problems, status) => problems.filter((p) => !new RegExp(`status of ${status}\\b`).test(p));

/** A device's Quick Connect call at the stand-in, as that device. */
async function asDevice(deviceId, method, path) {
  const r = await fetch(config().standin + path, {
    method,
    headers: { Authorization: `MediaBrowser Client="Living Room TV App", Device="Living room TV", DeviceId="${deviceId}", Version="2.1"` },
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path} → ${r.status} ${text}`);
  return JSON.parse(text);
}

test('a device shows a Quick Connect code, the user types it, the device is signed in', { timeout: 120000 }, async () => {
  const { standin } = config();
  await ensureUser(standin, USER, PASSWORD);
  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, USER, PASSWORD);
  await waitForDashboard(page);
  await goTo(page, 'Sign in a device');
  await page.getByLabel('Server and account').waitFor();

  const deviceId = 'tv-' + Math.random().toString(16).slice(2);
  const started = await asDevice(deviceId, 'POST', '/QuickConnect/Initiate');
  assert.equal(started.Authenticated, false);
  const code = page.getByRole('textbox', { name: 'Code shown on the device' });
  assert.equal(await code.getAttribute('inputmode'), 'numeric');
  assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');

  // A code no device shows: its sentence next to the field.
  await code.fill('000000');
  await page.getByRole('button', { name: 'Sign in the device' }).click();
  const fieldError = page.locator('.field-error').filter({ hasText: 'no device waiting with that code' });
  await fieldError.waitFor();
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  await axeCheck(page, 'device-unknown-code');
  await screenshots(page, 'device-unknown-code');

  await code.fill(started.Code);
  await page.getByRole('button', { name: 'Sign in the device' }).click();
  const done = page.getByRole('status').filter({ hasText: `as ${USER}.` });
  await done.waitFor();
  assert.match(await done.textContent(), /^The device is signed in to .+ as tvowner\.$/);
  assert.equal(await fieldError.count(), 0, 'the earlier problem is gone');
  await axeCheck(page, 'device-signed-in');
  await screenshots(page, 'device-signed-in');

  const state = await asDevice(deviceId, 'GET', '/QuickConnect/Connect?secret=' + started.Secret);
  assert.equal(state.Authenticated, true);
  assert.deepEqual(unexpected(guards.problems, 404), []);
  await context.close();
});
