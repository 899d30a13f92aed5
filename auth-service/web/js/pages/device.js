// device.js — "Sign in a device": a TV or phone shows a Quick Connect code;
// the user chooses which of their Jellyfin connections (server and account)
// the device should use, types the 6 digits, and the suite authorises the code
// at that server (POST /api/v1/connections/{id}/quickconnect/authorize). The
// answer says which user on which server the device is now signed in as; a
// problem's sentence shows next to the field it concerns.
import { html, useState, PageHeader, Section, Empty, Loaded, Button, Field, Select, ErrorText, Status, useLoad, useAction } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { connectionLabel } from '../lib/sync.js';

// Problems about the code go next to the code; those about the server or the
// connection next to the server choice; anything else below the form.
const CODE_ERRORS = new Set(['quickconnect_code_unknown', 'quickconnect_code_used']);
const CONNECTION_ERRORS = new Set(['quickconnect_disabled', 'connection_expired', 'connection_not_ready', 'not_found', 'server_url_unusable']);

function fieldOf(err) {
  if (!err) return undefined;
  if (err.fieldError('code') || CODE_ERRORS.has(err.code)) return 'code';
  if (CONNECTION_ERRORS.has(err.code) || err.code.startsWith('jellyfin_') || err.code === 'not_jellyfin') return 'connection';
  return undefined;
}

function serverName(server) {
  if (server.name) return server.name;
  try { return new URL(server.url).host; } catch { return server.url || 'the server'; }
}

function DeviceForm({ connections }) {
  const [conn, setConn] = useState(connections[0].id);
  const [code, setCode] = useState('');
  const [done, setDone] = useState(null);
  const act = useAction(async () => {
    setDone(null);
    const r = await api.post(`/api/v1/connections/${seg(conn)}/quickconnect/authorize`, { code: code.trim() });
    setCode('');
    setDone(r);
  });
  const err = act.error;
  const where = fieldOf(err);
  const errText = (f) => (where === f ? (err.fieldError(f) || err.message) : undefined);
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <${Select} label="Server and account" value=${conn} onChange=${setConn} error=${errText('connection')}
      hint="The device is signed in to this server as this connection's Jellyfin user."
      options=${connections.map((c) => ({ value: c.id, label: connectionLabel(c) }))} />
    <${Field} label="Code shown on the device" value=${code} onInput=${setCode} required
      inputmode="numeric" autocomplete="one-time-code" maxlength="9" spellcheck="false"
      hint="On the device choose Quick Connect; it shows 6 digits." error=${errText('code')} />
    ${err && !where ? html`<${ErrorText} error=${err} />` : null}
    <${Button} type="submit" pending=${act.pending}>Sign in the device</${Button}>
    <${Status}>${done ? `The device is signed in to ${serverName(done.server)} as ${done.user.name}.` : ''}</${Status}>
  </form>`;
}

export function DevicePage() {
  const load = useLoad(() => api.get('/api/v1/connections').then((d) => d.connections || []), []);
  return html`<${PageHeader} title="Sign in a device" />
    <${Section} title="Quick Connect code">
      <p class="muted">Sign a TV, phone or another Jellyfin app in to one of your servers without typing a password on it.</p>
      <${Loaded} load=${load} what="Loading your connections">${(list) => {
        const usable = list.filter((c) => c.user && c.status !== 'pending');
        return usable.length ? html`<${DeviceForm} connections=${usable} />`
          : html`<${Empty}>You have no connection with a signed-in user yet. <a href="#/connections">Add a connection</a> first.</${Empty}>`;
      }}</${Loaded}>
    </${Section}>`;
}
