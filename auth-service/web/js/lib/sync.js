// sync.js — shared words and sums for connections, pairs and runs: feature
// names with the sentences that explain each switch, connection labels,
// counter totals, run badges and the next scheduled run.
import { html, Badge, relative, dateTime } from './ui.js';

export const FEATURES = [
  {
    key: 'watchlist', label: 'Favourites',
    what: 'Items marked as favourite (the watchlist).',
    add: 'Mark an item as favourite on the other side when it becomes a favourite on one side.',
    remove: 'Remove the favourite on the other side when it is removed on one side.',
  },
  {
    key: 'history', label: 'Watched history',
    what: 'Which films and episodes are marked as played, and when.',
    add: 'Mark items as played on the other side when they are played on one side.',
    remove: 'Mark items as unplayed on the other side when they are marked unplayed on one side.',
  },
  {
    key: 'progress', label: 'Resume position',
    what: 'Where you stopped in a film or episode, so you can continue on the other server.',
    add: 'Copy the newer resume position to the other side.',
    remove: 'Clear the resume position on the other side when it is cleared on one side.',
  },
];

export const featureLabel = (k) => (FEATURES.find((f) => f.key === k) || { label: k }).label;

export function connectionLabel(c) {
  if (!c) return 'a deleted connection';
  const user = (c.user && c.user.name) || 'no user chosen';
  const s = c.server || {};
  let host = '';
  try { host = s.url ? new URL(s.url).host : ''; } catch { host = s.url || ''; }
  const server = s.name ? (host ? `${s.name} (${host})` : s.name) : (host || 'unknown server');
  return `${user} on ${server}`;
}

export const connectionName = (conns, id) => connectionLabel((conns || []).find((c) => c.id === id));

export function totals(run) {
  const t = { planned: 0, applied: 0, skipped: 0, failed: 0, unmatched: 0 };
  const c = (run && run.counters) || {};
  for (const f of Object.values(c)) for (const k of Object.keys(t)) t[k] += (f && f[k]) || 0;
  return t;
}

export function RunBadge({ run }) {
  if (!run) return html`<${Badge} state="none">never run</${Badge}>`;
  return html`<${Badge} state=${run.state}>${run.state}${run.dry_run ? ' (dry run)' : ''}</${Badge}>`;
}

export function scheduleText(s) {
  if (!s || s === 'manual') return 'Manual only';
  const m = s.every_minutes;
  return m % 60 === 0 ? `Every ${m / 60 === 1 ? 'hour' : m / 60 + ' hours'}` : `Every ${m} minutes`;
}

/** When the next scheduled run is due, as a sentence. */
export function nextRunText(pair) {
  const s = pair.schedule;
  if (!s || s === 'manual') return 'Not scheduled (manual)';
  const last = pair.last_run;
  const base = last ? new Date(last.created_at || last.started_at) : new Date(pair.created_at);
  if (isNaN(base)) return 'Scheduled';
  const next = new Date(base.getTime() + s.every_minutes * 60000);
  return next <= Date.now() ? 'Due now' : `${relative(next.toISOString())} (${dateTime(next.toISOString())})`;
}

/** The server's held_reason as a sentence: capitalised, one final full stop. */
export function heldReason(run, fallback = 'It would remove more than usual') {
  const r = ((run && run.held_reason) || fallback).trim().replace(/[.!\s]+$/, '');
  return r.charAt(0).toUpperCase() + r.slice(1) + '.';
}
