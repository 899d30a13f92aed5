// main.js — entry point and route table: applies the stored theme, asks the
// server who is signed in, then renders the sign-in page or the signed-in
// layout around the page for the hash route. The dashboard is imported
// statically (it is the first page after sign-in); every other page is
// loaded on demand with import(), so the first load stays small.
import { html, render, useEffect, useState, PageHeader, Empty, Loading, ErrorText, applyStoredTheme, useRoute, navigate, Layout } from './lib/ui.js';
import { loadSession, useSession, hinted } from './lib/api.js';
import { DashboardPage, primeDashboard } from './pages/dashboard.js';

const lazyPages = {
  signin: () => import('./pages/signin.js').then((m) => m.SignInPage),
  connections: () => import('./pages/connections.js').then((m) => m.ConnectionsPage),
  device: () => import('./pages/device.js').then((m) => m.DevicePage),
  libraries: () => import('./pages/libraries.js').then((m) => m.LibrariesPage),
  pairs: () => import('./pages/pairs.js').then((m) => m.PairsPage),
  pair: () => import('./pages/pair.js').then((m) => m.PairPage),
  run: () => import('./pages/run.js').then((m) => m.RunPage),
  security: () => import('./pages/security.js').then((m) => m.SecurityPage),
  sessions: () => import('./pages/sessions.js').then((m) => m.SessionsPage),
  admin: () => import('./pages/admin.js').then((m) => m.AdminPage),
  accounts: () => import('./pages/accounts.js').then((m) => m.AccountsPage),
  signup: () => import('./pages/signup.js').then((m) => m.SignUpPage),
  reset: () => import('./pages/reset.js').then((m) => m.ResetPage),
};
const loaded = {};

/** Renders a page module loaded on demand. */
function Lazy({ name, props }) {
  const [, setTick] = useState(0);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (loaded[name]) return;
    lazyPages[name]().then((c) => { loaded[name] = c; setTick((t) => t + 1); }, setError);
  }, [name]);
  if (error) return html`<${ErrorText} error="This page could not be loaded. Reload the browser tab to try again." />`;
  const C = loaded[name];
  return C ? html`<${C} ...${props} />` : html`<${Loading} what="Loading the page" />`;
}

function pageFor(route, user) {
  const [first, second] = route.parts;
  switch (first) {
    case undefined:
    case 'dashboard': return ['/dashboard', html`<${DashboardPage} />`];
    case 'connections': return ['/connections', html`<${Lazy} name="connections" props=${{}} />`];
    case 'device': return ['/device', html`<${Lazy} name="device" props=${{}} />`];
    case 'libraries': return ['/libraries', html`<${Lazy} name="libraries" props=${{ connectionId: second || '' }} />`];
    case 'pairs': return ['/pairs', second
      ? html`<${Lazy} name="pair" props=${{ id: second }} key=${second} />`
      : html`<${Lazy} name="pairs" props=${{}} />`];
    case 'runs': return ['/pairs', html`<${Lazy} name="run" props=${{ id: second }} key=${second} />`];
    case 'security': return ['/security', html`<${Lazy} name="security" props=${{}} />`];
    case 'sessions': return ['/sessions', html`<${Lazy} name="sessions" props=${{}} />`];
    case 'accounts':
      if (user.is_admin) return ['/accounts', html`<${Lazy} name="accounts" props=${{}} />`];
      return ['', html`<${PageHeader} title="Accounts" /><${Empty}>Only Jellyfin administrators can open this page.</${Empty}>`];
    case 'admin':
      if (user.is_admin) return ['/admin', html`<${Lazy} name="admin" props=${{}} />`];
      return ['', html`<${PageHeader} title="Administration" /><${Empty}>Only Jellyfin administrators can open this page.</${Empty}>`];
    default:
      return ['', html`<${PageHeader} title="Page not found" /><${Empty}>There is no page at this address. <a href="#/dashboard">Go to the dashboard</a>.</${Empty}>`];
  }
}

const TITLES = { signin: 'Sign in', signup: 'Create your account', reset: 'Password reset', device: 'Sign in a device', pairs: 'Pairs', runs: 'Run', admin: 'Administration', accounts: 'Accounts' };

function App() {
  const session = useSession();
  const route = useRoute();

  useEffect(() => {
    if (session.ready && session.user && route.parts[0] === 'signin') navigate('/dashboard');
  }, [session.ready, session.user, route.path]);

  useEffect(() => {
    const name = ['signup', 'reset'].includes(route.parts[0]) ? route.parts[0]
      : session.ready && !session.user ? 'signin' : (route.parts[0] || 'dashboard');
    document.title = `${TITLES[name] || name[0].toUpperCase() + name.slice(1)} · Jellybridge`;
  }, [route.path, session.user, session.ready]);

  // An invite link opens the public sign-up page, a reset link the reset page, signed in or not.
  if (route.parts[0] === 'signup') return html`<${Lazy} name="signup" props=${{ code: route.parts[1] || '', contact: route.parts[2] || '' }} key=${route.path} />`;
  if (route.parts[0] === 'reset') return html`<${Lazy} name="reset" props=${{ token: route.parts[1] || '' }} key=${route.parts[1] || ''} />`;
  if (!session.ready) return html`<main id="main" class="boot"><${Loading} what="Starting Jellybridge" /></main>`;
  if (!session.user) return html`<${Lazy} name="signin" props=${{}} />`;
  const [section, page] = pageFor(route, session.user);
  return html`<${Layout} user=${session.user} section=${section}>${page}</${Layout}>`;
}

applyStoredTheme();
if (hinted() && ['', '#', '#/', '#/dashboard'].includes(location.hash)) primeDashboard();
loadSession();
render(html`<${App} />`, document.getElementById('app'));
