// security-access.js — who else can get in: devices waiting for your
// pairing approval (approve by the code they show, or deny), remembered
// browsers (forget one or all) and app passwords (created and shown once,
// revoked).
import { html, useState, Section, Empty, Loaded, Button, Field, ErrorText, Status, Secret, useLoad, useAction, dateTime, relative } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';

export function PendingDevices() {
  const load = useLoad(() => api.get('/api/v1/me/security/pairing').then((d) => d.pending || []), []);
  const [code, setCode] = useState('');
  const [msg, setMsg] = useState('');
  const approve = useAction(async () => {
    const r = await api.post('/api/v1/me/security/pairing/approve', { code: code.trim() });
    setCode('');
    setMsg(`${r.device_name} is paired and signed in as you.`);
    load.reload();
  });
  const deny = useAction(async (d) => { await api.post(`/api/v1/me/security/pairing/${seg(d.id)}/deny`); setMsg(`${d.device_name} was denied.`); load.reload(); });
  return html`<${Section} title="Devices waiting for approval">
    <p class="hint">A TV or app that asks to be paired shows a code. Approve it only if you see that code on your own device.</p>
    <${Loaded} load=${load} what="Loading devices">${(list) => list.length
      ? html`<ul class="list">${list.map((d) => html`<li key=${d.id} class="spread">
          <span><strong>${d.device_name}</strong> <span class="muted small">from ${d.ip} · asked ${relative(d.created_at)} · expires ${relative(d.expires_at)}</span></span>
          <${Button} kind="danger" pending=${deny.pending} onClick=${() => deny.run(d)} aria-label=${'Deny ' + d.device_name}>Deny</${Button}></li>`)}</ul>`
      : html`<${Empty}>No device is waiting.</${Empty}>`}</${Loaded}>
    <form class="row" onSubmit=${(e) => { e.preventDefault(); approve.run(); }}>
      <${Field} label="Code shown on the device" value=${code} onInput=${setCode} autocapitalize="characters" required
        error=${approve.error && approve.error.message} />
      <${Button} type="submit" pending=${approve.pending}>Approve</${Button}>
    </form>
    <${ErrorText} error=${deny.error} />
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

export function TrustedBrowsers() {
  const load = useLoad(() => api.get('/api/v1/me/security/trusted-browsers').then((d) => d.trusted_browsers || []), []);
  const [msg, setMsg] = useState('');
  const forget = useAction(async (id) => {
    await api.del('/api/v1/me/security/trusted-browsers' + (id ? '/' + seg(id) : ''));
    setMsg(id ? 'The browser is forgotten.' : 'Every remembered browser is forgotten.');
    load.reload();
  });
  return html`<${Section} title="Remembered browsers">
    <p class="hint">Browsers where you ticked “Trust this browser” skip the second step until they expire.</p>
    <${Loaded} load=${load} what="Loading browsers">${(list) => list.length ? html`
      <ul class="list">${list.map((b) => html`<li key=${b.id}>
        <div class="spread"><span>${b.user_agent || 'Unknown browser'}</span>
        <${Button} kind="secondary" pending=${forget.pending} onClick=${() => forget.run(b.id)} aria-label=${'Forget browser ' + (b.user_agent || '')}>Forget</${Button}></div>
        <p class="muted small">${b.ip} · last used ${relative(b.last_used_at)} · until ${dateTime(b.expires_at)}</p></li>`)}</ul>
      <${Button} kind="danger" pending=${forget.pending} onClick=${() => forget.run(null)}>Forget them all</${Button}>`
      : html`<${Empty}>No remembered browsers.</${Empty}>`}</${Loaded}>
    <${ErrorText} error=${forget.error} />
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

export function AppPasswords() {
  const load = useLoad(() => api.get('/api/v1/me/security/app-passwords').then((d) => d.app_passwords || []), []);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const add = useAction(async () => {
    const r = await api.post('/api/v1/me/security/app-passwords', { name: name.trim() });
    setName('');
    setCreated(r);
    load.reload();
  });
  const revoke = useAction(async (id) => { await api.del('/api/v1/me/security/app-passwords/' + seg(id)); load.reload(); });
  return html`<${Section} title="App passwords">
    <p class="hint">For scripts and apps that cannot answer a second step. Each works with your user name in place of your password, and can be revoked on its own.</p>
    ${created ? html`<div class="stack" role="region" aria-label="New app password">
      <p class="notice"><strong>Copy it now:</strong> this password is shown only once.</p>
      <${Secret} label=${created.name} value=${created.password} />
      <${Button} kind="ghost" onClick=${() => setCreated(null)}>Done</${Button}></div>` : null}
    <${Loaded} load=${load} what="Loading app passwords">${(list) => list.length
      ? html`<ul class="list">${list.map((p) => html`<li key=${p.id} class="spread">
          <span><strong>${p.name}</strong> <span class="muted small">created ${dateTime(p.created_at)} · last used ${p.last_used_at ? relative(p.last_used_at) + (p.last_ip ? ' from ' + p.last_ip : '') : 'never'}</span></span>
          <${Button} kind="danger" pending=${revoke.pending} onClick=${() => revoke.run(p.id)} aria-label=${'Revoke ' + p.name}>Revoke</${Button}></li>`)}</ul>`
      : html`<${Empty}>No app passwords.</${Empty}>`}</${Loaded}>
    <form class="row" onSubmit=${(e) => { e.preventDefault(); add.run(); }}>
      <${Field} label="Name of the new app password" value=${name} onInput=${setName} required
        error=${add.error && (add.error.fieldError('name') || add.error.message)} />
      <${Button} type="submit" pending=${add.pending}>Create</${Button}>
    </form>
    <${ErrorText} error=${revoke.error} />
  </${Section}>`;
}
