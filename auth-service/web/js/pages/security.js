// security.js — the Security page: the authenticator app (enrolment with
// the QR code, recovery codes shown once, replace, turn off), passkeys,
// email for sign-in codes, contact details (Telegram, Matrix), then the access lists (remembered browsers, app
// passwords, devices waiting for approval) and notification channels.
import { html, useState, PageHeader, Section, Loaded, Button, Field, ErrorText, Status, Badge, useLoad, useAction, RecoveryCodes, QrCode, dateTime } from '../lib/ui.js';
import { api } from '../lib/api.js';
import { Passkeys } from './security-passkeys.js';
import { TrustedBrowsers, AppPasswords, PendingDevices } from './security-access.js';
import { Channels } from './security-channels.js';
import { Contacts } from './security-contacts.js';

function CodeAction({ label, action, kind = 'secondary', onDone, hint }) {
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const act = useAction(async () => { const r = await action(code.trim()); setCode(''); setOpen(false); onDone(r); });
  if (!open) return html`<${Button} kind=${kind} onClick=${() => setOpen(true)}>${label}</${Button}>`;
  return html`<form class="inline-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <${Field} label=${'Current code from your app (or a recovery code) — ' + label.toLowerCase()} value=${code} onInput=${setCode}
      autocomplete="one-time-code" hint=${hint} error=${act.error && act.error.message} required />
    <div class="row"><${Button} type="submit" kind=${kind} pending=${act.pending}>${label}</${Button}>
    <${Button} kind="ghost" onClick=${() => { setOpen(false); act.setError(null); }}>Cancel</${Button}></div>
  </form>`;
}

function Enrol({ replaceCode, onDone, onCancel }) {
  const [setup, setSetup] = useState(null);
  const [code, setCode] = useState('');
  const start = useAction(async () => setSetup(await api.post('/api/v1/me/security/totp', replaceCode ? { code: replaceCode } : {})));
  const confirm = useAction(async () => onDone(await api.post('/api/v1/me/security/totp/confirm', { code: code.trim() })));
  if (!setup) {
    return html`<div class="stack"><${ErrorText} error=${start.error} />
      <div class="row"><${Button} pending=${start.pending} onClick=${() => start.run()}>Show the QR code</${Button}>
      <${Button} kind="ghost" onClick=${onCancel}>Cancel</${Button}></div></div>`;
  }
  return html`<div class="stack">
    <p>1. Scan this QR code with an authenticator app (Aegis, 2FAS, Google Authenticator, 1Password…), or type the key by hand.</p>
    <${QrCode} svg=${setup.qr_svg} label="QR code for your authenticator app" />
    <p>Key: <code class="secret-value" data-testid="totp-secret">${setup.secret}</code></p>
    <p class="hint">This setup stays open until ${dateTime(setup.expires_at)}.</p>
    <form onSubmit=${(e) => { e.preventDefault(); confirm.run(); }}>
      <${Field} label="2. Enter the six-digit code the app shows" value=${code} onInput=${setCode} inputmode="numeric"
        autocomplete="one-time-code" required error=${confirm.error && confirm.error.message} />
      <div class="row"><${Button} type="submit" pending=${confirm.pending}>Turn on</${Button}>
      <${Button} kind="ghost" onClick=${onCancel}>Cancel</${Button}></div>
    </form>
  </div>`;
}

function Authenticator({ sec, reload }) {
  const [mode, setMode] = useState(null); // null | enrol | {replace: code}
  const [codes, setCodes] = useState(null);
  const [msg, setMsg] = useState('');
  const done = (r) => { setMode(null); setCodes(r.recovery_codes); reload(); };
  return html`<${Section} title="Authenticator app">
    ${codes ? html`<${RecoveryCodes} codes=${codes} onDone=${() => setCodes(null)} />` : null}
    <p>${sec.totp.enabled ? html`<${Badge} state="ok">on</${Badge}> Sign-in asks for a code from your app. ${sec.recovery_codes_left} recovery codes left.`
      : html`<${Badge} state="none">off</${Badge}> Sign-in asks only for your password.`}</p>
    ${sec.policy && sec.policy.required ? html`<p class="notice">Your administrator requires a second factor${sec.policy.enrol_by ? ` from ${dateTime(sec.policy.enrol_by)}` : ''}.</p>` : null}
    ${mode === 'enrol' ? html`<${Enrol} onDone=${done} onCancel=${() => setMode(null)} />`
      : mode && mode.replace ? html`<${Enrol} replaceCode=${mode.replace} onDone=${done} onCancel=${() => setMode(null)} />`
      : sec.totp.enabled ? html`<div class="row">
          <${CodeAction} label="Replace the authenticator" action=${async (code) => code} onDone=${(code) => setMode({ replace: code })} />
          <${CodeAction} label="New recovery codes" hint="The old codes stop working."
            action=${(code) => api.post('/api/v1/me/security/recovery-codes', { code })} onDone=${(r) => setCodes(r.recovery_codes)} />
          <${CodeAction} label="Turn off" kind="danger" hint="Your recovery codes go too."
            action=${(code) => api.del('/api/v1/me/security/totp', { code })} onDone=${() => { setMsg('The authenticator is off.'); reload(); }} />
        </div>`
      : html`<${Button} onClick=${() => setMode('enrol')}>Set up an authenticator app</${Button}>`}
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

function Email({ sec, reload }) {
  const email = sec.email || {};
  const [address, setAddress] = useState('');
  const [msg, setMsg] = useState('');
  const set = useAction(async () => {
    await api.put('/api/v1/me/security/email', { address: address.trim() });
    setMsg(`We sent a confirmation link to ${address.trim()}. Open it to start using the address.`);
    setAddress('');
    reload();
  });
  const remove = useAction(async () => { await api.del('/api/v1/me/security/email'); setMsg('The address is removed.'); reload(); });
  if (email.available === false) {
    return html`<${Section} title="Email"><p>This server has no mail server configured, so sign-in codes and email notifications are not available.</p></${Section}>`;
  }
  return html`<${Section} title="Email">
    <p>${email.address ? html`${email.address} <${Badge} state=${email.confirmed ? 'ok' : 'pending'}>${email.confirmed ? 'confirmed' : 'waiting for confirmation'}</${Badge}>`
      : 'No email address. With one, you can get sign-in codes and security alerts by email.'}</p>
    <form onSubmit=${(e) => { e.preventDefault(); set.run(); }}>
      <${Field} label=${email.address ? 'New email address' : 'Email address'} type="email" value=${address} onInput=${setAddress}
        autocomplete="email" required error=${set.error && (set.error.fieldError('address') || set.error.message)} />
      <div class="row"><${Button} type="submit" pending=${set.pending}>Save and send confirmation</${Button}>
      ${email.address ? html`<${Button} kind="danger" pending=${remove.pending} onClick=${() => remove.run()}>Remove the address</${Button}>` : null}</div>
    </form>
    <${ErrorText} error=${remove.error} />
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

export function SecurityPage() {
  const load = useLoad(() => api.get('/api/v1/me/security'), []);
  return html`<${PageHeader} title="Security" />
    <${Loaded} load=${load} what="Loading your security settings">${(sec) => html`
      <${Authenticator} sec=${sec} reload=${load.reload} />
      ${sec.passkeys && sec.passkeys.available ? html`<${Passkeys} sec=${sec} reload=${load.reload} />` : null}
      <${Email} sec=${sec} reload=${load.reload} />
      <${Contacts} />
      <${PendingDevices} />
      <${TrustedBrowsers} />
      <${AppPasswords} />
      <${Channels} />`}
    </${Loaded}>`;
}
