// ui.js — the UI kit every page imports: `html` (htm bound to Preact, so
// tagged templates replace JSX and no build step is needed), the data hooks
// (useLoad/useAction), formatting helpers and the small accessible
// components (buttons disabled while pending, labelled fields showing the
// API's sentence for that field, status regions, empty states, headings),
// and the app frame around pages (hash router, light/dark theme, the logo,
// the signed-in layout: skip link, banner, navigation, theme toggle, sign
// out, <main>). Kept in one module so that the first load stays well under
// 15 requests.

import { h, render, Fragment } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { signOut } from './api.js';

export { render, Fragment };
export { useCallback, useEffect, useMemo, useRef, useState };


// --- html: the one place that binds htm to Preact: every component imports
// `html` (tagged templates instead of JSX, so no build step) from here.
export const html = htm.bind(h);

// --- hooks: data loading and pending actions for pages:
// useLoad(fn, deps) fetches on mount/deps change and exposes reload();
// useAction(fn) wraps a write so its button is disabled while pending and
// its ApiError (with the server's sentence) is kept for display.
export function useLoad(fn, deps = []) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const load = useCallback(async () => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await fn();
      if (alive.current && my === seq.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (alive.current && my === seq.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => { load(); }, [load]);
  const setData = useCallback((d) => setState((s) => ({ ...s, data: typeof d === 'function' ? d(s.data) : d })), []);
  return { ...state, reload: load, setData };
}

export function useAction(fn) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState(null);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const run = async (...args) => {
    setPending(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (e) {
      if (alive.current) setError(e);
      return undefined;
    } finally {
      if (alive.current) setPending(false);
    }
  };
  return { run, pending, error, setError };
}

// --- format: dates, durations and counts the way the pages show them.
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : dtf.format(d);
}

