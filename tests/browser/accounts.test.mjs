// accounts.test.mjs — account management from the browser: the home server's
// administrator opens "Accounts", makes their own home connection the admin
// connection, creates an invite (with the human check), and copies its link;
// a new visitor (a fresh browser context, not signed in) opens the link, reads
// the invite and the password rules, is refused a common password next to
// the field, then creates the account — the browser solves the proof-of-work
// — and the account signs in at the Jellyfin stand-in. The admin then sees the
// invite used by that name and the user in the user list, and hands the user a
// password-reset link (the user has no address); the user opens it and sets a
// new password, which works at the stand-in while the old one does not; the
// sign-in page's "Forgot your password?" asks for a link. Then the admin
// extends that account's expiry as a bulk job (a sync-worker runs it; the
// job shows its counters and the user's outcome), sees deleting ask first,
// stores a Discord webhook channel and edits, saves and previews a template.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, signInWithPassword, waitForDashboard, goTo, screenshots, axeCheck, jellyfinLogin } from './support.mjs';

let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

/** The page's console reports a failed request's status; those we caused are expected. */
const invited = 'invited-' + Math.random().toString(16).slice(2, 8);

const unexpected = (problems, status) => problems.filter((p) => !new RegExp(`status of ${status}\\b`).test(p));

