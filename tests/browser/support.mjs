// support.mjs — shared helpers of the browser tests: the environment the C++
// harness gives (missing variables fail, never skip), Chromium from Debian
// through playwright-core, per-page guards (no console errors, the CSP header
// on every response), screenshots at desktop and phone width in both themes,
// the axe-core check, the Jellyfin stand-ins' control API and oathtool.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The variable's value; a clear failure when it is missing. */
export function env(name) {
  const v = process.env[name];
  assert.ok(v && v.length, `${name} is not set: the browser tests need the suite started by tests/e2e/browser_test.cpp (or set JB_UI_URL, JB_STANDIN_URL, JB_STANDIN_B_URL and JB_ARTIFACTS_DIR yourself)`);
  return v;
}

export const config = () => ({
  ui: env('JB_UI_URL'),
  standin: env('JB_STANDIN_URL').replace(/\/$/, ''),
  standinB: env('JB_STANDIN_B_URL').replace(/\/$/, ''),
  artifacts: env('JB_ARTIFACTS_DIR'),
  chromium: process.env.JB_CHROMIUM || '/usr/bin/chromium',
});

export async function launch() {
  const c = config();
  assert.ok(fs.existsSync(c.chromium), `Chromium is missing at ${c.chromium}: make test installs Debian's chromium package`);
  fs.mkdirSync(c.artifacts, { recursive: true });
  return chromium.launch({
    executablePath: c.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A fresh context and page with guards: every console error, page error and
 * same-origin response without Content-Security-Policy is recorded;
 * call guards.check() at the end (and wherever it helps).
 */
export async function openPage(browser, { width = 1280, height = 800, colorScheme = 'dark' } = {}) {
  const c = config();
  const origin = new URL(c.ui).origin;
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url || ''})`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const cspChecked = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(origin)) return;
    const csp = r.headers()['content-security-policy'];
    cspChecked.push(r.url());
    if (!csp) problems.push(`no Content-Security-Policy on ${r.request().method()} ${r.url()} (${r.status()})`);
    else if (/unsafe-inline|unsafe-eval/.test(csp)) problems.push(`a weak CSP on ${r.url()}: ${csp}`);
  });
  const guards = {
    problems,
    cspChecked,
    check(where = '') {
      assert.deepEqual(problems, [], `problems in the page${where ? ' (' + where + ')' : ''}:\n${problems.join('\n')}`);
      assert.ok(cspChecked.length > 0, 'no response of the suite was seen');
    },
  };
  return { context, page, guards };
}

/** Signs in with a password through the form; waits for the dashboard. */
export async function signInWithPassword(page, username, password) {
  await page.goto(config().ui);
  await page.getByLabel('User name').fill(username);
  // By role: the password tab's panel is labelled "Password" too.
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Waits for the dashboard with its data rendered (its "interactive" signal). */
export async function waitForDashboard(page) {
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.locator('body[data-ready="dashboard"]').waitFor();
  await page.getByRole('heading', { level: 2, name: 'Connections' }).waitFor();
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** Goes to a page by its main-navigation link and waits for its heading. */
export async function goTo(page, link, heading = link) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

const safe = (s) => s.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();

/** Screenshots of the page as it is: desktop and phone width, dark and light. */
export async function screenshots(page, name) {
  const dir = config().artifacts;
  const size = page.viewportSize();
  for (const [w, h] of [[1280, 800], [375, 812]]) {
    await page.setViewportSize({ width: w, height: h });
    for (const scheme of ['dark', 'light']) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(dir, `${safe(name)}-${w}x${h}-${scheme}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.setViewportSize(size);
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the page (WCAG 2.1 A/AA rules), in both themes: no serious
 * or critical violation. The script is evaluated through the DevTools
 * protocol, which the page's CSP does not govern.
 */
export async function axeCheck(page, name) {
  for (const scheme of ['dark', 'light']) {
    await page.emulateMedia({ colorScheme: scheme });
    if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\n').slice(0, 2).join(' ')) }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `axe found serious or critical violations on ${name} (${scheme}):\n${JSON.stringify(bad, null, 2)}`);
  }
  await page.emulateMedia({ colorScheme: 'dark' });
}

// --- Jellyfin stand-ins

const AUTH = (token) => `MediaBrowser Client="jb-browser-tests", Device="tests", DeviceId="browser-tests", Version="1.0"${token ? `, Token="${token}"` : ''}`;

export async function jellyfin(base, method, p, { token, body } = {}) {
  const r = await fetch(base + p, {
    method,
    headers: { Authorization: AUTH(token), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${base}${p} → ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function jellyfinLogin(base, user, password) {
  const r = await jellyfin(base, 'POST', '/Users/AuthenticateByName', { body: { Username: user, Pw: password } });
  return { token: r.AccessToken, userId: r.User.Id };
}

/** Creates a user on a stand-in (as admin); reuses it if it exists. */
export async function ensureUser(base, name, password) {
  const { token } = await jellyfinLogin(base, 'admin', 'admin-password');
  const users = await jellyfin(base, 'GET', '/Users', { token });
  if (!users.some((u) => u.Name === name)) await jellyfin(base, 'POST', '/Users/New', { token, body: { Name: name, Password: password } });
}

export async function standinControl(base, method, p, body) {
  const r = await fetch(base + p, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${base}${p} → ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export const approveQuickConnect = (base, code, user) => standinControl(base, 'POST', '/__standin/quickconnect/approve', { Code: code, User: user });
export const setUserData = (base, user, itemId, data) => standinControl(base, 'POST', '/__standin/userdata', { User: user, ItemId: itemId, ...data });

/** The user's films on a stand-in, by provider-id key so both sides line up. */
export async function movies(base, user, password) {
  const { token, userId } = await jellyfinLogin(base, user, password);
  const r = await jellyfin(base, 'GET', `/Items?userId=${userId}&recursive=true&includeItemTypes=Movie&fields=ProviderIds&limit=100000`, { token });
  const out = new Map();
  for (const it of r.Items) {
    const key = Object.entries(it.ProviderIds || {}).sort().map(([k, v]) => `${k}=${v}`).join('&') || it.Name;
    if (!out.has(key)) out.set(key, { id: it.Id, name: it.Name });
  }
  return out;
}

// --- one-time codes

/** The code Debian's oathtool computes for `secret` at Unix time `t`. */
export function totp(secret, t = Math.floor(Date.now() / 1000)) {
  return execFileSync('oathtool', ['--totp', '-b', '-N', '@' + t, secret], { encoding: 'utf8' }).trim();
}
