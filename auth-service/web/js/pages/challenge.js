// challenge.js — the second step of a sign-in: the server's challenge lists
// the methods this user has (authenticator code, recovery code, email code,
// passkey, or enrol_totp when policy makes them set one up now). One form per
// method, plus "trust this browser"; the answer goes back to the sign-in page.
import { html, useState, Field, Button, ErrorText, Status, Check, useAction, QrCode, dateTime } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { passkeysSupported, getPasskey } from '../lib/webauthn.js';

const LABELS = {
  totp: 'Authenticator app',
  recovery: 'Recovery code',
  email: 'Email code',
  passkey: 'Passkey',
  enrol_totp: 'Set up an authenticator',
};

function CodeForm({ challenge, method, remember, onResult }) {
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(null);
  const base = '/api/v1/auth/challenge/' + seg(challenge.id);
  const act = useAction(async () => onResult(await api.post(base, { method, code: code.trim(), remember })));
  const send = useAction(async () => setSent(await api.post(base + '/email')));
  const label = { totp: 'Six-digit code from your authenticator app', recovery: 'Recovery code', email: 'Code from the email' }[method];
  const err = act.error;
  return html`<form class="stack" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    ${method === 'email' ? html`<div class="stack">
      <p>We email a sign-in code to the address in your security settings.</p>
      <${Button} kind="secondary" pending=${send.pending} onClick=${() => send.run()}>${sent ? 'Send another code' : 'Email me a code'}</${Button}>
      <${ErrorText} error=${send.error} />
      ${sent ? html`<${Status}>Code sent${sent.sent_to ? ' to ' + sent.sent_to : ''}. It works until ${dateTime(sent.expires_at)}.</${Status}>` : null}
    </div>` : null}
    <${Field} label=${label} value=${code} onInput=${setCode} autocomplete="one-time-code" required
      inputmode=${method === 'recovery' ? 'text' : 'numeric'} autocapitalize="none" spellcheck="false"
      error=${err && (err.fieldError('code') || (err.code === 'second_factor_failed' ? err.message : undefined))} />
    ${err && err.code !== 'second_factor_failed' && !err.fieldError('code') ? html`<${ErrorText} error=${err} />` : null}
    <${Button} type="submit" pending=${act.pending}>Verify</${Button}>
  </form>`;
}

function PasskeyStep({ challenge, remember, onResult }) {
  const base = '/api/v1/auth/challenge/' + seg(challenge.id);
  const act = useAction(async () => {
    const opts = await api.post(base + '/passkey', {});
    const credential = await getPasskey(opts.publicKey);
    onResult(await api.post(base, { method: 'passkey', credential, remember }));
  });
  return html`<div class="stack">
    <p>Use the passkey on this device or your security key.</p>
    <${ErrorText} error=${act.error} />
    <${Button} pending=${act.pending} onClick=${() => act.run()}>Use my passkey</${Button}>
  </div>`;
}

function EnrolStep({ challenge, remember, onResult }) {
  const [setup, setSetup] = useState(null);
  const start = useAction(async () => setSetup(await api.post('/api/v1/auth/challenge/' + seg(challenge.id) + '/enrol', {})));
  if (!setup) {
    return html`<div class="stack">
      <p>Your administrator requires a second factor. Set up an authenticator app (such as Aegis, 2FAS or Google Authenticator) to finish signing in.</p>
      <${ErrorText} error=${start.error} />
      <${Button} pending=${start.pending} onClick=${() => start.run()}>Show the QR code</${Button}>
    </div>`;
  }
  return html`<div class="stack">
    <p>Scan this QR code with your authenticator app, or type the key by hand.</p>
    <${QrCode} svg=${setup.qr_svg} label="QR code for your authenticator app" />
    <p>Key: <code class="secret-value">${setup.secret}</code></p>
    <${CodeForm} challenge=${challenge} method="totp" remember=${remember} onResult=${onResult} />
  </div>`;
}

export function Challenge({ challenge, onResult, onCancel }) {
  const methods = challenge.methods.filter((m) => m !== 'passkey' || passkeysSupported());
  const [method, setMethod] = useState(methods[0]);
  const [remember, setRemember] = useState(false);
  return html`<div class="stack">
    <h2>Second step</h2>
    <p>Confirm it is you. This step ends ${dateTime(challenge.expires_at)}.</p>
    ${methods.length > 1 ? html`<fieldset class="choice">
      <legend>How do you want to confirm?</legend>
      ${methods.map((m) => html`<label class="radio"><input type="radio" name="method" value=${m}
        checked=${method === m} onChange=${() => setMethod(m)} />${LABELS[m] || m}</label>`)}
    </fieldset>` : null}
    ${method === 'passkey' ? html`<${PasskeyStep} challenge=${challenge} remember=${remember} onResult=${onResult} />`
      : method === 'enrol_totp' ? html`<${EnrolStep} challenge=${challenge} remember=${remember} onResult=${onResult} />`
      : html`<${CodeForm} key=${method} challenge=${challenge} method=${method} remember=${remember} onResult=${onResult} />`}
    ${method !== 'enrol_totp' ? html`<${Check} label="Trust this browser" checked=${remember} onChange=${setRemember}
      hint="Skip this step when you sign in again from this browser. Do not tick it on a shared computer." />` : null}
    <${Button} kind="ghost" onClick=${onCancel}>Back to sign in</${Button}>
  </div>`;
}
