// sync.test.mjs — the sync journey through the page: add a second
// connection, whitelist a library, create a two-way pair, run it and watch
// the live progress reach "succeeded", inspect the run's items, then a run
// held for a mass removal is reviewed and confirmed; sign out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { config, launch, openPage, signInWithPassword, waitForDashboard, signOut, goTo, screenshots, axeCheck,
  ensureUser, movies, setUserData } from './support.mjs';

const USER = 'ui-sync';
const PASSWORD = 'sync-password';
let browser;
before(async () => { config(); browser = await launch(); });
after(async () => { if (browser) await browser.close(); });

async function runToEnd(page, state) {
  await page.locator('#run-status').filter({ hasText: state === 'held' ? 'Held' : `Run ${state}.` }).waitFor({ timeout: 120000 });
}

test('second connection, whitelist, two-way pair, live run, items, held run confirmed', { timeout: 600000 }, async () => {
  const { standin, standinB } = config();
  await ensureUser(standin, USER, PASSWORD);
  await ensureUser(standinB, USER, PASSWORD);
  // Twelve films are favourites on both sides: the bootstrap run agrees them.
  const a = await movies(standin, USER, PASSWORD);
  const b = await movies(standinB, USER, PASSWORD);
  const shared = [...a.keys()].filter((k) => b.has(k)).slice(0, 12);
  assert.equal(shared.length, 12, 'the stand-ins share at least twelve films');
  for (const k of shared) {
    await setUserData(standin, USER, a.get(k).id, { IsFavorite: true });
    await setUserData(standinB, USER, b.get(k).id, { IsFavorite: true });
  }

  const { context, page, guards } = await openPage(browser);
  await signInWithPassword(page, USER, PASSWORD);
  await waitForDashboard(page);

  // A second connection, by password, to the second stand-in.
  await goTo(page, 'Connections');
  await page.getByLabel('Server address').fill(standinB);
  await page.getByLabel('Jellyfin user name').fill(USER);
  await page.getByLabel('Jellyfin password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Add connection' }).click();
  await page.locator('li.card').filter({ hasText: standinB }).getByText('active').waitFor();
  await axeCheck(page, 'connections');
  await screenshots(page, 'connections');
  const cardB = page.locator('li.card').filter({ hasText: standinB });
  await cardB.getByRole('button', { name: 'Verify' }).click();
  await cardB.getByRole('status').filter({ hasText: 'Checked just now' }).waitFor();

  // Whitelist one library of the home connection.
  await goTo(page, 'Libraries');
  await page.getByRole('button', { name: 'Load Libraries' }).click();
  const libs = page.getByRole('group', { name: 'Libraries to sync' });
  await libs.waitFor();
  await page.getByText('Empty = all:').waitFor();
  const movieLib = libs.getByRole('checkbox').first();
  await movieLib.check();
  await page.getByRole('button', { name: 'Save whitelist' }).click();
  await page.locator('.status').filter({ hasText: /\S/ }).first().waitFor();
  assert.ok(await movieLib.isChecked());
  await page.getByRole('heading', { name: 'Index' }).waitFor();
  await axeCheck(page, 'libraries');
  await screenshots(page, 'libraries');
  // Back to "all" so that every film counts in the runs below.
  await movieLib.uncheck();
  await page.getByRole('button', { name: 'Save whitelist' }).click();
  await page.getByText('Nothing ticked: all libraries will be used.').waitFor();

  // A two-way pair with favourites' removals on.
  await goTo(page, 'Pairs');
  await page.getByRole('button', { name: 'New pair' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Home ↔ B');
  const bHost = new URL(standinB).host;
  const opts = await page.getByLabel('Source', { exact: true }).locator('option').allTextContents();
  const second = opts.find((o) => o.includes(bHost));
  const home = opts.find((o) => o.startsWith(USER) && o !== second);
  assert.ok(home && second, `both connections are offered: ${opts.join(' | ')}`);
  await page.getByLabel('Source', { exact: true }).selectOption({ label: home });
  await page.getByLabel('Target', { exact: true }).selectOption({ label: second });
  await page.getByLabel(/^Two-way/).check();
  const fav = page.locator('.feature').filter({ hasText: 'Favourites' });
  await fav.getByLabel('Remove').check();
  await axeCheck(page, 'pair-new');
  await screenshots(page, 'pair-new');
  await page.getByRole('button', { name: 'Create pair' }).click();
  await page.getByRole('heading', { level: 1, name: 'Home ↔ B' }).waitFor();
  await axeCheck(page, 'pair');
  await screenshots(page, 'pair');

  // Run it and watch it live.
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('heading', { level: 1, name: 'Run' }).waitFor();
  await page.locator('progress#run-progress').waitFor();
  await runToEnd(page, 'succeeded');
  await page.locator('.badge').filter({ hasText: 'succeeded' }).first().waitFor();
  await page.getByRole('heading', { name: 'Items' }).waitFor();
  await page.getByText(/items shown\./).waitFor();
  await page.getByLabel('Feature', { exact: true }).selectOption('watchlist');
  await page.getByText(/items shown\./).waitFor();
  await axeCheck(page, 'run');
  await screenshots(page, 'run');

  // Four favourites dropped at home: the next run would remove a third of
  // them on B, so it is held until confirmed.
  for (const k of shared.slice(0, 4)) await setUserData(standin, USER, a.get(k).id, { IsFavorite: false });
  await page.getByRole('link', { name: 'Back to the pair' }).click();
  await page.getByRole('heading', { level: 1, name: 'Home ↔ B' }).waitFor();
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('heading', { level: 1, name: 'Run' }).waitFor();
  await runToEnd(page, 'held');
  const held = page.getByRole('region', { name: 'This run is held' });
  await held.locator('tbody tr').first().waitFor();
  assert.equal(await held.locator('tbody tr').count(), 4, 'the four removals are listed first');
  await axeCheck(page, 'run-held');
  await screenshots(page, 'run-held');
  // The dashboard lists it under "Needs attention".
  await goTo(page, 'Dashboard');
  await page.getByRole('region', { name: 'Needs attention' }).getByText('is held').waitFor();
  await screenshots(page, 'dashboard-attention');
  await page.getByRole('region', { name: 'Needs attention' }).getByRole('link', { name: 'Open' }).first().click();
  await page.getByRole('button', { name: 'Confirm and apply' }).click();
  await runToEnd(page, 'succeeded');
  const stillFav = await movies(standinB, USER, PASSWORD);
  assert.ok(stillFav.size > 0);

  await signOut(page);
  guards.check('sync journey');
  await context.close();
});
