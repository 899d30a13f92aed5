// run.js — one run, live: its state, phase, counters per feature and a
// progress bar fed by the run's server-sent event stream; a held run shows
// what it would remove first, then "Confirm" or "Leave it held"; then the
// run's items with filters by feature, action and outcome.
import { html, useEffect, useMemo, useState, PageHeader, Section, Empty, Loaded, Badge, Button, Select, ErrorText, Status, useLoad, useAction, dateTime } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { FEATURES, featureLabel, totals, RunBadge, heldReason } from '../lib/sync.js';

const PHASES = ['scan', 'diff', 'apply'];
const DONE = new Set(['succeeded', 'failed']);

/** The run as the event stream tells it (falls back to one GET). */
function useLiveRun(id) {
  const [run, setRun] = useState(null);
  const [error, setError] = useState(null);
  const [live, setLive] = useState(false);
  useEffect(() => {
    let es = null;
    let closed = false;
    api.get('/api/v1/runs/' + seg(id)).then((r) => {
      if (closed) return;
      setRun(r);
      if (DONE.has(r.state)) return;
      es = new EventSource(`/api/v1/runs/${seg(id)}/events`);
      const take = (e) => { try { setRun(JSON.parse(e.data)); setLive(true); } catch { /* keep the last */ } };
      es.addEventListener('state', take);
      es.addEventListener('progress', take);
      es.addEventListener('end', () => {
        es.close();
        setLive(false);
        api.get('/api/v1/runs/' + seg(id)).then(setRun, () => {});
      });
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) {
          setLive(false);
          setError(new Error('The live updates stopped. Reload the page to see the latest state.'));
        }
      };
    }, (e) => !closed && setError(e));
    return () => { closed = true; if (es) es.close(); };
  }, [id]);
  return { run, error, live, setRun };
}

function Progress({ run }) {
  const t = totals(run);
  const done = t.applied + t.skipped + t.failed;
  const finished = DONE.has(run.state);
  const value = finished ? 1 : run.phase === 'apply' && t.planned > 0 ? Math.min(1, done / t.planned) : null;
  const phaseIndex = PHASES.indexOf(run.phase);
  return html`<div>
    <ol class="phases" aria-label="Phases">
      ${PHASES.map((p, i) => html`<li aria-current=${run.phase === p && !finished ? 'step' : undefined}>${i < phaseIndex || finished ? '✓ ' : ''}${p}</li>`)}
    </ol>
    <label for="run-progress" class="sr-only">Progress</label>
    ${value == null ? html`<progress id="run-progress" aria-describedby="run-status"></progress>`
      : html`<progress id="run-progress" max="100" value=${Math.round(value * 100)} aria-describedby="run-status">${Math.round(value * 100)} %</progress>`}
    <p id="run-status" role="status" aria-live="polite" class="run-status">
      ${finished ? `Run ${run.state}.` : run.state === 'held' ? 'Held: waiting for your confirmation.' : `${run.state}${run.phase ? ', ' + run.phase : ''}: ${done} of ${t.planned} planned changes done.`}
    </p>
  </div>`;
}

