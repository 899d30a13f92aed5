// sessions.js — your own Jellybridge sessions: where and when each was
// used, end one, or end every other session; ending this one signs out.
import { html, useState, PageHeader, Section, Empty, Loaded, Button, ErrorText, Status, Badge, useLoad, useAction, dateTime, relative } from '../lib/ui.js';
import { api, seg, signedOut } from '../lib/api.js';

export function SessionsPage() {
  const load = useLoad(() => api.get('/api/v1/sessions').then((d) => d.sessions || []), []);
  const [msg, setMsg] = useState('');
  const end = useAction(async (s) => {
    await api.del('/api/v1/sessions/' + seg(s.id));
    if (s.current) { signedOut(); return; }
    setMsg('The session is ended.');
    load.reload();
  });
  const others = useAction(async () => {
    const r = await api.del('/api/v1/sessions');
    setMsg(`${r.revoked} other session${r.revoked === 1 ? '' : 's'} ended.`);
    load.reload();
  });
  return html`<${PageHeader} title="Sessions" />
    <${Section} title="Where you are signed in">
      <${Loaded} load=${load} what="Loading sessions">${(list) => list.length ? html`
        <ul class="list">${list.map((s) => html`<li key=${s.id}>
          <div class="spread"><span>${s.user_agent || 'Unknown client'} ${s.current ? html`<${Badge} state="ok">this browser</${Badge}>` : null}</span>
          <${Button} kind=${s.current ? 'secondary' : 'danger'} pending=${end.pending} onClick=${() => end.run(s)}
            aria-label=${s.current ? 'Sign out here (this browser)' : 'End session from ' + (s.ip || '') + ' ' + relative(s.last_used_at)}>${s.current ? 'Sign out here' : 'End'}</${Button}></div>
          <p class="muted small">${s.ip} · signed in ${dateTime(s.created_at)} · last used ${relative(s.last_used_at)} · expires ${dateTime(s.expires_at)}</p>
        </li>`)}</ul>
        ${list.length > 1 ? html`<${Button} kind="danger" pending=${others.pending} onClick=${() => others.run()}>Sign out everywhere else</${Button}>` : null}`
        : html`<${Empty}>No sessions.</${Empty}>`}</${Loaded}>
      <${ErrorText} error=${end.error || others.error} />
      <${Status}>${msg}</${Status}>
    </${Section}>`;
}