export function relative(iso) {
  if (!iso) return 'never';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const s = Math.round((d - Date.now()) / 1000);
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

export function plural(n, one, many = one + 's') {
  return `${n} ${n === 1 ? one : many}`;
}

export function duration(ms) {
  if (ms == null) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

// --- ui: the small accessible building blocks every page uses: buttons that
// are disabled while pending, labelled fields that show the API's sentence
// for that field, status/alert regions, empty states and page headings.
let uid = 0;
export const nextId = (p = 'f') => `${p}-${++uid}`;

export function Button({ pending, disabled, kind = 'primary', type = 'button', children, ...rest }) {
  return html`<button type=${type} class=${'btn btn-' + kind} disabled=${disabled || pending}
    aria-busy=${pending ? 'true' : undefined} ...${rest}>${children}${pending ? html`<span class="spinner" aria-hidden="true"></span>` : null}</button>`;
}

/** The error sentence for a whole form or action (role=alert). */
export function ErrorText({ error, id }) {
  if (!error) return null;
  const msg = typeof error === 'string' ? error : error.message;
  return html`<p class="error" role="alert" id=${id}>${msg}</p>`;
}

/** A polite live region for success/progress messages. */
export function Status({ children, className = '' }) {
  return html`<p class=${'status ' + className} role="status" aria-live="polite">${children || ''}</p>`;
}

/**
 * A labelled input. `error` is the sentence for this field (from
 * ApiError.fieldError or a page's mapping); it is linked by aria-describedby.
 */
export function Field({ label, hint, error, id, type = 'text', value, onInput, inputRef, className = '', ...rest }) {
  const fid = useRef(id || nextId()).current;
  const hintId = hint ? fid + '-hint' : undefined;
  const errId = error ? fid + '-err' : undefined;
  const described = [hintId, errId].filter(Boolean).join(' ') || undefined;
  return html`<div class=${'field ' + className}>
    <label for=${fid}>${label}</label>
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
    <input id=${fid} type=${type} value=${value} ref=${inputRef}
      onInput=${(e) => onInput && onInput(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${described} ...${rest} />
    ${error ? html`<p class="field-error" id=${errId}>${error}</p>` : null}
  </div>`;
}

export function Select({ label, hint, error, value, onChange, options, id, ...rest }) {
  const fid = useRef(id || nextId()).current;
  const hintId = hint ? fid + '-hint' : undefined;
  const errId = error ? fid + '-err' : undefined;
  return html`<div class="field">
    <label for=${fid}>${label}</label>
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
    <select id=${fid} value=${value} onChange=${(e) => onChange(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined}
      aria-describedby=${[hintId, errId].filter(Boolean).join(' ') || undefined} ...${rest}>
      ${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}
    </select>
    ${error ? html`<p class="field-error" id=${errId}>${error}</p>` : null}
  </div>`;
}

/** A checkbox with its label and an optional sentence explaining it. */
export function Check({ label, hint, checked, onChange, disabled, id, className = '' }) {
  const fid = useRef(id || nextId()).current;
  return html`<div class=${'check ' + className}>
    <input type="checkbox" id=${fid} checked=${checked} disabled=${disabled}
      onChange=${(e) => onChange(e.currentTarget.checked)}
      aria-describedby=${hint ? fid + '-hint' : undefined} />
    <label for=${fid}>${label}</label>
    ${hint ? html`<p class="hint" id=${fid + '-hint'}>${hint}</p>` : null}
  </div>`;
}

// The first page after a load keeps the browser's focus (so Tab reaches the
// skip link first); later pages move focus to their heading.
let firstHeading = true;

/** The page's h1; focused on navigation so screen readers announce it. */
export function PageHeader({ title, children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (firstHeading) { firstHeading = false; return; }
    if (ref.current) ref.current.focus({ preventScroll: true });
  }, [title]);
  return html`<div class="page-header">
    <h1 tabindex="-1" ref=${ref}>${title}</h1>
    ${children ? html`<div class="page-actions">${children}</div>` : null}
  </div>`;
}

export function Section({ title, id, children, className = '' }) {
  const hid = id || nextId('h');
  return html`<section class=${'card ' + className} aria-labelledby=${hid}>
    <h2 id=${hid}>${title}</h2>
    ${children}
  </section>`;
}

export function Empty({ children }) {
  return html`<p class="empty">${children}</p>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="loading" role="status">${what}…</p>`;
}

/** Renders a useLoad result: loading, its error sentence, or children(data). */
export function Loaded({ load, what, children }) {
  if (load.data === undefined && load.loading) return html`<${Loading} what=${what} />`;
  if (load.data === undefined && load.error) {
    return html`<div><${ErrorText} error=${load.error} />
      <${Button} kind="secondary" onClick=${load.reload}>Try again</${Button}></div>`;
  }
  return html`${load.error ? html`<${ErrorText} error=${load.error} />` : null}${children(load.data)}`;
}

const BADGE = {
  active: 'ok', succeeded: 'ok', ready: 'ok', ok: 'ok',
  pending: 'info', queued: 'info', running: 'info', building: 'info', info: 'info',
  expired: 'bad', failed: 'bad', unreachable: 'bad', fail: 'bad',
  held: 'warn', stale: 'warn', none: 'muted',
};

export function Badge({ state, children }) {
  return html`<span class=${'badge badge-' + (BADGE[state] || 'muted')}>${children || state}</span>`;
}

/** A "shown once" secret with a copy button. */
export function Secret({ label, value }) {
  const copy = () => navigator.clipboard && navigator.clipboard.writeText(value).catch(() => {});
  return html`<div class="secret">
    <span class="secret-label">${label}</span>
    <code class="secret-value">${value}</code>
    <${Button} kind="secondary" onClick=${copy}>Copy</${Button}>
  </div>`;
}

// --- downloads and shown-once recovery codes
/** Offers `text` as a .txt download through a Blob URL. */
export function downloadText(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Recovery codes shown once, with a download button. */
export function RecoveryCodes({ codes, onDone, doneLabel = 'I have saved them' }) {
  const text = 'Jellybridge recovery codes\nEach code works once. Keep them somewhere safe.\n\n' + codes.join('\n') + '\n';
  return html`<div class="recovery" role="region" aria-label="Recovery codes">
    <p class="notice"><strong>Save these recovery codes now.</strong> They are shown only once. Each one signs you in once if you lose your authenticator app.</p>
    <ul class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
    <div class="row">
      <${Button} kind="secondary" onClick=${() => downloadText('jellybridge-recovery-codes.txt', text)}>Download as .txt</${Button}>
      ${onDone ? html`<${Button} onClick=${onDone}>${doneLabel}</${Button}>` : null}
    </div>
  </div>`;
}

/** A QR code from the server's SVG, shown as an image (no inline markup). */
export function QrCode({ svg, label }) {
  const src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(svg)));
  return html`<img class="qr" src=${src} alt=${label} width="200" height="200" />`;
}

