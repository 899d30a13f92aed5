// dashboard.js — the first page after sign-in: what needs attention (expired
// or unreachable connections, held and failed runs, quarantined items) on
// top, then the connections with their status and the pairs with their last
// and next run.
import { html, useEffect, useState, PageHeader, Section, Empty, Loaded, Badge, useLoad, relative, plural } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { connectionLabel, connectionName, RunBadge, nextRunText, totals, heldReason } from '../lib/sync.js';

async function loadAll(opts) {
  const [c, p] = await Promise.all([api.get('/api/v1/connections', opts), api.get('/api/v1/pairs', opts)]);
  return { connections: c.connections || [], pairs: p.pairs || [] };
}

// A first load that opens the dashboard with a session asks for its data
// alongside GET /api/v1/me (main.js calls primeDashboard) instead of after
// it: one round trip less to interactive. The answer is used once.
let primed = null;
export function primeDashboard() {
  primed = loadAll({ silent401: true });
  primed.catch(() => {}); // a stale session: /me says so and the sign-in page shows
}
function takePrimed() {
  const p = primed;
  primed = null;
  return p || loadAll();
}

/** Quarantined items hide among a run's skipped items: count them. */
function useQuarantined(pairs) {
  const [found, setFound] = useState({});
  useEffect(() => {
    let alive = true;
    for (const p of pairs || []) {
      const r = p.last_run;
      if (!r || totals(r).skipped === 0 || found[r.id] !== undefined) continue;
      api.get(`/api/v1/runs/${seg(r.id)}/items?count=1000`).then((res) => {
        const n = (res.items || []).filter((i) => i.action === 'quarantined').length;
        if (alive) setFound((f) => ({ ...f, [r.id]: n }));
      }, () => {});
    }
    return () => { alive = false; };
  }, [pairs]);
  return found;
}

function attentionItems({ connections, pairs }, quarantined) {
  const out = [];
  for (const c of connections) {
    if (c.status === 'expired') out.push({ key: 'c' + c.id, badge: 'expired', text: `The token of ${connectionLabel(c)} expired. Sign in to it again (delete and add it).`, href: '#/connections' });
    else if (c.status === 'unreachable') out.push({ key: 'c' + c.id, badge: 'unreachable', text: `${connectionLabel(c)} cannot be reached${c.last_error && c.last_error.message ? ': ' + c.last_error.message : '.'}`, href: '#/connections' });
    else if (c.status === 'pending') out.push({ key: 'c' + c.id, badge: 'pending', text: c.pending_reason === 'user_id' ? `Choose the Jellyfin user of ${connectionLabel(c)}.` : `${connectionLabel(c)} waits for Quick Connect approval.`, href: '#/connections' });
  }
  for (const p of pairs) {
    const r = p.last_run;
    if (!r) continue;
    if (r.state === 'held') out.push({ key: 'h' + r.id, badge: 'held', text: `A run of “${p.name || 'pair'}” is held. ${heldReason(r)}`, href: `#/runs/${r.id}` });
    else if (r.state === 'failed') out.push({ key: 'f' + r.id, badge: 'failed', text: `The last run of “${p.name || 'pair'}” failed${r.error ? ': ' + r.error : '.'}`, href: `#/runs/${r.id}` });
    else if (totals(r).failed > 0) out.push({ key: 'i' + r.id, badge: 'failed', text: `${plural(totals(r).failed, 'item')} failed in the last run of “${p.name || 'pair'}”.`, href: `#/runs/${r.id}` });
    if (quarantined[r.id] > 0) out.push({ key: 'q' + r.id, badge: 'held', text: `${plural(quarantined[r.id], 'item')} of “${p.name || 'pair'}” ${quarantined[r.id] === 1 ? 'is' : 'are'} quarantined after failing three runs in a row. Editing the pair lifts the quarantine.`, href: `#/runs/${r.id}` });
  }
  return out;
}

/**
 * The "interactive" signal (tests and the first-load benchmark wait on it):
 * once the dashboard's data is rendered, <body data-ready="dashboard"
 * data-ready-at="ms since navigation start">; removed when it goes.
 */
function useReadySignal() {
  useEffect(() => {
    const b = document.body.dataset;
    b.readyAt = String(Math.round(performance.now()));
    b.ready = 'dashboard';
    return () => { delete b.ready; delete b.readyAt; };
  }, []);
}

function Dashboard({ data }) {
  useReadySignal();
  const quarantined = useQuarantined(data.pairs);
  const attention = attentionItems(data, quarantined);
  return html`
    ${attention.length ? html`<${Section} title="Needs attention" className="attention">
      <ul class="list">${attention.map((a) => html`<li key=${a.key}><${Badge} state=${a.badge} /> <span>${a.text}</span> <a href=${a.href}>Open</a></li>`)}</ul>
    </${Section}>` : html`<p class="status-ok" role="status">Nothing needs your attention.</p>`}
    <div class="grid">
      <${Section} title="Connections">
        ${data.connections.length ? html`<ul class="list">${data.connections.map((c) => html`<li key=${c.id} class="spread">
          <span>${connectionLabel(c)}${c.home ? html` <span class="muted small">(home)</span>` : null}</span>
          <${Badge} state=${c.status} /></li>`)}</ul>`
          : html`<${Empty}>No connections yet.</${Empty}>`}
        <p><a href="#/connections">Manage connections</a></p>
      </${Section}>
      <${Section} title="Pairs">
        ${data.pairs.length ? html`<ul class="list">${data.pairs.map((p) => html`<li key=${p.id}>
          <div class="spread"><a href=${'#/pairs/' + p.id}>${p.name || 'Unnamed pair'}</a><${RunBadge} run=${p.last_run} /></div>
          <p class="muted small">${connectionName(data.connections, p.source)} ${p.mode === 'two-way' ? '⇄' : '→'} ${connectionName(data.connections, p.target)}</p>
          <p class="small">Last run: ${p.last_run ? html`<a href=${'#/runs/' + p.last_run.id}>${relative(p.last_run.finished_at || p.last_run.created_at)}</a>` : 'never'} · Next: ${nextRunText(p)}</p>
        </li>`)}</ul>`
          : html`<${Empty}>No pairs yet. A pair keeps favourites, watched history and resume positions in step between two connections.</${Empty}>`}
        <p><a href="#/pairs">Manage pairs</a></p>
      </${Section}>
    </div>`;
}

export function DashboardPage() {
  const load = useLoad(takePrimed, []);
  return html`<${PageHeader} title="Dashboard" />
    <${Loaded} load=${load} what="Loading your connections and pairs">${(data) => html`<${Dashboard} data=${data} />`}</${Loaded}>`;
}
