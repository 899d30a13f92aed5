// accounts-bulk.js — bulk actions on the users picked in the Accounts page's
// user list: the action (enable, disable, delete, apply a profile, extend
// the expiry, send a reset link, announce), its fields and a button that
// starts a job (POST /api/v1/admin/bulk; deleting asks first), then the job
// followed live through its server-sent event stream (like a run's), with
// its counters and each user's outcome.
import { html, useEffect, useRef, useState, Section, Empty, Button, Field, Select, ErrorText, Status, Badge, useAction, useLoad, dateTime, plural, nextId } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';

const ACTIONS = [
  { value: 'enable', label: 'Enable' },
  { value: 'disable', label: 'Disable' },
  { value: 'delete', label: 'Delete' },
  { value: 'apply_profile', label: 'Apply a profile' },
  { value: 'extend_expiry', label: 'Extend the expiry' },
  { value: 'send_reset', label: 'Send a reset link' },
  { value: 'announce', label: 'Announce' },
];

/** A labelled multi-line text field (Markdown). */
export function TextArea({ label, hint, error, value, onInput, rows = 6, ...rest }) {
  const fid = useRef(nextId()).current;
  const hintId = hint ? fid + '-hint' : undefined;
  const errId = error ? fid + '-err' : undefined;
  return html`<div class="field">
    <label for=${fid}>${label}</label>
    ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : null}
    <textarea id=${fid} rows=${rows} value=${value} onInput=${(e) => onInput(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${[hintId, errId].filter(Boolean).join(' ') || undefined} ...${rest}></textarea>
    ${error ? html`<p class="field-error" id=${errId}>${error}</p>` : null}
  </div>`;
}

/** The job as its event stream tells it; items from a GET when it changes. */
function useLiveJob(id) {
  const load = useLoad(() => api.get('/api/v1/admin/bulk/' + seg(id)), [id]);
  const [error, setError] = useState(null);
  const [live, setLive] = useState(false);
  const reload = useRef(load.reload);
  reload.current = load.reload;
  useEffect(() => {
    const es = new EventSource(`/api/v1/admin/bulk/${seg(id)}/events`);
    const take = (e) => {
      try {
        const job = JSON.parse(e.data);
        setLive(true);
        load.setData((old) => ({ ...(old || {}), ...job, items: old && old.items }));
        reload.current();
      } catch { /* keep the last */ }
    };
    es.addEventListener('state', take);
    es.addEventListener('progress', take);
    es.addEventListener('end', () => { es.close(); setLive(false); reload.current(); });
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        setLive(false);
        setError(new Error('The live updates stopped. Reload the page to see the latest state.'));
      }
    };
    return () => es.close();
  }, [id]); // eslint-disable-line react-hooks/exhaustive-deps
  return { load, error, live };
}

function outcomeBadge(o) {
  if (!o) return '—';
  return html`<${Badge} state=${o === 'ok' ? 'ok' : o === 'failed' ? 'failed' : 'held'}>${o}</${Badge}>`;
}

