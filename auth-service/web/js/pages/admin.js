// admin.js — for Jellyfin administrators: addresses banned and accounts
// locked after failed sign-ins (lift them), resetting a user's second
// factor, the audit log with filters, and verifying its hash chain.
import { html, useState, PageHeader, Section, Empty, Loaded, Button, Field, Select, ErrorText, Status, Badge, useLoad, useAction, dateTime } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';

function Bans() {
  const load = useLoad(() => api.get('/api/v1/admin/bans').then((d) => d.bans || []), []);
  const lift = useAction(async (ip) => { await api.del('/api/v1/admin/bans/' + seg(ip)); load.reload(); });
  return html`<${Section} title="Banned addresses">
    <${Loaded} load=${load} what="Loading bans">${(list) => list.length ? html`<ul class="list">${list.map((b) => html`<li key=${b.ip} class="spread">
      <span><strong>${b.ip}</strong> <span class="muted small">${b.failures} failures · since ${dateTime(b.since)} · until ${dateTime(b.until)}${b.reason ? ' · ' + b.reason : ''}</span></span>
      <${Button} kind="secondary" pending=${lift.pending} onClick=${() => lift.run(b.ip)} aria-label=${'Lift the ban of ' + b.ip}>Lift</${Button}></li>`)}</ul>`
      : html`<${Empty}>No address is banned.</${Empty}>`}</${Loaded}>
    <${ErrorText} error=${lift.error} />
  </${Section}>`;
}

function Lockouts() {
  const load = useLoad(() => api.get('/api/v1/admin/lockouts').then((d) => d.lockouts || []), []);
  const lift = useAction(async (u) => { await api.del('/api/v1/admin/lockouts/' + seg(u)); load.reload(); });
  return html`<${Section} title="Locked accounts">
    <${Loaded} load=${load} what="Loading lockouts">${(list) => list.length ? html`<ul class="list">${list.map((l) => html`<li key=${l.user} class="spread">
      <span><strong>${l.user}</strong> <span class="muted small">${l.failures} failures${l.ip ? ' from ' + l.ip : ''} · until ${dateTime(l.until)}${l.reason ? ' · ' + l.reason : ''}</span></span>
      <${Button} kind="secondary" pending=${lift.pending} onClick=${() => lift.run(l.user)} aria-label=${'Unlock ' + l.user}>Unlock</${Button}></li>`)}</ul>`
      : html`<${Empty}>No account is locked.</${Empty}>`}</${Loaded}>
    <${ErrorText} error=${lift.error} />
  </${Section}>`;
}

function ResetSecondFactor() {
  const [id, setId] = useState('');
  const [msg, setMsg] = useState('');
  const act = useAction(async () => {
    const r = await api.del(`/api/v1/admin/users/${seg(id.trim())}/second-factor`);
    setMsg(`Removed: authenticator ${r.totp_removed ? 'yes' : 'none set up'}, ${r.recovery_codes_removed} recovery codes, ${r.trusted_browsers_removed} remembered browsers.`);
    setId('');
  });
  return html`<${Section} title="Reset a user's second factor">
    <p class="hint">For a user who lost their authenticator and recovery codes: they sign in with the password alone and set it up again.</p>
    <form class="row" onSubmit=${(e) => { e.preventDefault(); act.run(); }}>
      <${Field} label="Jellyfin user id (32 hex digits)" value=${id} onInput=${setId} required spellcheck="false"
        error=${act.error && act.error.message} />
      <${Button} kind="danger" type="submit" pending=${act.pending}>Reset</${Button}>
    </form>
    <${Status}>${msg}</${Status}>
  </${Section}>`;
}

const PAGE = 50;

function Audit() {
  const [draft, setDraft] = useState({ type: '', user_id: '', ip: '', outcome: '', since: '', until: '' });
  const [q, setQ] = useState({ ...draft, start: 0 });
  const set = (k) => (x) => setDraft((o) => ({ ...o, [k]: x }));
  const load = useLoad(() => {
    const p = new URLSearchParams({ start: String(q.start), count: String(PAGE) });
    for (const k of ['type', 'user_id', 'ip', 'outcome']) if (q[k]) p.set(k, q[k].trim());
    for (const k of ['since', 'until']) if (q[k]) p.set(k, new Date(q[k]).toISOString());
    return api.get('/api/v1/audit?' + p);
  }, [q]);
  const verify = useAction(() => api.get('/api/v1/admin/audit/verify'));
  const [result, setResult] = useState(null);
  return html`<${Section} title="Audit log">
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); setQ({ ...draft, start: 0 }); }}>
      <${Field} label="Type starts with" value=${draft.type} onInput=${set('type')} placeholder="signin." />
      <${Field} label="User id" value=${draft.user_id} onInput=${set('user_id')} />
      <${Field} label="Address" value=${draft.ip} onInput=${set('ip')} />
      <${Select} label="Outcome" value=${draft.outcome} onChange=${set('outcome')}
        options=${[{ value: '', label: 'Any' }, { value: 'ok', label: 'ok' }, { value: 'fail', label: 'fail' }, { value: 'info', label: 'info' }]} />
      <${Field} label="From" type="datetime-local" value=${draft.since} onInput=${set('since')} />
      <${Field} label="Until" type="datetime-local" value=${draft.until} onInput=${set('until')} />
      <${Button} type="submit" pending=${load.loading}>Apply filters</${Button}>
    </form>
    <${Loaded} load=${load} what="Loading the audit log">${(d) => (d.events || []).length ? html`
      <div class="table-wrap" tabindex="0" role="region" aria-label="Audit events table"><table>
        <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">User</th><th scope="col">Address</th><th scope="col">Outcome</th><th scope="col">Detail</th></tr></thead>
        <tbody>${d.events.map((e) => html`<tr key=${e.id}><td class="nowrap">${dateTime(e.time)}</td><td>${e.type}</td><td>${e.user_name || e.user_id}</td>
          <td>${e.ip || '—'}</td><td><${Badge} state=${e.outcome} /></td><td class="small detail"><code>${JSON.stringify(e.detail)}</code></td></tr>`)}</tbody>
      </table></div>
      <div class="row"><${Button} kind="secondary" disabled=${q.start === 0} onClick=${() => setQ({ ...q, start: Math.max(0, q.start - PAGE) })}>Newer</${Button}>
        <${Button} kind="secondary" disabled=${!d.more} onClick=${() => setQ({ ...q, start: q.start + PAGE })}>Older</${Button}></div>`
      : html`<${Empty}>No events match these filters.</${Empty}>`}</${Loaded}>
    <h3>Integrity</h3>
    <p class="hint">Each event carries the hash of the one before; verifying re-computes the chain.</p>
    <${Button} kind="secondary" pending=${verify.pending} onClick=${async () => setResult(await verify.run())}>Verify the audit log</${Button}>
    <${ErrorText} error=${verify.error} />
    <${Status}>${result ? (result.ok ? `The chain is intact: ${result.checked} events checked.` : `The chain is broken at ${result.first_broken && result.first_broken.id}: ${result.first_broken && result.first_broken.reason} (${result.checked} checked).`) : ''}</${Status}>
  </${Section}>`;
}

export function AdminPage() {
  return html`<${PageHeader} title="Administration" />
    <${Bans} /><${Lockouts} /><${ResetSecondFactor} /><${Audit} />`;
}
