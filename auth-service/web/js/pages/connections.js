// connections.js — your Jellyfin connections: add one by password, by API
// key (then choose the user) or by Quick Connect (code shown, approval
// polled); verify the stored token; delete (with the pairs that use it, when
// the server says some do). Every API error shows its sentence, next to the
// field it concerns.
import { html, useEffect, useRef, useState, PageHeader, Section, Empty, Loaded, Badge, Button, Field, Select, ErrorText, Status, useLoad, useAction, dateTime, relative } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { connectionLabel } from '../lib/sync.js';

const FIELD_OF = {
  invalid_server_url: 'server_url', not_jellyfin: 'server_url', server_url_unusable: 'server_url',
  jellyfin_connection_refused: 'server_url', jellyfin_dns: 'server_url', jellyfin_tls: 'server_url',
  jellyfin_timeout: 'server_url', jellyfin_starting: 'server_url', quickconnect_disabled: 'server_url',
  jellyfin_bad_credentials: 'password', jellyfin_user_disabled: 'username', jellyfin_bad_api_key: 'api_key',
};

/** The sentence for `field`, from invalid_params or the problem code. */
function errFor(err, field) {
  if (!err) return undefined;
  return err.fieldError(field) || (FIELD_OF[err.code] === field ? err.message : undefined);
}
const isFieldErr = (err, fields) => err && fields.some((f) => errFor(err, f));

