// security-channels.js — where security alerts go: ntfy, Gotify, a signed
// webhook (its generated secret shown once) or email; which events each
// channel gets; send a test; delete.
import { html, useState, Section, Empty, Loaded, Button, Field, Select, Check, ErrorText, Status, Secret, useLoad, useAction } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';

const BASE = '/api/v1/me/security/channels';
const EVENT_TEXT = {
  'signin.new_device': 'Sign-in from a new device',
  second_factor_failed: 'Wrong second-factor codes',
  lockout: 'Account locked',
  ban: 'Address banned',
  second_factor: 'Second factor changed',
  recovery_code_used: 'Recovery code used',
  app_password: 'App password created or revoked',
  device_paired: 'Device paired',
  device_authorized: 'Device signed in with Quick Connect',
};
const TYPES = [
  { value: 'ntfy', label: 'ntfy' }, { value: 'gotify', label: 'Gotify' },
  { value: 'webhook', label: 'Webhook (signed)' }, { value: 'email', label: 'Email' },
];

function AddChannel({ events, onAdded }) {
  const [v, setV] = useState({ type: 'ntfy', name: '', url: '', token: '', events: [...events] });
  const set = (k) => (x) => setV((o) => ({ ...o, [k]: x }));
  const act = useAction(async () => {
    const body = { type: v.type, name: v.name.trim(), events: v.events };
    if (v.type !== 'email') body.url = v.url.trim();
    if (v.type === 'gotify' || (v.type === 'ntfy' && v.token)) body.token = v.token.trim();
    onAdded(await api.post(BASE, body));
    setV((o) => ({ ...o, name: '', url: '', token: '' }));
  });
  const fe = (n) => act.error && act.error.fieldError(n);
  const fieldErr = act.error && ['type', 'name', 'url', 'token', 'events'].some(fe);
  return html`<form onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <h3>Add a channel</h3>
    <${Select} label="Kind" value=${v.type} onChange=${set('type')} options=${TYPES} error=${fe('type')} />
    <${Field} label="Name" value=${v.name} onInput=${set('name')} required error=${fe('name')} />
    ${v.type !== 'email' ? html`<${Field} label=${v.type === 'webhook' ? 'Webhook URL' : v.type === 'gotify' ? 'Gotify server URL' : 'ntfy topic URL'} type="url"
      value=${v.url} onInput=${set('url')} required error=${fe('url')}
      hint=${v.type === 'webhook' ? 'Each delivery is signed with a secret shown once after you add it.' : undefined} />` : html`<p class="hint">Alerts go to your confirmed email address.</p>`}
    ${v.type === 'gotify' || v.type === 'ntfy' ? html`<${Field} label=${v.type === 'gotify' ? 'Application token' : 'Access token (optional)'} value=${v.token}
      onInput=${set('token')} autocomplete="off" error=${fe('token')} />` : null}
    <fieldset><legend>Events</legend>
      ${events.map((ev) => html`<${Check} key=${ev} label=${EVENT_TEXT[ev] || ev} checked=${v.events.includes(ev)}
        onChange=${(on) => set('events')(on ? [...v.events, ev] : v.events.filter((x) => x !== ev))} />`)}
      ${fe('events') ? html`<p class="field-error">${fe('events')}</p>` : null}
    </fieldset>
    ${act.error && !fieldErr ? html`<${ErrorText} error=${act.error} />` : null}
    <${Button} type="submit" pending=${act.pending}>Add channel</${Button}>
  </form>`;
}

function ChannelRow({ ch, onDeleted }) {
  const [msg, setMsg] = useState('');
  const test = useAction(async () => { await api.post(`${BASE}/${seg(ch.id)}/test`); setMsg('A test notification is on its way.'); });
  const del = useAction(async () => { await api.del(`${BASE}/${seg(ch.id)}`); onDeleted(ch.id); });
  return html`<li>
    <div class="spread"><span><strong>${ch.name}</strong> <span class="muted small">${ch.type}${ch.url ? ' · ' + ch.url : ''}</span></span>
      <div class="row"><${Button} kind="secondary" pending=${test.pending} onClick=${() => test.run()} aria-label=${'Test channel ' + ch.name}>Test</${Button}>
      <${Button} kind="danger" pending=${del.pending} onClick=${() => del.run()} aria-label=${'Delete channel ' + ch.name}>Delete</${Button}></div></div>
    <p class="muted small">${(ch.events || []).map((e) => EVENT_TEXT[e] || e).join(', ') || 'No events'}</p>
    <${ErrorText} error=${test.error || del.error} />
    <${Status}>${msg}</${Status}>
  </li>`;
}

export function Channels() {
  const load = useLoad(() => api.get(BASE), []);
  const [secret, setSecret] = useState(null);
  return html`<${Section} title="Notification channels">
    <p class="hint">Where Jellybridge tells you about security events on your account.</p>
    <${Loaded} load=${load} what="Loading channels">${(d) => html`
      ${secret ? html`<div class="stack"><p class="notice"><strong>Copy the webhook secret now:</strong> it is shown only once.</p>
        <${Secret} label=${secret.name} value=${secret.secret} /><${Button} kind="ghost" onClick=${() => setSecret(null)}>Done</${Button}></div>` : null}
      ${(d.channels || []).length ? html`<ul class="list">${d.channels.map((ch) => html`<${ChannelRow} key=${ch.id} ch=${ch}
          onDeleted=${(id) => load.setData((x) => ({ ...x, channels: x.channels.filter((c) => c.id !== id) }))} />`)}</ul>`
        : html`<${Empty}>No channels yet.</${Empty}>`}
      <${AddChannel} events=${d.events || Object.keys(EVENT_TEXT)} onAdded=${(ch) => {
        if (ch.secret) setSecret(ch);
        load.setData((x) => ({ ...x, channels: [...(x.channels || []), ch] }));
      }} />`}
    </${Loaded}>
  </${Section}>`;
}