function Counters({ run }) {
  const c = run.counters || {};
  const keys = FEATURES.map((f) => f.key).filter((k) => c[k]);
  if (!keys.length) return html`<${Empty}>No counters yet.</${Empty}>`;
  const cols = ['planned', 'applied', 'skipped', 'failed', 'unmatched'];
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Counters table"><table>
    <thead><tr><th scope="col">Feature</th>${cols.map((k) => html`<th scope="col" class="num">${k}</th>`)}</tr></thead>
    <tbody>${keys.map((k) => html`<tr><th scope="row">${featureLabel(k)}</th>${cols.map((n) => html`<td class="num">${c[k][n] || 0}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

async function allItems(id) {
  const out = [];
  for (let start = 0; start < 20000; start += 1000) {
    const r = await api.get(`/api/v1/runs/${seg(id)}/items?start=${start}&count=1000`);
    out.push(...(r.items || []));
    if (!r.items || r.items.length < 1000 || (r.total != null && out.length >= r.total)) break;
  }
  return out;
}

const ACTION_TEXT = {
  favorite: 'add favourite', unfavorite: 'remove favourite', played: 'mark played', unplayed: 'mark unplayed',
  set_last_played: 'set last played', set_position: 'set position', clear_position: 'clear position',
  skip: 'skip', unmatched: 'unmatched', quarantined: 'quarantined',
};

function ItemsTable({ items }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Items table"><table>
    <thead><tr><th scope="col">Item</th><th scope="col">Feature</th><th scope="col">Action</th><th scope="col">Side</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead>
    <tbody>${items.map((i, n) => html`<tr key=${n}>
      <td>${i.name || i.item || '—'}</td><td>${featureLabel(i.feature)}</td><td>${ACTION_TEXT[i.action] || i.action}${i.removal ? ' (removal)' : ''}</td>
      <td>${i.side || '—'}</td><td>${i.outcome ? html`<${Badge} state=${i.outcome === 'applied' ? 'ok' : i.outcome === 'failed' ? 'failed' : 'none'}>${i.outcome}</${Badge}>` : '—'}</td><td>${i.reason || ''}</td></tr>`)}</tbody>
  </table></div>`;
}

function Items({ id, version }) {
  const load = useLoad(() => allItems(id), [id, version]);
  const [f, setF] = useState({ feature: '', action: '', outcome: '' });
  const set = (k) => (x) => setF((o) => ({ ...o, [k]: x }));
  const items = load.data || [];
  const actions = useMemo(() => [...new Set(items.map((i) => i.action).filter(Boolean))], [items]);
  const shown = items.filter((i) => (!f.feature || i.feature === f.feature) && (!f.action || i.action === f.action) &&
    (!f.outcome || (f.outcome === 'none' ? !i.outcome : i.outcome === f.outcome)));
  return html`<${Section} title="Items">
    <div class="filters" role="group" aria-label="Filter items">
      <${Select} label="Feature" value=${f.feature} onChange=${set('feature')} options=${[{ value: '', label: 'All features' }, ...FEATURES.map((x) => ({ value: x.key, label: x.label }))]} />
      <${Select} label="Action" value=${f.action} onChange=${set('action')} options=${[{ value: '', label: 'All actions' }, ...actions.map((a) => ({ value: a, label: ACTION_TEXT[a] || a }))]} />
      <${Select} label="Outcome" value=${f.outcome} onChange=${set('outcome')} options=${[{ value: '', label: 'All outcomes' }, { value: 'applied', label: 'applied' }, { value: 'failed', label: 'failed' }, { value: 'skipped', label: 'skipped' }, { value: 'none', label: 'not applied (yet)' }]} />
    </div>
    <${Loaded} load=${load} what="Loading items">${() => html`
      <p class="muted small" role="status">${shown.length} of ${items.length} items shown.</p>
      ${shown.length ? html`<${ItemsTable} items=${shown} />` : html`<${Empty}>${items.length ? 'No item matches these filters.' : 'This run decided nothing: both sides already agree.'}</${Empty}>`}`}
    </${Loaded}>
  </${Section}>`;
}

function Held({ run, onConfirmed }) {
  const items = useLoad(() => allItems(run.id), [run.id]);
  const [left, setLeft] = useState(false);
  const act = useAction(async () => onConfirmed(await api.post(`/api/v1/runs/${seg(run.id)}/confirm`)));
  return html`<${Section} title="This run is held" className="attention">
    <p>${heldReason(run)} Nothing has been written yet.</p>
    <h3>What it would remove${run.removals != null ? ` (${run.removals})` : ''}</h3>
    <${Loaded} load=${items} what="Loading what it would remove">${(list) => {
      const rem = list.filter((i) => i.removal);
      return rem.length ? html`<${ItemsTable} items=${rem} />` : html`<${Empty}>No removals are listed.</${Empty}>`;
    }}</${Loaded}>
    <div class="row">
      <${Button} kind="danger" pending=${act.pending} onClick=${() => act.run()}>Confirm and apply</${Button}>
      <${Button} kind="secondary" onClick=${() => setLeft(true)}>Leave it held</${Button}>
    </div>
    <${ErrorText} error=${act.error} />
    <${Status}>${left ? 'The run stays held and writes nothing. New runs of this pair wait until it is confirmed; edit the pair to change what it removes.' : ''}</${Status}>
  </${Section}>`;
}

export function RunPage({ id }) {
  const { run, error, live, setRun } = useLiveRun(id);
  if (!run) return html`<${PageHeader} title="Run" />${error ? html`<${ErrorText} error=${error} />` : html`<p class="loading" role="status">Loading the run…</p>`}`;
  return html`<${PageHeader} title="Run">
      <a class="btn btn-secondary" href=${'#/pairs/' + run.pair}>Back to the pair</a>
    </${PageHeader}>
    <${Section} title="Progress">
      <div class="spread"><${RunBadge} run=${run} /><span class="muted small">${live ? 'Live' : ''}</span></div>
      <dl class="facts">
        <dt>Started</dt><dd>${dateTime(run.started_at || run.created_at)}${run.trigger ? ` (${run.trigger})` : ''}</dd>
        ${run.finished_at ? html`<dt>Finished</dt><dd>${dateTime(run.finished_at)}</dd>` : null}
        <dt>Mode</dt><dd>${run.mode || '—'}${run.bootstrap ? ' · bootstrap (removes nothing)' : ''}${run.dry_run ? ' · dry run (writes nothing)' : ''}</dd>
        ${run.error ? html`<dt>Error</dt><dd>${run.error}</dd>` : null}
      </dl>
      <${Progress} run=${run} />
      <${ErrorText} error=${error} />
    </${Section}>
    ${run.state === 'held' ? html`<${Held} run=${run} onConfirmed=${setRun} />` : null}
    <${Section} title="Counters"><${Counters} run=${run} /></${Section}>
    ${DONE.has(run.state) || run.state === 'held' ? html`<${Items} id=${run.id} version=${run.state} />` : null}`;
}
