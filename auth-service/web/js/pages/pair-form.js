// pair-form.js — the form that creates or edits a pair: name, source and
// target connection, one-way or two-way, per feature the enabled/add/remove
// switches (each with a sentence on what it does), an optional per-pair
// library choice, the schedule and dry run. Answers the body for the API.
import { html, useState, Field, Select, Check, Button, ErrorText, useLoad, Loaded, Empty } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { FEATURES, connectionLabel } from '../lib/sync.js';

export const NEW_PAIR = {
  name: '', source: '', target: '', mode: 'two-way',
  features: {
    watchlist: { enabled: true, add: true, remove: false },
    history: { enabled: true, add: true, remove: false },
    progress: { enabled: true, add: true, remove: false },
  },
  libraries: null, schedule: 'manual', dry_run: false,
};

function fromPair(p) {
  const f = {};
  for (const { key } of FEATURES) f[key] = { enabled: false, add: true, remove: false, ...((p.features || {})[key] || {}) };
  return { ...NEW_PAIR, ...p, features: f };
}

function LibraryPicker({ label, connId, picked, onChange }) {
  const libs = useLoad(() => (connId ? api.get(`/api/v1/connections/${seg(connId)}/libraries`) : Promise.resolve({ libraries: [] })), [connId]);
  return html`<fieldset><legend>${label}</legend>
    <${Loaded} load=${libs} what="Loading libraries">${(d) => d.libraries.length
      ? d.libraries.map((l) => html`<${Check} key=${l.id} label=${l.name} checked=${picked.includes(l.id)}
          onChange=${(on) => onChange(on ? [...picked, l.id] : picked.filter((x) => x !== l.id))} />`)
      : html`<${Empty}>${connId ? 'No libraries known; load them on the Libraries page.' : 'Choose the connection first.'}</${Empty}>`}</${Loaded}>
  </fieldset>`;
}

export function PairForm({ pair, connections, submitLabel, onSubmit }) {
  const [v, setV] = useState(() => (pair ? fromPair(pair) : NEW_PAIR));
  const [pending, setPending] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const setF = (f, k) => (x) => setV((o) => ({ ...o, features: { ...o.features, [f]: { ...o.features[f], [k]: x } } }));
  const every = v.schedule && v.schedule !== 'manual' ? v.schedule.every_minutes : null;
  const usable = connections.filter((c) => c.status !== 'pending');
  const opts = [{ value: '', label: 'Choose a connection' }, ...usable.map((c) => ({ value: c.id, label: connectionLabel(c) }))];
  const fe = (name) => error && error.fieldError(name);

  const submit = async (e) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    const body = { name: v.name.trim(), source: v.source, target: v.target, mode: v.mode, features: v.features,
      libraries: v.libraries, schedule: v.schedule, dry_run: v.dry_run };
    try { await onSubmit(body); } catch (err) { setError(err); } finally { setPending(false); }
  };

  return html`<form onSubmit=${submit} novalidate>
    <${Field} label="Name" value=${v.name} onInput=${set('name')} hint="For you, e.g. “Home ↔ cabin”." error=${fe('name')} />
    <${Select} label="Source" value=${v.source} onChange=${set('source')} options=${opts} error=${fe('source')} />
    <${Select} label="Target" value=${v.target} onChange=${set('target')} options=${opts} error=${fe('target')} />
    <fieldset><legend>Direction</legend>
      <label class="radio"><input type="radio" name="mode" value="one-way" checked=${v.mode === 'one-way'} onChange=${() => set('mode')('one-way')} />One-way: changes on the source are copied to the target</label>
      <label class="radio"><input type="radio" name="mode" value="two-way" checked=${v.mode === 'two-way'} onChange=${() => set('mode')('two-way')} />Two-way: changes on either side are copied to the other</label>
      ${fe('mode') ? html`<p class="field-error">${fe('mode')}</p>` : null}
    </fieldset>
    <fieldset><legend>What to sync</legend>
      ${FEATURES.map((f) => html`<div class="feature" key=${f.key}>
        <${Check} label=${f.label} hint=${f.what} checked=${v.features[f.key].enabled} onChange=${setF(f.key, 'enabled')} />
        <div class="subs">
          <${Check} label="Add" hint=${f.add} checked=${v.features[f.key].add} disabled=${!v.features[f.key].enabled} onChange=${setF(f.key, 'add')} />
          <${Check} label="Remove" hint=${f.remove + ' Off by default; a run that would remove a lot is held for you to confirm.'} checked=${v.features[f.key].remove}
            disabled=${!v.features[f.key].enabled} onChange=${setF(f.key, 'remove')} />
        </div>
        ${fe('features.' + f.key) ? html`<p class="field-error">${fe('features.' + f.key)}</p>` : null}
      </div>`)}
      ${fe('features') && !FEATURES.some((f) => fe('features.' + f.key)) ? html`<p class="field-error">${fe('features')}</p>` : null}
    </fieldset>
    <fieldset><legend>Libraries</legend>
      <${Check} label="Choose libraries for this pair" checked=${!!v.libraries}
        hint="Off: each connection's whitelist decides (set on the Libraries page). On: only the libraries ticked here."
        onChange=${(on) => set('libraries')(on ? { source: [], target: [] } : null)} />
      ${v.libraries ? html`<div class="grid">
        <${LibraryPicker} label="Source libraries" connId=${v.source} picked=${v.libraries.source || []} onChange=${(x) => set('libraries')({ ...v.libraries, source: x })} />
        <${LibraryPicker} label="Target libraries" connId=${v.target} picked=${v.libraries.target || []} onChange=${(x) => set('libraries')({ ...v.libraries, target: x })} />
      </div>` : null}
      ${fe('libraries') ? html`<p class="field-error">${fe('libraries')}</p>` : null}
    </fieldset>
    <fieldset><legend>Schedule</legend>
      <label class="radio"><input type="radio" name="schedule" checked=${!every} onChange=${() => set('schedule')('manual')} />Only when I start a run</label>
      <label class="radio"><input type="radio" name="schedule" checked=${!!every} onChange=${() => set('schedule')({ every_minutes: 60 })} />On a schedule</label>
      ${every ? html`<${Field} label="Every how many minutes" type="number" min="15" step="1" value=${String(every)}
        hint="At least 15 minutes." onInput=${(x) => set('schedule')({ every_minutes: parseInt(x, 10) || 0 })}
        error=${fe('schedule.every_minutes') || fe('schedule')} />` : (fe('schedule') ? html`<p class="field-error">${fe('schedule')}</p>` : null)}
    </fieldset>
    <${Check} label="Dry run" checked=${v.dry_run} onChange=${set('dry_run')}
      hint="Runs plan and list what they would change, but write nothing to Jellyfin." />
    ${error ? html`<${ErrorText} error=${error} />` : null}
    <${Button} type="submit" pending=${pending}>${submitLabel}</${Button}>
  </form>`;
}
