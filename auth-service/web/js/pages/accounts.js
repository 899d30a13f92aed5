// accounts.js — account management for Jellyfin administrators: the admin
// connection (which credential administers the home server, and its last
// check), invites (create with label, uses, expiry, profile, the accounts'
// lifetime and the human check; copy the link; see who used them; delete),
// permission profiles (capture one from a template user, see its summary,
// make it the default, delete) and the home server's users with what the
// suite knows of them (expiry, invite, email, second factors), with a reset
// link and an expiry control (extend by days, or never) per user, a
// checkbox per user for the bulk actions (accounts-bulk.js), and the
// account messages' channels and templates (accounts-messages.js).
import { html, useState, PageHeader, Section, Empty, Loaded, Button, Field, Select, Check, ErrorText, Status, Badge, Secret, useLoad, useAction, dateTime, plural } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { connectionLabel } from '../lib/sync.js';
import { Bulk } from './accounts-bulk.js';
import { Messages } from './accounts-messages.js';

function AdminConnection({ onChange }) {
  const state = useLoad(() => api.get('/api/v1/admin/connection'), []);
  const conns = useLoad(() => api.get('/api/v1/connections').then((d) => d.connections || []), []);
  const [choice, setChoice] = useState('');
  const set = useAction(async () => {
    await api.put('/api/v1/admin/connection', { connection_id: choice || (conns.data && conns.data[0] && conns.data[0].id) });
    state.reload();
    onChange();
  });
  return html`<${Section} title="Admin connection">
    <p class="muted">Creating accounts and applying profiles at Jellyfin uses one of your connections to the home server: an API key, or your own administrator sign-in. No password is stored.</p>
    <${Loaded} load=${state} what="Loading the admin connection">${(s) => html`<p>
      <${Badge} state=${s.status === 'ok' ? 'ok' : s.status === 'none' ? 'none' : 'bad'}>${s.status}</${Badge}>
      ${s.detail ? html` <span class="muted small">${s.detail}</span>` : null}
      ${s.checked_at ? html` <span class="muted small">checked ${dateTime(s.checked_at)}</span>` : null}</p>`}</${Loaded}>
    <${Loaded} load=${conns} what="Loading your connections">${(list) => list.length ? html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); set.run(); }}>
      <${Select} label="Connection" value=${choice || list[0].id} onChange=${setChoice}
        options=${list.map((c) => ({ value: c.id, label: connectionLabel(c) }))} />
      <${ErrorText} error=${set.error} />
      <${Button} type="submit" pending=${set.pending}>Use this connection</${Button}>
    </form>` : html`<${Empty}>You have no connection yet.</${Empty}>`}</${Loaded}>
  </${Section}>`;
}

function inviteState(inv) {
  if (inv.state === 'active') return html`<${Badge} state="ok">active</${Badge}>`;
  return html`<${Badge} state="bad">${inv.state === 'used_up' ? 'used up' : inv.state}</${Badge}>`;
}

function InviteForm({ profiles, onMade }) {
  const [label, setLabel] = useState('');
  const [uses, setUses] = useState('1');
  const [days, setDays] = useState('7');
  const [accountDays, setAccountDays] = useState('');
  const [profile, setProfile] = useState('');
  const [human, setHuman] = useState(true);
  const [needEmail, setNeedEmail] = useState(false);
  const make = useAction(async () => {
    const body = { label, human_check: human, require_email: needEmail, profile_id: profile || null };
    body.max_uses = uses.trim() ? Number(uses) : null;
    body.account_days = accountDays.trim() ? Number(accountDays) : null;
    body.expires_at = days.trim() ? new Date(Date.now() + Number(days) * 86400000).toISOString() : null;
    await api.post('/api/v1/admin/invites', body);
    setLabel('');
    onMade();
  });
  const err = make.error;
  const errText = (f) => (err ? err.fieldError(f) : undefined);
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); make.run(); }}>
    <h3>New invite</h3>
    <${Field} label="Label" value=${label} onInput=${setLabel} maxlength="128" hint="Who it is for; shown on the sign-up page." error=${errText('label')} />
    <${Field} label="Accounts it may create" type="number" min="1" value=${uses} onInput=${setUses} hint="Empty: unlimited." error=${errText('max_uses')} />
    <${Field} label="Valid for (days)" type="number" min="1" value=${days} onInput=${setDays} hint="Empty: never expires." error=${errText('expires_at')} />
    <${Field} label="Accounts expire after (days)" type="number" min="1" value=${accountDays} onInput=${setAccountDays} hint="Empty: accounts never expire." error=${errText('account_days')} />
    <${Select} label="Profile" value=${profile} onChange=${setProfile}
      options=${[{ value: '', label: 'The default profile' }, ...profiles.map((p) => ({ value: p.id, label: p.name }))]} />
    <${Check} label="Ask for the human check" checked=${human} onChange=${setHuman} hint="A short proof-of-work the browser solves; keeps scripts from using the link." />
    <${Check} label="Ask for a confirmed email address" checked=${needEmail} onChange=${setNeedEmail} hint="The person confirms an address by a link before the account is made; it is used for password resets." />
    ${err && !err.field ? html`<${ErrorText} error=${err} />` : null}
    <${Button} type="submit" pending=${make.pending}>Create the invite</${Button}>
  </form>`;
}

