// signup.js — the public sign-up page an invite link opens
// (#/signup/<code>): what the invite allows (GET /api/v1/signup/invites/{code}),
// a form for the user name and password (the rules shown up front), the human
// check solved in the browser when the invite asks for it (lib/pow.js), then
// POST /api/v1/signup. A problem's sentence shows next to the field it
// concerns; success says the account is ready and links to the sign-in.
import { html, useState, Empty, Loaded, Button, Field, ErrorText, Status, useLoad, useAction, dateTime } from '../lib/ui.js';
import { PublicFrame, passwordRulesText } from '../lib/public.js';
import { api, seg } from '../lib/api.js';
import { solvePow } from '../lib/pow.js';

const FIELD_OF = {
  invalid_user_name: 'user_name', user_name_taken: 'user_name', password_rejected: 'password',
};

function ConfirmAddress({ code }) {
  const [email, setEmail] = useState('');
  const [done, setDone] = useState('');
  const act = useAction(async () => setDone((await api.post('/api/v1/signup/contact', { code, email: email.trim() })).detail));
  const err = act.error;
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <p>This invite needs your email address, confirmed: we send you a link to finish signing up.</p>
    <${Field} label="Email address" type="email" value=${email} onInput=${setEmail} required autocomplete="email"
      error=${err ? (err.fieldError('email') || err.message) : undefined} />
    <${Status}>${done}</${Status}>
    <${Button} type="submit" pending=${act.pending}>Send me the link</${Button}>
  </form>`;
}

function SignUpForm({ code, invite, contact }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [progress, setProgress] = useState('');
  const [done, setDone] = useState(null);
  const [mismatch, setMismatch] = useState('');
  const act = useAction(async () => {
    setMismatch('');
    if (password !== repeat) { setMismatch('The two passwords differ.'); return; }
    const body = { code, user_name: name.trim(), password };
    if (contact) body.contact_token = contact;
    if (invite.human_check) {
      setProgress('Checking that you are a person (this takes a moment)…');
      const challenge = await api.post('/api/v1/signup/challenge');
      body.human_check = await solvePow(challenge, (f) => setProgress(`Checking that you are a person… ${Math.round(f * 100)} %`));
      setProgress('');
    }
    try {
      setDone(await api.post('/api/v1/signup', body));
    } finally {
      setProgress('');
    }
  });
  if (done) {
    return html`<div class="stack-form">
      <${Status}>Your account ${done.user.name} is ready.</${Status}>
      <p>Sign in with it in any Jellyfin app, or here.${done.expires_at ? ` It is valid until ${dateTime(done.expires_at)}.` : ''}</p>
      <a class="btn btn-primary" href="#/signin">Sign in</a>
    </div>`;
  }
  const err = act.error;
  const where = err ? (err.field || FIELD_OF[err.code]) : undefined;
  const errText = (f) => (where === f ? (err.fieldError(f) || err.message) : undefined);
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <${Field} label="User name" value=${name} onInput=${setName} required autocomplete="username"
      spellcheck="false" maxlength="128" error=${errText('user_name')}
      hint="Letters, digits, spaces inside the name, and - ' . _ @ +" />
    <${Field} label="Password" type="password" value=${password} onInput=${setPassword} required
      autocomplete="new-password" hint=${passwordRulesText(invite.password_rules)} error=${errText('password')} />
    <${Field} label="Password again" type="password" value=${repeat} onInput=${setRepeat} required
      autocomplete="new-password" error=${mismatch || undefined} />
    ${err && !where ? html`<${ErrorText} error=${err} />` : null}
    <${Status}>${progress}</${Status}>
    <${Button} type="submit" pending=${act.pending}>Create my account</${Button}>
  </form>`;
}

export function SignUpPage({ code, contact }) {
  const load = useLoad(() => api.get('/api/v1/signup/invites/' + seg(code)), [code]);
  return html`<${PublicFrame} title="Create your account" lead="You were invited to the home Jellyfin server.">
    <${Loaded} load=${load} what="Reading the invite">${(inv) => {
      if (!inv.valid) {
        return html`<${Empty}>${inv.reason === 'expired' ? 'This invite has expired.' : 'This invite has been used up.'}
          Ask the person who invited you for a new one.</${Empty}>`;
      }
      return html`<div>
        ${inv.label ? html`<p class="muted">Invite: ${inv.label}</p>` : null}
        ${inv.account_days ? html`<p class="muted small">Accounts made with it are valid for ${inv.account_days} days.</p>` : null}
        ${inv.require_email && !contact ? html`<${ConfirmAddress} code=${code} />` : html`<${SignUpForm} code=${code} invite=${inv} contact=${contact} />`}
      </div>`;
    }}</${Loaded}>
  </${PublicFrame}>`;
}
