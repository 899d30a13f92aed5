// libraries.js — one connection's libraries: "Load Libraries" from Jellyfin,
// the whitelist as one checkbox per library (none ticked = every film and
// series library, said plainly), the provider-id index's state and counts,
// and the items it could not match, each with its reason.
import { html, useEffect, useState, PageHeader, Section, Empty, Loaded, Badge, Button, Select, Check, ErrorText, Status, useLoad, useAction, dateTime, relative, duration } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { navigate } from '../lib/ui.js';
import { connectionLabel } from '../lib/sync.js';

function Whitelist({ conn }) {
  const base = `/api/v1/connections/${seg(conn.id)}`;
  const libs = useLoad(() => api.get(base + '/libraries'), [conn.id]);
  const [picked, setPicked] = useState(null);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    if (libs.data) setPicked(new Set(libs.data.libraries.filter((l) => l.whitelisted && !libs.data.whitelist_all).map((l) => l.id)));
  }, [libs.data]);
  const refresh = useAction(async () => libs.setData(await api.get(base + '/libraries?refresh=true')));
  const save = useAction(async () => {
    const r = await api.put(base + '/whitelist', { library_ids: [...picked] });
    setSaved(r.meaning || (r.all ? 'Every film and series library is synced.' : 'Saved.'));
    libs.setData((d) => ({ ...d, whitelist_all: r.all, libraries: d.libraries.map((l) => ({ ...l, whitelisted: r.all || r.library_ids.includes(l.id) })) }));
  });
  const toggle = (id, on) => {
    setSaved('');
    setPicked((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });
  };
  return html`<${Section} title="Libraries and whitelist">
    <p><strong>Empty = all:</strong> when no library is ticked, every film and series library of this connection is indexed and synced. Tick libraries to limit it to those.</p>
    <div class="row"><${Button} kind="secondary" pending=${refresh.pending} onClick=${() => refresh.run()}>Load Libraries</${Button}>
      ${libs.data && libs.data.fetched_at ? html`<span class="muted small">Loaded from Jellyfin ${relative(libs.data.fetched_at)}</span>` : null}</div>
    <${ErrorText} error=${refresh.error} />
    <${Loaded} load=${libs} what="Loading libraries">${(d) => d.libraries.length && picked ? html`
      <form onSubmit=${(e) => { e.preventDefault(); save.run(); }}>
        <fieldset><legend>Libraries to sync</legend>
          ${d.libraries.map((l) => html`<${Check} key=${l.id} label=${l.name} checked=${picked.has(l.id)} onChange=${(on) => toggle(l.id, on)}
            hint=${`${l.type}${l.child_count != null ? ` · ${l.child_count} items` : ''}${l.indexed_items != null ? ` · ${l.indexed_items} indexed` : ''}`} />`)}
        </fieldset>
        <p>${picked.size === 0 ? 'Nothing ticked: all libraries will be used.' : `${picked.size} of ${d.libraries.length} libraries ticked: only those will be used.`}</p>
        <${ErrorText} error=${save.error} />
        <${Button} type="submit" pending=${save.pending}>Save whitelist</${Button}>
        <${Status}>${saved}</${Status}>
      </form>` : html`<${Empty}>No libraries known yet. Press “Load Libraries” to ask Jellyfin.</${Empty}>`}
    </${Loaded}>
  </${Section}>`;
}