function AddConnection({ onAdded }) {
  const [method, setMethod] = useState('password');
  const [v, setV] = useState({ server_url: '', username: '', password: '', api_key: '' });
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const act = useAction(async () => {
    const body = { method, server_url: v.server_url.trim() };
    if (method === 'password') Object.assign(body, { username: v.username, password: v.password });
    if (method === 'api_key') body.api_key = v.api_key.trim();
    const conn = await api.post('/api/v1/connections', body);
    setV({ server_url: '', username: '', password: '', api_key: '' });
    onAdded(conn);
  });
  const err = act.error;
  const fields = method === 'password' ? ['server_url', 'username', 'password'] : method === 'api_key' ? ['server_url', 'api_key'] : ['server_url'];
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <fieldset class="choice">
      <legend>How to sign in to that server</legend>
      ${[['password', 'User name and password'], ['api_key', 'API key (then choose the user)'], ['quickconnect', 'Quick Connect']].map(([k, l]) =>
        html`<label class="radio"><input type="radio" name="conn-method" value=${k} checked=${method === k} onChange=${() => setMethod(k)} />${l}</label>`)}
    </fieldset>
    <${Field} label="Server address" type="url" value=${v.server_url} onInput=${set('server_url')} required
      placeholder="https://jellyfin.example.org" hint="The address you open Jellyfin at, with http:// or https://."
      error=${errFor(err, 'server_url')} autocapitalize="none" spellcheck="false" />
    ${method === 'password' ? html`
      <${Field} label="Jellyfin user name" value=${v.username} onInput=${set('username')} required autocomplete="off" autocapitalize="none" error=${errFor(err, 'username')} />
      <${Field} label="Jellyfin password" type="password" value=${v.password} onInput=${set('password')} autocomplete="new-password"
        hint="Used once to get a token; Jellybridge does not keep the password." error=${errFor(err, 'password')} />` : null}
    ${method === 'api_key' ? html`<${Field} label="API key" value=${v.api_key} onInput=${set('api_key')} required autocomplete="off" spellcheck="false"
        hint="Jellyfin → Dashboard → API Keys. You choose which user it acts for next." error=${errFor(err, 'api_key')} />` : null}
    ${method === 'quickconnect' ? html`<p class="hint">Jellybridge shows a code; approve it in Jellyfin (profile → Quick Connect) while signed in as the user to connect.</p>` : null}
    ${err && !isFieldErr(err, fields) ? html`<${ErrorText} error=${err} />` : null}
    <${Button} type="submit" pending=${act.pending}>Add connection</${Button}>
  </form>`;
}

function ChooseUser({ conn, onDone }) {
  const users = useLoad(() => api.get(`/api/v1/connections/${seg(conn.id)}/users`), [conn.id]);
  const [user, setUser] = useState('');
  const act = useAction(async () => onDone(await api.patch(`/api/v1/connections/${seg(conn.id)}`, { user_id: user })));
  return html`<div class="stack">
    <${Loaded} load=${users} what="Loading the server's users">${(d) => {
      const list = (d.users || []).filter((u) => !u.is_disabled);
      return list.length ? html`<form class="row" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
        <${Select} label="Which Jellyfin user should this connection act for?" value=${user} onChange=${setUser}
          options=${[{ value: '', label: 'Choose a user' }, ...list.map((u) => ({ value: u.id, label: u.name + (u.is_admin ? ' (administrator)' : '') }))]}
          error=${act.error && act.error.fieldError('user_id')} />
        <${Button} type="submit" pending=${act.pending} disabled=${!user}>Use this user</${Button}>
      </form>` : html`<${Empty}>The server lists no enabled users for this key.</${Empty}>`;
    }}</${Loaded}>
    ${act.error && !act.error.fieldError('user_id') ? html`<${ErrorText} error=${act.error} />` : null}
  </div>`;
}

/** Polls a Quick Connect connection every 5 s until it is approved. */
function QuickConnectWait({ conn, onChange }) {
  const timer = useRef(null);
  useEffect(() => {
    timer.current = setInterval(async () => {
      try {
        const c = await api.get(`/api/v1/connections/${seg(conn.id)}`);
        if (c.status !== 'pending' || c.pending_reason !== 'approval') onChange(c);
      } catch { /* shown on the next load */ }
    }, 5000);
    return () => clearInterval(timer.current);
  }, [conn.id]);
  const qc = conn.quickconnect || {};
  return html`<div class="stack">
    <p>In Jellyfin on ${conn.server && (conn.server.name || conn.server.url)}, open your profile → Quick Connect and enter:</p>
    <p class="qc-code">${qc.code || '—'}</p>
    <${Status}>Waiting for approval; checked every 5 seconds${qc.expires_at ? `. The code expires ${dateTime(qc.expires_at)}` : ''}.</${Status}>
  </div>`;
}

function DeleteButton({ conn, onDeleted }) {
  const [confirming, setConfirming] = useState(false);
  const [inUse, setInUse] = useState(null);
  const act = useAction(async (cascade) => {
    try {
      await api.del(`/api/v1/connections/${seg(conn.id)}${cascade ? '?cascade=pairs' : ''}`);
      onDeleted(conn.id);
    } catch (e) {
      if (e.code === 'connection_in_use') { setInUse(e); return; }
      throw e;
    }
  });
  if (inUse) {
    return html`<div class="notice stack" role="alert"><p>${inUse.message}</p>
      <div class="row"><${Button} kind="danger" pending=${act.pending} onClick=${() => act.run(true)}>Delete it and those pairs</${Button}>
      <${Button} kind="secondary" onClick=${() => { setInUse(null); setConfirming(false); }}>Keep it</${Button}></div></div>`;
  }
  if (!confirming) return html`<${Button} kind="danger" onClick=${() => setConfirming(true)}>Delete</${Button}>`;
  return html`<div class="row" role="group" aria-label="Confirm deletion">
    <span>Delete ${connectionLabel(conn)}? Jellybridge logs its token out at Jellyfin.</span>
    <${Button} kind="danger" pending=${act.pending} onClick=${() => act.run(false)}>Yes, delete</${Button}>
    <${Button} kind="secondary" onClick=${() => setConfirming(false)}>Cancel</${Button}>
    <${ErrorText} error=${act.error} />
  </div>`;
}

function ConnectionCard({ conn, onChange, onDeleted }) {
  const verify = useAction(async () => onChange(await api.post(`/api/v1/connections/${seg(conn.id)}/verify`)));
  const s = conn.server || {};
  return html`<li class="card" aria-label=${connectionLabel(conn)}>
    <div class="spread"><h2>${connectionLabel(conn)}${conn.home ? html` <span class="muted small">(home server)</span>` : null}</h2><${Badge} state=${conn.status} /></div>
    <dl class="facts">
      <dt>Server</dt><dd>${s.url || '—'}${s.version ? ` (Jellyfin ${s.version})` : ''}</dd>
      <dt>Signed in by</dt><dd>${{ password: 'password', api_key: 'API key', quickconnect: 'Quick Connect' }[conn.method] || conn.method}</dd>
      <dt>Last check</dt><dd>${conn.last_check ? relative(conn.last_check) : 'never'}</dd>
      ${conn.last_error && conn.last_error.message ? html`<dt>Last error</dt><dd>${conn.last_error.message}</dd>` : null}
    </dl>
    ${conn.status === 'pending' && conn.pending_reason === 'user_id' ? html`<${ChooseUser} conn=${conn} onDone=${onChange} />` : null}
    ${conn.status === 'pending' && conn.pending_reason === 'approval' ? html`<${QuickConnectWait} conn=${conn} onChange=${onChange} />` : null}
    ${conn.status === 'expired' ? html`<p class="notice">Jellyfin no longer accepts this connection's token. Delete it and add it again to sign in anew.</p>` : null}
    <div class="row">
      <${Button} kind="secondary" pending=${verify.pending} onClick=${() => verify.run()}>Verify</${Button}>
      ${conn.status === 'active' ? html`<a class="btn btn-secondary" href=${'#/libraries/' + conn.id}>Libraries</a>` : null}
      <${DeleteButton} conn=${conn} onDeleted=${onDeleted} />
    </div>
    <${ErrorText} error=${verify.error} />
    ${verify.pending ? null : html`<${Status}>${conn._verified ? `Checked just now: ${conn.status}.` : ''}</${Status}>`}
  </li>`;
}

export function ConnectionsPage() {
  const load = useLoad(() => api.get('/api/v1/connections').then((d) => d.connections || []), []);
  const replace = (c, verified) => load.setData((list) => {
    const next = (list || []).filter((x) => x.id !== c.id);
    const i = (list || []).findIndex((x) => x.id === c.id);
    const item = { ...c, _verified: verified };
    if (i < 0) return [...next, item];
    next.splice(i, 0, item);
    return next;
  });
  return html`<${PageHeader} title="Connections" />
    <p class="lead">Each connection is one Jellyfin account on one server. Pairs sync between two of them.</p>
    <${Loaded} load=${load} what="Loading connections">${(list) => html`
      ${list.length ? html`<ul class="list cards">${list.map((c) => html`<${ConnectionCard} key=${c.id} conn=${c}
        onChange=${(x) => replace(x, true)} onDeleted=${(id) => load.setData((l) => l.filter((x) => x.id !== id))} />`)}</ul>`
        : html`<${Empty}>No connections yet. Add one below.</${Empty}>`}`}
    </${Loaded}>
    <${Section} title="Add a connection">
      <${AddConnection} onAdded=${(c) => replace(c, false)} />
    </${Section}>`;
}
