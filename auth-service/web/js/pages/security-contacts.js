// security-contacts.js — the user's contact details for messages: a Telegram
// chat id and a Matrix room id, each confirmed by the 6-digit code sent there
// (GET/PUT/DELETE /api/v1/me/contacts/{kind}, POST …/confirm). The email
// address keeps its own section above.
import { html, useState, Section, Loaded, Button, Field, ErrorText, Status, Badge, useLoad, useAction } from '../lib/ui.js';
import { api } from '../lib/api.js';

const KINDS = [
  { kind: 'telegram', field: 'chat_id', title: 'Telegram', label: 'Telegram chat id', hint: 'A number, such as 123456789 (groups: -100…).' },
  { kind: 'matrix', field: 'room_id', title: 'Matrix', label: 'Matrix room id', hint: 'Such as !abcdef:example.org (the room id, not an alias).' },
];

function Contact({ k, state, reload }) {
  const [id, setId] = useState('');
  const [code, setCode] = useState('');
  const [msg, setMsg] = useState('');
  const set = useAction(async () => {
    await api.put(`/api/v1/me/contacts/${k.kind}`, { [k.field]: id.trim() });
    setMsg(`A confirmation code is on its way to ${id.trim()}. Type it below within 30 minutes.`);
    setId('');
    reload();
  });
  const confirm = useAction(async () => {
    await api.post(`/api/v1/me/contacts/${k.kind}/confirm`, { code: code.trim() });
    setMsg('Confirmed.');
    setCode('');
    reload();
  });
  const remove = useAction(async () => { await api.del(`/api/v1/me/contacts/${k.kind}`); setMsg('Removed.'); reload(); });
  const current = state && state[k.field];
  const waiting = state && (!state.confirmed || state[`pending_${k.field}`]);
  return html`<div>
    <h3>${k.title}</h3>
    <p>${current ? html`${current} <${Badge} state=${state.confirmed ? 'ok' : 'pending'}>${state.confirmed ? 'confirmed' : 'waiting for confirmation'}</${Badge}>` : 'Not set.'}</p>
    <form onSubmit=${(e) => { e.preventDefault(); set.run(); }}>
      <${Field} label=${k.label} value=${id} onInput=${setId} required hint=${k.hint}
        error=${set.error && (set.error.fieldError(k.field) || set.error.message)} />
      <div class="row"><${Button} type="submit" pending=${set.pending}>Save and send a code</${Button}>
      ${current ? html`<${Button} kind="danger" pending=${remove.pending} onClick=${() => remove.run()}>Remove</${Button}>` : null}</div>
    </form>
    ${waiting ? html`<form onSubmit=${(e) => { e.preventDefault(); confirm.run(); }}>
      <${Field} label="Confirmation code" value=${code} onInput=${setCode} required inputmode="numeric" autocomplete="one-time-code"
        error=${confirm.error && (confirm.error.fieldError('code') || confirm.error.message)} />
      <${Button} type="submit" pending=${confirm.pending}>Confirm</${Button}>
    </form>` : null}
    <${ErrorText} error=${remove.error} />
    <${Status}>${msg}</${Status}>
  </div>`;
}

export function Contacts() {
  const load = useLoad(() => api.get('/api/v1/me/contacts'), []);
  return html`<${Section} title="Contact details">
    <p>Where messages about your account (such as expiry reminders) can reach you besides email.</p>
    <${Loaded} load=${load} what="Loading your contact details">${(c) => KINDS.map((k) => html`<${Contact} k=${k} state=${c[k.kind]} reload=${load.reload} />`)}</${Loaded}>
  </${Section}>`;
}
