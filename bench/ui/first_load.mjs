// first_load.mjs — bench_ui's browser part: signs the demo user in through the
// page (in Debian's Chromium, as the browser tests do), then loads the
// dashboard RUNS times, each in a fresh browser context with an empty cache and
// that session (tests/browser/first_load.mjs measures one load: bytes on the
// wire, requests, time until the dashboard's data is on screen). Prints
// key=value lines: the median of each figure, and the largest.
import { launch, openPage, signInWithPassword, waitForDashboard, config } from '../../tests/browser/support.mjs';
import { measureFirstLoad } from '../../tests/browser/first_load.mjs';

const runs = Number(process.env.JB_BENCH_RUNS || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await launch();
try {
  const { context, page } = await openPage(browser);
  await signInWithPassword(page, 'demo', 'demo-password');
  await waitForDashboard(page);
  const state = await context.storageState();
  const results = [];
  for (let i = 0; i < runs; i += 1) results.push(await measureFirstLoad(browser, state, config().ui));
  const pick = (k) => results.map((r) => r[k]);
  console.log(`ui.runs=${runs}`);
  console.log(`ui.first_load_bytes=${median(pick('bytes'))}`);
  console.log(`ui.first_load_kib=${(median(pick('bytes')) / 1024).toFixed(1)}`);
  console.log(`ui.first_load_requests=${median(pick('requests'))}`);
  console.log(`ui.time_to_interactive_ms=${median(pick('ttiMs'))}`);
  console.log(`ui.first_load_bytes_max=${Math.max(...pick('bytes'))}`);
  console.log(`ui.first_load_requests_max=${Math.max(...pick('requests'))}`);
  console.log(`ui.time_to_interactive_ms_max=${Math.max(...pick('ttiMs'))}`);
  await context.close();
} finally {
  await browser.close();
}