function IndexState({ conn }) {
  const base = `/api/v1/connections/${seg(conn.id)}/index`;
  const idx = useLoad(() => api.get(base), [conn.id]);
  const [msg, setMsg] = useState('');
  const rebuild = useAction(async (full) => {
    await api.post(base, { full });
    setMsg(full ? 'A full rebuild is scheduled.' : 'A refresh is scheduled.');
    idx.reload();
  });
  return html`<${Section} title="Index">
    <p class="hint">The index matches films and episodes between servers by their provider ids (IMDb, TMDb, TVDb).</p>
    <${Loaded} load=${idx} what="Loading the index state">${(s) => html`
      <dl class="facts">
        <dt>State</dt><dd><${Badge} state=${s.state} /></dd>
        <dt>Films</dt><dd>${s.counts.movies ?? 0}</dd>
        <dt>Series</dt><dd>${s.counts.series ?? 0}</dd>
        <dt>Episodes</dt><dd>${s.counts.episodes ?? 0}</dd>
        <dt>Unmatched</dt><dd>${s.unmatched}</dd>
        <dt>Last build</dt><dd>${s.last_build ? `${dateTime(s.last_build)}${s.last_kind ? ` (${s.last_kind})` : ''}${s.last_duration_ms != null ? `, took ${duration(s.last_duration_ms)}` : ''}` : 'never'}</dd>
        ${s.last_error ? html`<dt>Last error</dt><dd>${s.last_error}</dd>` : null}
      </dl>`}
    </${Loaded}>
    <div class="row">
      <${Button} kind="secondary" pending=${rebuild.pending} onClick=${() => rebuild.run(false)}>Refresh index</${Button}>
      <${Button} kind="secondary" pending=${rebuild.pending} onClick=${() => rebuild.run(true)}>Full rebuild</${Button}>
      <${Button} kind="ghost" onClick=${idx.reload}>Reload state</${Button}>
    </div>
    <${ErrorText} error=${rebuild.error} />
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

const PAGE = 50;

function Unmatched({ conn }) {
  const [start, setStart] = useState(0);
  const um = useLoad(() => api.get(`/api/v1/connections/${seg(conn.id)}/index/unmatched?start=${start}&count=${PAGE}`), [conn.id, start]);
  return html`<${Section} title="Unmatched items">
    <${Loaded} load=${um} what="Loading unmatched items">${(d) => (d.items || []).length ? html`
      <div class="table-wrap" tabindex="0" role="region" aria-label="Unmatched items table"><table>
        <caption class="sr-only">Items the index could not match</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Reason</th></tr></thead>
        <tbody>${d.items.map((i) => html`<tr key=${i.id}><td>${i.name || i.id}</td><td>${i.type}</td><td>${i.reason}</td></tr>`)}</tbody>
      </table></div>
      <div class="row"><span class="muted small">${start + 1}–${start + d.items.length} of ${d.total ?? '?'}</span>
        <${Button} kind="secondary" disabled=${start === 0} onClick=${() => setStart(Math.max(0, start - PAGE))}>Previous</${Button}>
        <${Button} kind="secondary" disabled=${d.total != null && start + PAGE >= d.total} onClick=${() => setStart(start + PAGE)}>Next</${Button}></div>`
      : html`<${Empty}>Every indexed item was matched.</${Empty}>`}
    </${Loaded}>
  </${Section}>`;
}

export function LibrariesPage({ connectionId }) {
  const conns = useLoad(() => api.get('/api/v1/connections').then((d) => d.connections || []), []);
  return html`<${PageHeader} title="Libraries" />
    <${Loaded} load=${conns} what="Loading connections">${(list) => {
      const usable = list.filter((c) => c.status === 'active');
      if (!usable.length) return html`<${Empty}>No active connection yet. <a href="#/connections">Add a connection</a> first.</${Empty}>`;
      const conn = usable.find((c) => c.id === connectionId) || usable[0];
      return html`
        <${Select} label="Connection" value=${conn.id} onChange=${(id) => navigate('/libraries/' + id)}
          options=${usable.map((c) => ({ value: c.id, label: connectionLabel(c) }))} />
        <${Whitelist} key=${'w' + conn.id} conn=${conn} />
        <${IndexState} key=${'i' + conn.id} conn=${conn} />
        <${Unmatched} key=${'u' + conn.id} conn=${conn} />`;
    }}</${Loaded}>`;
}
