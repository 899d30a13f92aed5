// pairs.js — the list of your pairs (last run, next run, start a run) and
// the form to create a new one.
import { html, useState, PageHeader, Section, Empty, Loaded, Button, ErrorText, useLoad, useAction, relative } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { navigate } from '../lib/ui.js';
import { connectionName, RunBadge, nextRunText, scheduleText } from '../lib/sync.js';
import { PairForm } from './pair-form.js';

async function loadAll() {
  const [c, p] = await Promise.all([api.get('/api/v1/connections'), api.get('/api/v1/pairs')]);
  return { connections: c.connections || [], pairs: p.pairs || [] };
}

/** Starts a run and opens its live page (or the one already running). */
export async function startRun(pairId) {
  try {
    const r = await api.post(`/api/v1/pairs/${seg(pairId)}/runs`);
    navigate('/runs/' + r.run_id);
  } catch (e) {
    const m = e.code === 'run_in_progress' && /[0-9a-f]{32}/.exec(e.message);
    if (m) { navigate('/runs/' + m[0]); return; }
    throw e;
  }
}

function PairRow({ pair, connections }) {
  const run = useAction(() => startRun(pair.id));
  return html`<li class="card">
    <div class="spread"><h2><a href=${'#/pairs/' + pair.id}>${pair.name || 'Unnamed pair'}</a></h2><${RunBadge} run=${pair.last_run} /></div>
    <p>${connectionName(connections, pair.source)} ${pair.mode === 'two-way' ? '⇄' : '→'} ${connectionName(connections, pair.target)}</p>
    <p class="muted small">${pair.mode} · ${scheduleText(pair.schedule)}${pair.dry_run ? ' · dry run' : ''} ·
      last run ${pair.last_run ? html`<a href=${'#/runs/' + pair.last_run.id}>${relative(pair.last_run.created_at)}</a>` : 'never'} · next: ${nextRunText(pair)}</p>
    <div class="row">
      <${Button} pending=${run.pending} onClick=${() => run.run()} aria-label=${'Run now: ' + (pair.name || 'pair')}>Run now</${Button}>
      <a class="btn btn-secondary" href=${'#/pairs/' + pair.id}>Edit and runs</a>
    </div>
    <${ErrorText} error=${run.error} />
  </li>`;
}

export function PairsPage() {
  const load = useLoad(loadAll, []);
  const [adding, setAdding] = useState(false);
  const create = async (body) => {
    const p = await api.post('/api/v1/pairs', body);
    navigate('/pairs/' + p.id);
  };
  return html`<${PageHeader} title="Pairs">
      <${Button} onClick=${() => setAdding(!adding)} aria-expanded=${adding ? 'true' : 'false'}>${adding ? 'Close the new pair form' : 'New pair'}</${Button}>
    </${PageHeader}>
    <p class="lead">A pair keeps favourites, watched history and resume positions in step between two connections.</p>
    <${Loaded} load=${load} what="Loading pairs">${(d) => html`
      ${adding ? html`<${Section} title="New pair">
        ${d.connections.length < 2 ? html`<p class="notice">A pair needs two connections. <a href="#/connections">Add another connection</a> first.</p>` : null}
        <${PairForm} connections=${d.connections} submitLabel="Create pair" onSubmit=${create} />
      </${Section}>` : null}
      ${d.pairs.length ? html`<ul class="list cards">${d.pairs.map((p) => html`<${PairRow} key=${p.id} pair=${p} connections=${d.connections} />`)}</ul>`
        : html`<${Empty}>No pairs yet. Press “New pair” to create one.</${Empty}>`}`}
    </${Loaded}>`;
}