function Invites({ profiles }) {
  const load = useLoad(() => api.get('/api/v1/admin/invites').then((d) => d.invites || []), []);
  const del = useAction(async (id) => { await api.del('/api/v1/admin/invites/' + seg(id)); load.reload(); });
  const link = (inv) => inv.link || `${location.origin}${location.pathname}#/signup/${inv.code}`;
  return html`<${Section} title="Invites">
    <${Loaded} load=${load} what="Loading invites">${(list) => list.length ? html`<ul class="list">${list.map((inv) => html`<li key=${inv.id}>
      <div class="spread"><span><strong>${inv.label || 'Invite'}</strong> ${inviteState(inv)}
        <span class="muted small">${inv.uses} of ${inv.max_uses === null ? 'unlimited' : inv.max_uses} used${inv.expires_at ? ' · expires ' + dateTime(inv.expires_at) : ''}${inv.human_check ? ' · human check' : ''}${inv.require_email ? ' · email confirmed' : ''}${inv.account_days ? ` · accounts for ${inv.account_days} days` : ''}</span></span>
        <${Button} kind="secondary" pending=${del.pending} onClick=${() => del.run(inv.id)} aria-label=${'Delete the invite ' + (inv.label || inv.id)}>Delete</${Button}></div>
      <${Secret} label="Link" value=${link(inv)} />
      ${inv.used_by.length ? html`<p class="muted small">Used by ${inv.used_by.map((u) => u.user_name).join(', ')}</p>` : null}
    </li>`)}</ul>` : html`<${Empty}>No invites yet.</${Empty}>`}</${Loaded}>
    <${ErrorText} error=${del.error} />
    <${InviteForm} profiles=${profiles} onMade=${load.reload} />
  </${Section}>`;
}

function summaryText(s) {
  const parts = [s.administrator ? 'administrator' : 'not an administrator',
    s.all_libraries ? 'all libraries' : (s.libraries.length ? s.libraries.join(', ') : 'no library'),
    s.remote_access ? 'remote access' : 'local network only'];
  if (s.max_sessions) parts.push(plural(s.max_sessions, 'session') + ' at most');
  if (s.bitrate_limit) parts.push(`remote bitrate ≤ ${Math.round(s.bitrate_limit / 1e6)} Mbit/s`);
  if (s.parental_rating !== null) parts.push(`rating ≤ ${s.parental_rating}`);
  if (!s.downloads) parts.push('no downloads');
  return parts.join(' · ');
}

