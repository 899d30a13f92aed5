// first_load.mjs — the dashboard's first load, measured in Chromium: a fresh
// context (empty cache, cache disabled) carrying a signed-in session opens
// the dashboard; every HTTP(S) request and the bytes it transferred
// (compressed, headers included: CDP's encodedDataLength) are counted until
// the network is idle. Time to interactive is the page's own mark: the
// dashboard sets <body data-ready="dashboard" data-ready-at="ms since
// navigation start"> once its data is rendered and its controls work.
// Used by pages.test.mjs and by the benchmark program.

/**
 * @param {import('playwright-core').Browser} browser
 * @param {object} storageState  a signed-in context's storageState()
 * @param {string} uiUrl         the front end's address (JB_UI_URL)
 * @returns {Promise<{bytes: number, requests: number, ttiMs: number}>}
 */
export async function measureFirstLoad(browser, storageState, uiUrl) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const counted = new Set();
    let bytes = 0;
    cdp.on('Network.requestWillBeSent', (e) => {
      if (/^https?:/.test(e.request.url)) counted.add(e.requestId);
    });
    cdp.on('Network.loadingFinished', (e) => { if (counted.has(e.requestId)) bytes += e.encodedDataLength; });
    cdp.on('Network.loadingFailed', () => {});
    const url = new URL('#/dashboard', uiUrl).toString();
    await page.goto(url);
    await page.locator('body[data-ready="dashboard"]').waitFor({ timeout: 30000 });
    const ttiMs = Math.round(Number(await page.locator('body').getAttribute('data-ready-at')));
    // What the dashboard fetches after it became interactive counts too.
    await page.waitForLoadState('networkidle');
    return { bytes, requests: counted.size, ttiMs };
  } finally {
    await context.close();
  }
}
