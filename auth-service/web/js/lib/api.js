// api.js — everything about talking to auth-service: the fetch wrapper for
// the documented JSON API and the signed-in session it depends on.

import { useEffect, useState } from 'preact/hooks';


// --- api: the fetch wrapper for the documented JSON API (/api/v1/…).
// Sends the session cookie (same origin) and, on every write, the
// X-CSRF-Token the sign-in or GET /api/v1/me gave us. A problem+json answer
// becomes an ApiError carrying the sentence the user reads (`detail`), the
// status, the problem code (last part of `type`) and the field it concerns.
let csrfToken = '';
const unauthorizedListeners = new Set();

export function setCsrf(token) { csrfToken = token || ''; }

/** Called with no arguments when a request answers 401 (session gone). */
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = (problem && (problem.detail || problem.title)) ||
      `The server answered ${status}.`;
    super(detail);
    this.status = status;
    this.problem = problem || {};
    const type = (problem && problem.type) || '';
    this.code = type.slice(type.lastIndexOf(':') + 1);
    this.params = Array.isArray(problem && problem.invalid_params) ? problem.invalid_params : [];
    this.field = this.params.length ? this.params[0].name : undefined;
  }

  /** The reason given for one field, or undefined. */
  fieldError(name) {
    const p = this.params.find((x) => x.name === name || (x.name || '').startsWith(name + '.'));
    return p ? p.reason : undefined;
  }
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * request('GET', '/api/v1/me') → parsed JSON (or null for 204).
 * opts.silent401: do not notify the 401 listeners (used by the first /me).
 */
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (WRITE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { detail: 'The server could not be reached. Check your connection and try again.' });
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.silent401) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (p, o) => request('GET', p, undefined, o),
  post: (p, b = {}, o) => request('POST', p, b, o),
  put: (p, b, o) => request('PUT', p, b, o),
  patch: (p, b, o) => request('PATCH', p, b, o),
  del: (p, b, o) => request('DELETE', p, b, o),
};

/** Encodes one path segment. */
export const seg = (s) => encodeURIComponent(String(s));

// --- session: who is signed in. Holds the user from GET /api/v1/me or a
// sign-in answer, hands the CSRF token to the fetch wrapper, and lets components
// subscribe (useSession) so the whole app re-renders on sign-in/out.
let state = { ready: false, user: null, session: null };
const listeners = new Set();

function set(next) {
  state = { ...state, ...next };
  listeners.forEach((fn) => fn(state));
}

export function getSession() { return state; }

/** Takes a sign-in success ({user, session, recovery_codes?}). */
// A hint (not a secret) that this browser has a session cookie, so that a
// first visit shows the sign-in page without a 401 from GET /api/v1/me.
const HINT = 'jb-signed-in';
function hint(on) {
  try { if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT); } catch { /* storage off */ }
}
export function hinted() {
  try { return localStorage.getItem(HINT) === '1'; } catch { return true; }
}

/**
 * This browser's stable device id (sent at login: a remembered browser is
 * bound to it). Random, kept in localStorage; not a secret.
 */
export function deviceId() {
  const KEY = 'jb-device-id';
  try {
    let id = localStorage.getItem(KEY);
    if (!id) {
      const b = crypto.getRandomValues(new Uint8Array(16));
      id = 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      localStorage.setItem(KEY, id);
    }
    return id;
  } catch {
    return undefined;
  }
}

export function signedIn(result) {
  hint(true);
  setCsrf(result.session && result.session.csrf_token);
  set({ ready: true, user: result.user, session: result.session });
}

export function signedOut() {
  hint(false);
  setCsrf('');
  set({ ready: true, user: null, session: null });
}

/** First load: asks the server whether the cookie is a live session. */
export async function loadSession() {
  if (!hinted()) { signedOut(); return; }
  try {
    const me = await api.get('/api/v1/me', { silent401: true });
    signedIn(me);
  } catch (e) {
    if (e.status === 401) signedOut();
    else set({ ready: true, user: null, session: null, error: e.message });
  }
}

export async function signOut() {
  try { await api.post('/api/v1/auth/logout'); } catch { /* the session is over either way */ }
  signedOut();
}

onUnauthorized(() => { if (state.user) signedOut(); });

export function useSession() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}