function Profiles({ load, users }) {
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('');
  const [config, setConfig] = useState(true);
  const act = useAction(async (what, id) => {
    if (what === 'default') await api.patch('/api/v1/admin/profiles/' + seg(id), { default: true });
    if (what === 'delete') await api.del('/api/v1/admin/profiles/' + seg(id));
    if (what === 'capture') {
      await api.post('/api/v1/admin/profiles', { name, template_user_id: template || (users[0] && users[0].id), configuration: config });
      setName('');
    }
    load.reload();
  });
  return html`<${Section} title="Permission profiles">
    <${Loaded} load=${load} what="Loading profiles">${(list) => list.length ? html`<ul class="list">${list.map((p) => html`<li key=${p.id} class="spread">
      <span><strong>${p.name}</strong> ${p.default ? html`<${Badge} state="ok">default</${Badge}>` : null}
        <span class="muted small">from ${p.template_user.name} · ${summaryText(p.summary)}</span></span>
      <span>${p.default ? null : html`<${Button} kind="secondary" onClick=${() => act.run('default', p.id)} aria-label=${'Make ' + p.name + ' the default'}>Make default</${Button}>`}
        <${Button} kind="secondary" onClick=${() => act.run('delete', p.id)} aria-label=${'Delete the profile ' + p.name}>Delete</${Button}></span>
    </li>`)}</ul>` : html`<${Empty}>No profiles yet: new accounts get Jellyfin's defaults.</${Empty}>`}</${Loaded}>
    <form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run('capture'); }}>
      <h3>Capture a profile</h3>
      <${Field} label="Name" value=${name} onInput=${setName} required maxlength="64" />
      <${Select} label="Template user" value=${template || (users[0] && users[0].id) || ''} onChange=${setTemplate}
        hint="Its libraries, rights and limits (and settings) are copied to new accounts."
        options=${users.map((u) => ({ value: u.id, label: u.name }))} />
      <${Check} label="Copy its settings too (subtitles, home screen)" checked=${config} onChange=${setConfig} />
      <${ErrorText} error=${act.error} />
      <${Button} type="submit" pending=${act.pending}>Capture</${Button}>
    </form>
  </${Section}>`;
}

function ResetLink({ user }) {
  const [answer, setAnswer] = useState(null);
  const act = useAction(async () => setAnswer(await api.post(`/api/v1/admin/users/${seg(user.id)}/reset-link`, { send: true })));
  return html`<div>
    <${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run()} aria-label=${'A password-reset link for ' + user.name}>Reset link</${Button}>
    ${answer ? (answer.sent ? html`<${Status}>Emailed to ${user.name}.</${Status}>` : html`<${Secret} label="Link" value=${answer.link} />`) : null}
    <${ErrorText} error=${act.error} />
  </div>`;
}

function Expiry({ user, onChange }) {
  const [days, setDays] = useState('30');
  const act = useAction(async (body) => { await api.put(`/api/v1/admin/users/${seg(user.id)}/expiry`, body); onChange(); });
  const extend = (e) => { e.preventDefault(); act.run({ extend_days: Number(days) }); };
  return html`<form class="inline" onSubmit=${extend}>
    <${Field} label=${'Extend ' + user.name + ' by (days)'} type="number" min="1" value=${days} onInput=${setDays} />
    <${Button} kind="secondary" type="submit" pending=${act.pending}>Extend</${Button}>
    ${user.expires_at ? html`<${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run({ expires_at: null })} aria-label=${'Never expire ' + user.name}>Never expire</${Button}>` : null}
    <${ErrorText} error=${act.error} />
  </form>`;
}

function Users({ load, profiles }) {
  const [selected, setSelected] = useState(new Set());
  const list = load.data || [];
  const pick = (id, on) => setSelected((s) => { const n = new Set(s); if (on) n.add(id); else n.delete(id); return n; });
  const all = list.length > 0 && list.every((u) => selected.has(u.id));
  return html`<${Section} title="Users">
    <${Loaded} load=${load} what="Loading users">${(list) => list.length ? html`
      <${Check} label="Select all users" checked=${all} onChange=${(on) => setSelected(on ? new Set(list.map((u) => u.id)) : new Set())} />
      <ul class="list">${list.map((u) => html`<li key=${u.id}>
      <${Check} label=${'Select ' + u.name} checked=${selected.has(u.id)} onChange=${(on) => pick(u.id, on)} />
      <${ResetLink} user=${u} />
      <${Expiry} user=${u} onChange=${load.reload} />
      <strong>${u.name}</strong> ${u.administrator ? html`<${Badge} state="info">admin</${Badge}>` : null} ${u.disabled ? html`<${Badge} state="bad">disabled</${Badge}>` : null}
      <span class="muted small">${u.last_login ? 'last sign-in ' + dateTime(u.last_login) : 'never signed in'}${u.expires_at ? ' · expires ' + dateTime(u.expires_at) : ''}${u.invite_id ? ' · from an invite' : ''}${u.email ? ' · ' + u.email.address + (u.email.confirmed ? '' : ' (unconfirmed)') : ''}${u.second_factor && (u.second_factor.totp || u.second_factor.passkeys) ? ' · second factor' : ''}</span>
    </li>`)}</ul>` : html`<${Empty}>No users.</${Empty}>`}</${Loaded}>
  </${Section}>
  ${list.length ? html`<${Bulk} users=${list} selected=${selected} profiles=${profiles} onChange=${load.reload} />` : null}`;
}

export function AccountsPage() {
  const profiles = useLoad(() => api.get('/api/v1/admin/profiles').then((d) => d.profiles || []), []);
  const users = useLoad(() => api.get('/api/v1/admin/users').then((d) => d.users || []), []);
  return html`<${PageHeader} title="Accounts" />
    <${AdminConnection} onChange=${users.reload} />
    <${Invites} profiles=${profiles.data || []} />
    <${Profiles} load=${profiles} users=${users.data || []} />
    <${Users} load=${users} profiles=${profiles.data || []} />
    <${Messages} />
    <${Status}>${''}</${Status}>`;
}
