// pair.js — one pair: start a run, its past runs (newest first), the edit
// form (saving lifts quarantined items) and deleting the pair.
import { html, useState, PageHeader, Section, Empty, Loaded, Button, ErrorText, Status, useLoad, useAction, dateTime } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { navigate } from '../lib/ui.js';
import { connectionName, RunBadge, totals, nextRunText } from '../lib/sync.js';
import { PairForm } from './pair-form.js';
import { startRun } from './pairs.js';

async function loadPair(id) {
  const [pair, c, runs] = await Promise.all([
    api.get('/api/v1/pairs/' + seg(id)), api.get('/api/v1/connections'), api.get(`/api/v1/pairs/${seg(id)}/runs`)]);
  return { pair, connections: c.connections || [], runs: runs.runs || [] };
}

function Runs({ runs }) {
  if (!runs.length) return html`<${Empty}>No runs yet. The first run is a bootstrap: it copies what is missing and removes nothing.</${Empty}>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Runs table"><table>
    <thead><tr><th scope="col">Started</th><th scope="col">State</th><th scope="col">Trigger</th><th class="num" scope="col">Applied</th><th class="num" scope="col">Failed</th><th scope="col"><span class="sr-only">Open</span></th></tr></thead>
    <tbody>${runs.map((r) => { const t = totals(r); return html`<tr key=${r.id}>
      <td>${dateTime(r.started_at || r.created_at)}</td><td><${RunBadge} run=${r} /></td><td>${r.trigger || '—'}${r.bootstrap ? ' (bootstrap)' : ''}</td>
      <td class="num">${t.applied}</td><td class="num">${t.failed}</td><td><a href=${'#/runs/' + r.id}>Details<span class="sr-only"> of the run from ${dateTime(r.created_at)}</span></a></td></tr>`; })}</tbody>
  </table></div>`;
}

function DeletePair({ pair }) {
  const [confirming, setConfirming] = useState(false);
  const act = useAction(async () => { await api.del('/api/v1/pairs/' + seg(pair.id)); navigate('/pairs'); });
  if (!confirming) return html`<${Button} kind="danger" onClick=${() => setConfirming(true)}>Delete pair</${Button}>`;
  return html`<div class="row" role="group" aria-label="Confirm deletion">
    <span>Delete this pair with its schedule, baselines and run list? Nothing is changed in Jellyfin.</span>
    <${Button} kind="danger" pending=${act.pending} onClick=${() => act.run()}>Yes, delete</${Button}>
    <${Button} kind="secondary" onClick=${() => setConfirming(false)}>Cancel</${Button}>
    <${ErrorText} error=${act.error} />
  </div>`;
}

export function PairPage({ id }) {
  const load = useLoad(() => loadPair(id), [id]);
  const [saved, setSaved] = useState('');
  const run = useAction(() => startRun(id));
  const save = async (body) => {
    setSaved('');
    const p = await api.patch('/api/v1/pairs/' + seg(id), body);
    load.setData((d) => ({ ...d, pair: p }));
    setSaved('Saved. Any quarantined items of this pair will be tried again.');
  };
  return html`<${Loaded} load=${load} what="Loading the pair">${(d) => html`
    <${PageHeader} title=${d.pair.name || 'Unnamed pair'}>
      <${Button} pending=${run.pending} onClick=${() => run.run()}>Run now</${Button}>
    </${PageHeader}>
    <p>${connectionName(d.connections, d.pair.source)} ${d.pair.mode === 'two-way' ? '⇄' : '→'} ${connectionName(d.connections, d.pair.target)} · next run: ${nextRunText(d.pair)}</p>
    <${ErrorText} error=${run.error} />
    <${Section} title="Runs"><${Runs} runs=${d.runs} /></${Section}>
    <${Section} title="Settings">
      <${PairForm} key=${d.pair.id} pair=${d.pair} connections=${d.connections} submitLabel="Save changes" onSubmit=${save} />
      <${Status}>${saved}</${Status}>
    </${Section}>
    <${Section} title="Delete"><${DeletePair} pair=${d.pair} /></${Section}>`}
  </${Loaded}>`;
}