test('an admin invites someone, who creates an account from the link', { timeout: 180000 }, async () => {
  const { standin } = config();
  const home = new URL(standin).host;
  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, 'admin', 'admin-password');
  await waitForDashboard(page);
  await goTo(page, 'Accounts');

  // The admin connection: the admin's own connection to the home server.
  const select = page.getByLabel('Connection', { exact: true });
  await select.waitFor();
  const options = await select.locator('option').allTextContents();
  await select.selectOption({ label: options.find((o) => o.startsWith('admin') && o.includes(home)) });
  await page.getByRole('button', { name: 'Use this connection' }).click();
  await page.locator('.badge').filter({ hasText: /^ok$/ }).first().waitFor();
  await page.locator('li').filter({ hasText: 'demo' }).first().waitFor();  // the user list, now readable

  const label = 'Browser invite ' + Math.random().toString(16).slice(2, 8);
  await page.getByLabel('Label').fill(label);
  await page.getByRole('button', { name: 'Create the invite' }).click();
  const item = page.locator('li').filter({ hasText: label });
  await item.waitFor();
  const link = (await item.locator('.secret-value').textContent()).trim();
  assert.match(link, /#\/signup\/[A-Za-z0-9_-]{22}$/);
  await axeCheck(page, 'accounts');
  await screenshots(page, 'accounts');

  // A visitor with the link, not signed in.
  const visitor = await openPage(browser);
  await visitor.page.goto(link);
  await visitor.page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
  await visitor.page.getByText('Invite: ' + label).waitFor();
  const name = invited;
  await visitor.page.getByLabel('User name').fill(name);
  await visitor.page.getByLabel('Password', { exact: true }).fill('password1');
  await visitor.page.getByLabel('Password again').fill('password1');
  await visitor.page.getByRole('button', { name: 'Create my account' }).click();
  const refused = visitor.page.locator('.field-error').filter({ hasText: /common/i });
  await refused.waitFor({ timeout: 60000 });
  await axeCheck(visitor.page, 'signup-refused');
  await screenshots(visitor.page, 'signup-refused');

  const password = 'a long and personal passphrase';
  await visitor.page.getByLabel('Password', { exact: true }).fill(password);
  await visitor.page.getByLabel('Password again').fill(password);
  await visitor.page.getByRole('button', { name: 'Create my account' }).click();
  await visitor.page.getByRole('status').filter({ hasText: `Your account ${name} is ready.` }).waitFor({ timeout: 60000 });
  await axeCheck(visitor.page, 'signup-done');
  await screenshots(visitor.page, 'signup-done');
  const signedIn = await jellyfinLogin(standin, name, password);
  assert.ok(signedIn.token, 'the new account signs in at Jellyfin');
  assert.deepEqual(unexpected(visitor.guards.problems, 400), []);
  await visitor.context.close();

  // The admin sees the use and the new user.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
  await page.locator('li').filter({ hasText: label }).getByText('Used by ' + name).waitFor();
  await page.locator('li').filter({ hasText: name }).getByText(/from an invite/).first().waitFor();
  // Before the admin connection was set, the user list could not be read (503, shown on the page).
  assert.deepEqual(unexpected(guards.problems, 503), []);

  // The new user forgot the password: the admin hands over a reset link (no address known).
  const row = page.locator('li').filter({ hasText: name }).filter({ hasText: /from an invite/ });
  await row.getByRole('button', { name: 'A password-reset link for ' + name }).click();
  const resetLink = (await row.locator('.secret-value').textContent()).trim();
  assert.match(resetLink, /#\/reset\/[A-Za-z0-9_-]{22}$/);
  await context.close();

  const user = await openPage(browser);
  await user.page.goto(resetLink);
  await user.page.getByRole('heading', { level: 1, name: 'Set a new password' }).waitFor();
  await user.page.getByText('For ' + name).waitFor();
  const fresh = 'my fresh and personal passphrase';
  await user.page.getByLabel('New password', { exact: true }).fill(fresh);
  await user.page.getByLabel('New password again').fill(fresh);
  await user.page.getByRole('button', { name: 'Set the new password' }).click();
  await user.page.getByRole('status').filter({ hasText: 'Your new password is set.' }).waitFor();
  await axeCheck(user.page, 'reset-done');
  await screenshots(user.page, 'reset-done');
  assert.ok((await jellyfinLogin(standin, name, fresh)).token, 'the new password works at Jellyfin');
  await assert.rejects(jellyfinLogin(standin, name, password), 'the old one does not');
  // Asking for a link from the sign-in page: the same answer for any account.
  await user.page.goto(config().ui + '#/signin');
  await user.page.getByRole('link', { name: 'Forgot your password?' }).click();
  await user.page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
  await user.page.getByLabel('User name or email address').fill(name);
  await user.page.getByRole('button', { name: 'Send me a link' }).click();
  await user.page.getByRole('status').filter({ hasText: /If an account matches/ }).waitFor();
  await axeCheck(user.page, 'reset-asked');
  await screenshots(user.page, 'reset-asked');
  assert.deepEqual(user.guards.problems, []);
  await user.context.close();
});

test('an admin acts on users in bulk and edits the account messages', { timeout: 180000 }, async () => {
  const { page, guards, context } = await openPage(browser);
  await signInWithPassword(page, 'admin', 'admin-password');
  await waitForDashboard(page);
  await goTo(page, 'Accounts');
  await page.getByLabel('Select ' + invited, { exact: true }).check();
  const bulk = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Bulk actions' }) });
  await bulk.getByText('1 user selected.').waitFor();

  // Deleting asks first; cancelled, nothing starts.
  await bulk.getByLabel('Action', { exact: true }).selectOption('delete');
  await bulk.getByRole('button', { name: 'Start the job' }).click();
  await bulk.getByText(/Delete 1 account at Jellyfin for good/).waitFor();
  await bulk.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await bulk.locator('.bulk-job').count(), 0);

  // Thirty more days for the invited account, as a job the sync-worker runs.
  await bulk.getByLabel('Action', { exact: true }).selectOption('extend_expiry');
  await bulk.getByLabel('Extend by (days)').fill('30');
  await bulk.getByRole('button', { name: 'Start the job' }).click();
  const job = bulk.locator('.bulk-job');
  await job.waitFor();
  await job.locator('.badge').filter({ hasText: /^(queued|running|done)$/ }).first().waitFor();
  await job.locator('.badge').filter({ hasText: /^done$/ }).waitFor({ timeout: 60000 });
  const counters = await job.getByRole('region', { name: 'Job counters' }).locator('td').allTextContents();
  assert.deepEqual(counters, ['1', '1', '0', '0'], 'total, ok, failed, skipped');
  await job.getByRole('row').filter({ hasText: invited }).getByText('ok', { exact: true }).waitFor();
  await page.locator('li').filter({ hasText: invited }).getByText(/expires /).first().waitFor();

  // A Discord channel: the webhook URL is stored, never shown again.
  const discord = page.getByRole('form', { name: 'Discord channel' });
  await discord.getByLabel('Discord webhook URL').fill('https://discord.com/api/webhooks/123456/browser-test-token');
  await discord.getByRole('button', { name: 'Save Discord' }).click();
  await discord.getByRole('status').filter({ hasText: 'Discord saved.' }).waitFor();
  await page.getByRole('form', { name: 'Discord channel' }).getByText('A secret is stored (never shown).').waitFor();
  assert.equal(await page.getByRole('form', { name: 'Discord channel' }).getByLabel('Discord webhook URL').inputValue(), '');

  // The welcome template: edited, saved, previewed (the HTML only in a sandboxed frame).
  await page.getByLabel('Message kind', { exact: true }).selectOption('welcome');
  const body = page.getByLabel('Template body (Markdown)');
  await body.fill((await body.inputValue()) + '\n\n**Browser test** <b>raw</b>\n');
  await page.getByRole('button', { name: 'Save the template' }).click();
  await page.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
  await page.getByLabel('Message kind', { exact: true }).locator('option', { hasText: 'welcome (edited)' }).waitFor({ state: 'attached' });
  await axeCheck(page, 'accounts-messages');
  await page.getByRole('button', { name: 'Preview' }).click();
  const frame = page.locator('iframe.preview-frame');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '');
  const srcdoc = await frame.getAttribute('srcdoc');
  assert.match(srcdoc, /<strong>Browser test<\/strong>/);
  assert.doesNotMatch(srcdoc, /<b>raw<\/b>/, 'raw HTML in a template is dropped');
  await screenshots(page, 'accounts-messages');
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await page.getByRole('status').filter({ hasText: 'Back to the default template.' }).waitFor();
  assert.deepEqual(guards.problems, []);
  await context.close();
});
