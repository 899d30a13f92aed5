// signin.js — the sign-in page: Jellyfin user name and password, Quick
// Connect (code shown large, polled every 5 s, expiry and "disabled"
// explained) or a passkey instead of the password; then the second-factor
// challenge when the server asks for one (see challenge.js).
import { html, useEffect, useRef, useState, Field, Button, ErrorText, Status, useAction, RecoveryCodes } from '../lib/ui.js';
import { api, seg, signedIn, deviceId } from '../lib/api.js';
import { PublicFrame } from '../lib/public.js';
import { passkeysSupported, getPasskey } from '../lib/webauthn.js';
import { Challenge } from './challenge.js';

function PasswordForm({ onResult }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const act = useAction(async () => onResult(await api.post('/api/v1/auth/login', { username, password, device_id: deviceId() })));
  const err = act.error;
  return html`<form class="stack" onSubmit=${(e) => { e.preventDefault(); act.run(); }} aria-describedby=${err ? 'signin-error' : undefined}>
    <${Field} label="User name" value=${username} onInput=${setUsername} autocomplete="username" required
      autocapitalize="none" spellcheck="false" error=${err && err.fieldError('username')} />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword} autocomplete="current-password"
      error=${err && err.fieldError('password')} />
    <${ErrorText} error=${err} id="signin-error" />
    <${Button} type="submit" pending=${act.pending}>Sign in</${Button}>
  </form>`;
}

const QC_HELP = 'Open Jellyfin on a device where you are signed in, go to your profile → Quick Connect, and enter this code.';

function QuickConnect({ onResult }) {
  const [qc, setQc] = useState(null);       // {id, code, expires_at}
  const [state, setState] = useState('idle'); // idle | pending | expired | disabled
  const [error, setError] = useState(null);
  const [pending, setPending] = useState(false);
  const timer = useRef(null);

  const stop = () => { clearInterval(timer.current); timer.current = null; };
  useEffect(() => stop, []);

  const poll = async (id) => {
    try {
      const r = await api.get('/api/v1/auth/quickconnect/' + seg(id));
      if (r.state === 'pending') return;
      stop();
      if (r.state === 'expired') { setState('expired'); return; }
      onResult(r.state === 'second_factor' ? { state: 'second_factor', challenge: r.challenge } : r);
    } catch (e) {
      stop();
      setError(e);
      setState(e.status === 404 ? 'expired' : 'idle');
    }
  };

  const start = async () => {
    stop();
    setPending(true);
    setError(null);
    try {
      const r = await api.post('/api/v1/auth/quickconnect');
      setQc(r);
      setState('pending');
      timer.current = setInterval(() => poll(r.id), 5000);
    } catch (e) {
      setError(e);
      setState(e.code === 'quickconnect_disabled' ? 'disabled' : 'idle');
    } finally {
      setPending(false);
    }
  };

  return html`<div class="stack">
    ${state === 'idle' ? html`<p>Approve this sign-in from a Jellyfin app where you are already signed in — no password typed here.</p>` : null}
    ${state === 'pending' && qc ? html`
      <p>${QC_HELP}</p>
      <p class="qc-code" aria-label=${'Quick Connect code ' + qc.code.split('').join(' ')}>${qc.code}</p>
      <${Status}>Waiting for approval… this page checks every 5 seconds. The code expires ${new Date(qc.expires_at).toLocaleTimeString()}.</${Status}>
      <${Button} kind="secondary" onClick=${() => { stop(); setState('idle'); setQc(null); }}>Cancel</${Button}>` : null}
    ${state === 'expired' ? html`<p class="notice" role="alert">The code expired before it was approved. Codes last a few minutes; start again for a new one.</p>` : null}
    ${state === 'disabled' ? html`<div class="notice" role="alert"><p><strong>Quick Connect is turned off on your Jellyfin server.</strong></p>
      <p>A Jellyfin administrator can turn it on under Dashboard → General → Quick Connect. Until then, sign in with your password.</p></div>` : null}
    ${error && state !== 'disabled' ? html`<${ErrorText} error=${error} />` : null}
    ${state !== 'pending' ? html`<${Button} pending=${pending} onClick=${start}>${state === 'idle' ? 'Get a Quick Connect code' : 'Get a new code'}</${Button}>` : null}
  </div>`;
}

function PasskeySignIn({ onResult }) {
  const act = useAction(async () => {
    const opts = await api.post('/api/v1/auth/passkey/options', {});
    const credential = await getPasskey(opts.publicKey);
    onResult(await api.post('/api/v1/auth/passkey', { challenge_id: opts.challenge_id, credential, device_id: deviceId() }));
  });
  return html`<div class="stack">
    <p>Use a passkey you set up as a password replacement in Jellybridge's security settings.</p>
    <${ErrorText} error=${act.error} />
    <${Button} pending=${act.pending} onClick=${() => act.run()}>Sign in with a passkey</${Button}>
  </div>`;
}

const TABS = [['password', 'Password'], ['quickconnect', 'Quick Connect'], ['passkey', 'Passkey']];

export function SignInPage() {
  const [tab, setTab] = useState('password');
  const [challenge, setChallenge] = useState(null);
  const [codes, setCodes] = useState(null);  // {codes, result}
  const tabs = passkeysSupported() ? TABS : TABS.slice(0, 2);

  const onResult = (r) => {
    // Login answers {challenge} alone; Quick Connect {state: 'second_factor', challenge}.
    if (r && r.challenge && !r.session) { setChallenge(r.challenge); return; }
    if (r && r.recovery_codes && r.recovery_codes.length) { setCodes({ codes: r.recovery_codes, result: r }); return; }
    signedIn(r);
  };

  const onKey = (e) => {
    const i = tabs.findIndex(([k]) => k === tab);
    let j = -1;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    if (j >= 0) {
      e.preventDefault();
      setTab(tabs[j][0]);
      document.getElementById('tab-' + tabs[j][0]).focus();
    }
  };

  let body;
  if (codes) {
    body = html`<h2>Your authenticator is set up</h2>
      <${RecoveryCodes} codes=${codes.codes} onDone=${() => signedIn(codes.result)} doneLabel="Continue to Jellybridge" />`;
  } else if (challenge) {
    body = html`<${Challenge} challenge=${challenge} onResult=${onResult} onCancel=${() => setChallenge(null)} />`;
  } else {
    body = html`
      <div class="tabs" role="tablist" aria-label="How to sign in" onKeyDown=${onKey}>
        ${tabs.map(([k, label]) => html`<button type="button" role="tab" id=${'tab-' + k} aria-controls="signin-panel"
          aria-selected=${tab === k ? 'true' : 'false'} tabindex=${tab === k ? 0 : -1} onClick=${() => setTab(k)}>${label}</button>`)}
      </div>
      <div id="signin-panel" role="tabpanel" aria-labelledby=${'tab-' + tab}>
        ${tab === 'password' ? html`<${PasswordForm} onResult=${onResult} />` : null}
        ${tab === 'quickconnect' ? html`<${QuickConnect} onResult=${onResult} />` : null}
        ${tab === 'passkey' ? html`<${PasskeySignIn} onResult=${onResult} />` : null}
      </div>`;
  }

  return html`<${PublicFrame} title="Sign in" lead="Use your account on the home Jellyfin server.">
    ${body}
    ${challenge || codes ? null : html`<p class="small"><a href="#/reset">Forgot your password?</a></p>`}
  </${PublicFrame}>`;
}
