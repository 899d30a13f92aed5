// security-passkeys.js — your passkeys: register one in this browser (as a
// second factor or, if you choose, instead of the password), rename it,
// switch "use instead of the password", remove it.
import { html, useState, Section, Empty, Loaded, Button, Field, Check, ErrorText, Status, useLoad, useAction, dateTime, relative } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { passkeysSupported, createPasskey } from '../lib/webauthn.js';

const BASE = '/api/v1/me/security/passkeys';

function AddPasskey({ onAdded }) {
  const [name, setName] = useState('');
  const [passwordless, setPasswordless] = useState(false);
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const act = useAction(async () => {
    let opts;
    try {
      opts = await api.post(BASE + '/options', code ? { passwordless, code: code.trim() } : { passwordless });
    } catch (e) {
      if (e.fieldError('code') || /code/.test(e.code)) setNeedCode(true);
      throw e;
    }
    const credential = await createPasskey(opts.publicKey);
    const r = await api.post(BASE, { challenge_id: opts.challenge_id, name: name.trim() || 'Passkey', credential });
    setName(''); setCode(''); setNeedCode(false);
    onAdded(r.passkey || r);
  });
  if (!passkeysSupported()) return html`<p class="notice">This browser cannot create passkeys.</p>`;
  return html`<form onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <h3>Add a passkey</h3>
    <${Field} label="Passkey name" value=${name} onInput=${setName} hint="So you can tell them apart, e.g. “Laptop” or “YubiKey”." error=${act.error && act.error.fieldError('name')} />
    <${Check} label="Use it instead of my password" checked=${passwordless} onChange=${setPasswordless}
      hint="Off: the passkey is a second step after your password. On: it also signs you in on its own." />
    ${needCode ? html`<${Field} label="Current code from your authenticator app" value=${code} onInput=${setCode} autocomplete="one-time-code" />` : null}
    <${ErrorText} error=${act.error && !act.error.fieldError('name') ? act.error : null} />
    <${Button} type="submit" pending=${act.pending}>Create a passkey</${Button}>
  </form>`;
}

function PasskeyRow({ pk, onChange, onRemoved }) {
  const [name, setName] = useState(pk.name);
  const [editing, setEditing] = useState(false);
  // PATCH answers {passkey}; changing "instead of password" needs a current
  // code when an authenticator app is set up (403 code_required).
  const [code, setCode] = useState('');
  const [needCode, setNeedCode] = useState(false);
  const patch = useAction(async (body) => {
    try {
      const r = await api.patch(`${BASE}/${seg(pk.id)}`, needCode && code.trim() ? { ...body, code: code.trim() } : body);
      onChange((r && r.passkey) || { ...pk, ...body });
      setEditing(false); setNeedCode(false); setCode('');
    } catch (e) {
      if (e.code === 'code_required' || e.code === 'wrong_code') setNeedCode(true);
      throw e;
    }
  });
  const del = useAction(async () => { await api.del(`${BASE}/${seg(pk.id)}`); onRemoved(pk.id); });
  return html`<li>
    <div class="spread"><strong>${pk.name}</strong><span class="muted small"><span class="pk-use">${pk.passwordless ? 'instead of password' : 'second step'}</span>${pk.backed_up ? ' · synced' : ''}</span></div>
    <p class="muted small">Added ${dateTime(pk.created_at)} · last used ${pk.last_used_at ? relative(pk.last_used_at) : 'never'}</p>
    ${editing ? html`<form class="row" onSubmit=${(e) => { e.preventDefault(); patch.run({ name: name.trim() }); }}>
        <${Field} label="New name" value=${name} onInput=${setName} required />
        <${Button} type="submit" pending=${patch.pending}>Save</${Button}><${Button} kind="ghost" onClick=${() => setEditing(false)}>Cancel</${Button}></form>`
      : html`<div class="row">
        <${Button} kind="secondary" onClick=${() => setEditing(true)}>Rename</${Button}>
        <${Button} kind="secondary" pending=${patch.pending} onClick=${() => patch.run({ passwordless: !pk.passwordless })}>${pk.passwordless ? 'Use only as a second step' : 'Use instead of password'}</${Button}>
        <${Button} kind="danger" pending=${del.pending} onClick=${() => del.run()} aria-label=${'Remove passkey ' + pk.name}>Remove</${Button}>
      </div>`}
    ${needCode ? html`<${Field} label=${'Current code from your authenticator app (for ' + pk.name + ')'} value=${code} onInput=${setCode}
      autocomplete="one-time-code" hint="Then press the button again." />` : null}
    <${ErrorText} error=${patch.error || del.error} />
  </li>`;
}

export function Passkeys({ reload }) {
  const load = useLoad(() => api.get(BASE).then((d) => d.passkeys || []), []);
  const [msg, setMsg] = useState('');
  const update = (pk) => load.setData((l) => l.map((x) => (x.id === pk.id ? { ...x, ...pk } : x)));
  return html`<${Section} title="Passkeys">
    <p>A passkey signs in with this device's screen lock or a security key — nothing to type, nothing to phish.</p>
    <${Loaded} load=${load} what="Loading passkeys">${(list) => list.length
      ? html`<ul class="list">${list.map((pk) => html`<${PasskeyRow} key=${pk.id} pk=${pk} onChange=${update}
          onRemoved=${(id) => { load.setData((l) => l.filter((x) => x.id !== id)); setMsg('Passkey removed.'); reload(); }} />`)}</ul>`
      : html`<${Empty}>No passkeys yet.</${Empty}>`}</${Loaded}>
    <${AddPasskey} onAdded=${(pk) => { load.setData((l) => [...(l || []), pk]); setMsg(`Passkey “${pk.name}” added.`); }} />
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}