// --- router: hash routing (#/dashboard, #/pairs/ID, …): the server only
// serves / and /assets/…, so every page lives behind the hash.
function parse() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { path: '/' + parts.join('/'), parts, query: new URLSearchParams(queryPart) };
}

export function navigate(to) {
  if (location.hash === '#' + to) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = to;
}

export function useRoute() {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

// --- theme: light/dark theme: follows prefers-color-scheme until the user
// picks one with the toggle; the choice is kept in localStorage and applied
// as <html data-theme="light|dark"> (css/app.css reads it).
const KEY = 'jb-theme';

function systemTheme() {
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

export function currentTheme() {
  return document.documentElement.dataset.theme || systemTheme();
}

export function applyStoredTheme() {
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* storage may be off */ }
  if (stored === 'light' || stored === 'dark') document.documentElement.dataset.theme = stored;
}

export function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  try { localStorage.setItem(KEY, next); } catch { /* not kept then */ }
  return next;
}

// --- logo: the Jellybridge mark: an inline SVG with the Jellyfin gradient
// (inline so that no CSS url() or extra request is needed).
export function Logo({ size = 28 }) {
  return html`<svg class="logo" width=${size} height=${size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
    <defs><linearGradient id="jbgrad" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#aa5cc3" /><stop offset="1" stop-color="#00a4dc" />
    </linearGradient></defs>
    <path fill="url(#jbgrad)" d="M16 3C10 3 3 15 4.5 19.5 6 24 26 24 27.5 19.5 29 15 22 3 16 3zm0 6c2.6 0 6.8 7.6 6 9.8-.9 2.2-11.2 2.2-12 0C9.2 16.6 13.4 9 16 9z" />
    <path fill="url(#jbgrad)" d="M5 26h22v3H5z" />
  </svg>`;
}

// --- theme-toggle: the light/dark switch (a pressed/unpressed button).
export function ThemeToggle() {
  const [theme, setTheme] = useState(currentTheme);
  return html`<button type="button" class="btn btn-ghost theme-toggle" aria-pressed=${theme === 'dark' ? 'true' : 'false'}
    onClick=${() => setTheme(toggleTheme())}>
    <span aria-hidden="true">${theme === 'dark' ? '☾' : '☀'}</span> <span class="theme-toggle-label">Dark theme</span>
  </button>`;
}

// --- layout: the signed-in frame: skip link, banner with the brand, the
// main navigation (current page marked with aria-current), the theme toggle
// and sign out, then the <main> landmark the page renders into.
const LINKS = [
  ['/dashboard', 'Dashboard'],
  ['/connections', 'Connections'],
  ['/device', 'Sign in a device'],
  ['/libraries', 'Libraries'],
  ['/pairs', 'Pairs'],
  ['/security', 'Security'],
  ['/sessions', 'Sessions'],
];

export function Layout({ user, section, children }) {
  const [pending, setPending] = useState(false);
  const links = user.is_admin ? [...LINKS, ['/accounts', 'Accounts'], ['/admin', 'Admin']] : LINKS;
  const out = async () => {
    setPending(true);
    await signOut();
    setPending(false);
    navigate('/signin');
  };
  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="#/dashboard"><${Logo} /><span>Jellybridge</span></a>
        <div class="topbar-tools">
          <span class="whoami" title="Signed in">${user.name}${user.is_admin ? ' (admin)' : ''}</span>
          <${ThemeToggle} />
          <${Button} kind="secondary" pending=${pending} onClick=${out}>Sign out</${Button}>
        </div>
      </div>
      <nav class="mainnav" aria-label="Main">
        <ul>
          ${links.map(([href, label]) => html`<li><a href=${'#' + href}
            aria-current=${section === href ? 'page' : undefined}>${label}</a></li>`)}
        </ul>
      </nav>
    </header>
    <main id="main" tabindex="-1">${children}</main>
    <footer class="footer"><p>Jellybridge — a companion for Jellyfin.</p></footer>`;
}
