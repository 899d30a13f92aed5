// reset.js — the public password-reset pages: #/reset asks for a link by user
// name or email address (the answer is the same for every account), and
// #/reset/<token> — the link from the email — sets the new password, with the
// rules shown up front and a refused password's sentence next to the field.
import { html, useState, Loaded, Button, Field, ErrorText, Status, useLoad, useAction, dateTime } from '../lib/ui.js';
import { PublicFrame, passwordRulesText } from '../lib/public.js';
import { api, seg } from '../lib/api.js';

function AskForLink() {
  const [user, setUser] = useState('');
  const [done, setDone] = useState('');
  const act = useAction(async () => {
    const r = await api.post('/api/v1/reset', { user: user.trim() });
    setDone(r.detail);
  });
  return html`<${PublicFrame} title="Forgot your password?" lead="We email a link to set a new one to the address confirmed for your account.">
    <form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
      <${Field} label="User name or email address" value=${user} onInput=${setUser} required
        autocomplete="username" spellcheck="false" maxlength="256" error=${act.error ? act.error.message : undefined} />
      <${Status}>${done}</${Status}>
      <${Button} type="submit" pending=${act.pending}>Send me a link</${Button}>
      <p><a href="#/signin">Back to sign in</a></p>
    </form>
  </${PublicFrame}>`;
}

function NewPassword({ token, link }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState('');
  const [done, setDone] = useState(false);
  const act = useAction(async () => {
    setMismatch('');
    if (password !== repeat) { setMismatch('The two passwords differ.'); return; }
    await api.post('/api/v1/reset/' + seg(token), { password });
    setDone(true);
  });
  if (done) {
    return html`<div class="stack-form"><${Status}>Your new password is set.</${Status}>
      <p>Other devices signed in as ${link.user_name} were signed out.</p>
      <a class="btn btn-primary" href="#/signin">Sign in</a></div>`;
  }
  const err = act.error;
  const onField = err && err.code === 'password_rejected';
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
    <p>For <strong>${link.user_name}</strong>; this link works until ${dateTime(link.expires_at)}.</p>
    <${Field} label="New password" type="password" value=${password} onInput=${setPassword} required
      autocomplete="new-password" hint=${passwordRulesText(link.password_rules)} error=${onField ? err.message : undefined} />
    <${Field} label="New password again" type="password" value=${repeat} onInput=${setRepeat} required
      autocomplete="new-password" error=${mismatch || undefined} />
    ${err && !onField ? html`<${ErrorText} error=${err} />` : null}
    <${Button} type="submit" pending=${act.pending}>Set the new password</${Button}>
  </form>`;
}

function FromLink({ token }) {
  const load = useLoad(() => api.get('/api/v1/reset/' + seg(token)), [token]);
  return html`<${PublicFrame} title="Set a new password">
    <${Loaded} load=${load} what="Reading the link">${(link) => html`<${NewPassword} token=${token} link=${link} />`}</${Loaded}>
  </${PublicFrame}>`;
}

export function ResetPage({ token }) {
  return token ? html`<${FromLink} token=${token} />` : html`<${AskForLink} />`;
}