export function BulkJob({ id, onDone }) {
  const { load, error, live } = useLiveJob(id);
  const job = load.data;
  const state = job && job.state;
  useEffect(() => { if (state === 'done' && onDone) onDone(); }, [state]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!job) return html`${load.error ? html`<${ErrorText} error=${load.error} />` : html`<p class="loading" role="status">Loading the job…</p>`}`;
  const c = job.counters || {};
  const cols = ['total', 'ok', 'failed', 'skipped'];
  const items = job.items || [];
  return html`<div class="bulk-job">
    <h3>Job: ${(ACTIONS.find((a) => a.value === job.action) || { label: job.action }).label}</h3>
    <div class="spread"><span><${Badge} state=${job.state === 'done' ? 'ok' : job.state}>${job.state}</${Badge}>
      <span class="muted small"> started ${dateTime(job.created_at)}${job.finished_at ? ' · finished ' + dateTime(job.finished_at) : ''}</span></span>
      <span class="muted small">${live ? 'Live' : ''}</span></div>
    <p role="status" aria-live="polite" class="run-status">${job.state === 'done' ? 'Job done.' : `Job ${job.state}: ${(c.ok || 0) + (c.failed || 0) + (c.skipped || 0)} of ${plural(c.total || 0, 'user')} done.`}</p>
    <div class="table-wrap" tabindex="0" role="region" aria-label="Job counters"><table>
      <thead><tr>${cols.map((k) => html`<th scope="col" class="num">${k}</th>`)}</tr></thead>
      <tbody><tr>${cols.map((k) => html`<td class="num">${c[k] || 0}</td>`)}</tr></tbody>
    </table></div>
    ${items.length ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Outcomes per user"><table>
      <thead><tr><th scope="col">User</th><th scope="col">Outcome</th><th scope="col">Reason</th></tr></thead>
      <tbody>${items.map((i) => html`<tr key=${i.user_id}><td>${i.name || i.user_id}</td><td>${outcomeBadge(i.outcome)}</td><td>${i.reason || ''}</td></tr>`)}</tbody>
    </table></div>` : html`<${Empty}>No outcome yet.</${Empty}>`}
    <${ErrorText} error=${error} />
  </div>`;
}

/** The action form for the picked users; onStarted(job) after the job is queued. */
export function BulkActions({ users, selected, profiles, onStarted }) {
  const [action, setAction] = useState('enable');
  const [profile, setProfile] = useState('');
  const [days, setDays] = useState('30');
  const [subject, setSubject] = useState('');
  const [message, setMessage] = useState('');
  const [confirming, setConfirming] = useState(false);
  const picked = users.filter((u) => selected.has(u.id));
  const start = useAction(async () => {
    const body = { action, users: picked.map((u) => u.id) };
    if (action === 'apply_profile') body.profile_id = profile || (profiles[0] && profiles[0].id);
    if (action === 'extend_expiry') body.extend_days = Number(days);
    if (action === 'announce') { body.subject = subject; body.message = message; }
    const job = await api.post('/api/v1/admin/bulk', body);
    setConfirming(false);
    onStarted(job);
  });
  const err = start.error;
  const errText = (f) => (err ? err.fieldError(f) : undefined);
  const submit = (e) => {
    e.preventDefault();
    if (action === 'delete' && !confirming) { setConfirming(true); return; }
    start.run();
  };
  const choose = (a) => { setAction(a); setConfirming(false); };
  return html`<form class="stack-form" onSubmit=${submit}>
    <h3>Act on the selected users</h3>
    <p class="muted small">${picked.length ? plural(picked.length, 'user') + ' selected.' : 'Select users in the list above.'}</p>
    <${Select} label="Action" value=${action} onChange=${choose} options=${ACTIONS} />
    ${action === 'apply_profile' ? html`<${Select} label="Profile to apply" value=${profile || (profiles[0] && profiles[0].id) || ''} onChange=${setProfile}
      error=${errText('profile_id')} options=${profiles.map((p) => ({ value: p.id, label: p.name }))} />` : null}
    ${action === 'extend_expiry' ? html`<${Field} label="Extend by (days)" type="number" min="1" max="36500" value=${days} onInput=${setDays}
      hint="From each account's expiry, or from now for accounts that never expire." error=${errText('extend_days')} />` : null}
    ${action === 'announce' ? html`<${Field} label="Subject" value=${subject} onInput=${setSubject} maxlength="200" required error=${errText('subject')} />
      <${TextArea} label="Message (Markdown)" value=${message} onInput=${setMessage} maxlength="10240" required error=${errText('message')} />` : null}
    ${confirming ? html`<p class="notice" role="alert">Delete ${plural(picked.length, 'account')} at Jellyfin for good: ${picked.map((u) => u.name).join(', ')}? Press “Delete for good” to go on.</p>` : null}
    ${err && !['profile_id', 'extend_days', 'subject', 'message'].includes(err.field) ? html`<${ErrorText} error=${err} />` : null}
    <div class="row">
      <${Button} type="submit" kind=${confirming ? 'danger' : 'primary'} pending=${start.pending} disabled=${!picked.length}>${confirming ? 'Delete for good' : 'Start the job'}</${Button}>
      ${confirming ? html`<${Button} kind="secondary" onClick=${() => setConfirming(false)}>Cancel</${Button}>` : null}
    </div>
  </form>`;
}

/** The bulk section: the action form and the last job started here. */
export function Bulk({ users, selected, profiles, onChange }) {
  const [jobId, setJobId] = useState(null);
  return html`<${Section} title="Bulk actions">
    <${BulkActions} users=${users} selected=${selected} profiles=${profiles} onStarted=${(j) => setJobId(j.id)} />
    ${jobId ? html`<${BulkJob} key=${jobId} id=${jobId} onDone=${onChange} />` : null}
    <${Status}>${jobId ? 'The job started; it is followed below.' : ''}</${Status}>
  </${Section}>`;
}
