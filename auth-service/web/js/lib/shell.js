// shell.js — the app frame around pages: hash router, light/dark theme,
// the logo, and the signed-in layout (skip link, banner, navigation,
// theme toggle, sign out, <main>).

import { useEffect, useState } from 'preact/hooks';
import { html, Button } from './ui.js';
import { signOut } from './api.js';


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
    <span aria-hidden="true">${theme === 'dark' ? '☾' : '☀'}</span> Dark theme
  </button>`;
}

// --- layout: the signed-in frame: skip link, banner with the brand, the
// main navigation (current page marked with aria-current), the theme toggle
// and sign out, then the <main> landmark the page renders into.
const LINKS = [
  ['/dashboard', 'Dashboard'],
  ['/connections', 'Connections'],
  ['/libraries', 'Libraries'],
  ['/pairs', 'Pairs'],
  ['/security', 'Security'],
  ['/sessions', 'Sessions'],
];

export function Layout({ user, section, children }) {
  const [pending, setPending] = useState(false);
  const links = user.is_admin ? [...LINKS, ['/admin', 'Admin']] : LINKS;
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
