// accounts-messages.js — the account messages on the Accounts page: the
// channels they go out on (email, Discord, Telegram, Matrix, a signed
// webhook: a form per type to store its settings, remove it or send a test;
// secrets are sent, never shown) and each kind's template (subject and
// Markdown body: save, back to the default, preview with sample values — the
// rendered HTML only ever goes into a sandboxed frame, never into the page).
import { html, useState, Section, Empty, Loaded, Button, Field, Select, Check, ErrorText, Status, Badge, useLoad, useAction, dateTime } from '../lib/ui.js';
import { api, seg } from '../lib/api.js';
import { TextArea } from './accounts-bulk.js';

const CHANNELS = {
  email: { label: 'Email', fields: [], to: 'Test address' },
  discord: { label: 'Discord', fields: [{ key: 'webhook_url', label: 'Discord webhook URL', type: 'url', secret: true }], kinds: true },
  telegram: { label: 'Telegram', fields: [{ key: 'bot_token', label: 'Telegram bot token', type: 'password', secret: true }, { key: 'api_url', label: 'Telegram Bot API URL', type: 'url', hint: 'Empty: https://api.telegram.org.' }], to: 'Test chat id' },
  matrix: { label: 'Matrix', fields: [{ key: 'homeserver_url', label: 'Matrix homeserver URL', type: 'url' }, { key: 'access_token', label: 'Matrix access token', type: 'password', secret: true }], to: 'Test room id' },
  webhook: { label: 'Webhook', fields: [{ key: 'url', label: 'Webhook URL', type: 'url' }, { key: 'secret', label: 'Webhook HMAC secret', type: 'password', secret: true }] },
};

function Channel({ ch, onChange }) {
  const spec = CHANNELS[ch.type] || { label: ch.type, fields: [] };
  const [values, setValues] = useState(() => Object.fromEntries(spec.fields.map((f) => [f.key, f.secret ? '' : ch[f.key] || ''])));
  const [kinds, setKinds] = useState((ch.kinds || []).join(', '));
  const [enabled, setEnabled] = useState(ch.configured ? ch.enabled : true);
  const [to, setTo] = useState('');
  const [done, setDone] = useState('');
  const act = useAction(async (what) => {
    setDone('');
    const path = '/api/v1/admin/messages/channels/' + seg(ch.type);
    if (what === 'save') {
      const body = { enabled };
      spec.fields.forEach((f) => { if (!f.secret || values[f.key]) body[f.key] = values[f.key]; });
      if (spec.kinds && kinds.trim()) body.kinds = kinds.split(',').map((k) => k.trim()).filter(Boolean);
      await api.put(path, body);
      setValues((v) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, spec.fields.find((f) => f.key === k).secret ? '' : x])));
      setDone(spec.label + ' saved.');
    } else if (what === 'delete') {
      await api.del(path);
      setDone(spec.label + ' removed.');
    } else {
      await api.post(path + '/test', spec.to && to ? { to } : {});
      setDone('A test message is queued on ' + spec.label + '.');
    }
    onChange();
  });
  const err = act.error;
  const errText = (f) => (err ? err.fieldError(f) : undefined);
  const set = (k) => (x) => setValues((v) => ({ ...v, [k]: x }));
  const shown = [...spec.fields.map((f) => f.key), ...(spec.kinds ? ['kinds'] : []), ...(spec.to ? ['to'] : [])];
  return html`<li>
    <form class="stack-form" aria-label=${spec.label + ' channel'} onSubmit=${(e) => { e.preventDefault(); act.run('save'); }}>
      <h3>${spec.label} ${ch.configured ? html`<${Badge} state=${ch.enabled ? 'ok' : 'held'}>${ch.enabled ? 'on' : 'off'}</${Badge}>` : html`<${Badge} state="none">not set</${Badge}>`}</h3>
      <p class="muted small">${ch.has_secret ? 'A secret is stored (never shown). ' : ''}${ch.url ? ch.url + ' ' : ''}${ch.homeserver_url ? ch.homeserver_url + ' ' : ''}${ch.kinds && ch.kinds.length ? 'Kinds: ' + ch.kinds.join(', ') + '. ' : ''}${ch.updated_at ? 'Updated ' + dateTime(ch.updated_at) + '.' : ''}</p>
      ${spec.fields.map((f) => html`<${Field} key=${f.key} label=${f.label} type=${f.type} value=${values[f.key]} onInput=${set(f.key)}
        autocomplete=${f.secret ? 'off' : undefined} hint=${f.secret && ch.has_secret ? 'Empty: keeps the stored one.' : f.hint} error=${errText(f.key)} />`)}
      ${spec.kinds ? html`<${Field} label="Discord message kinds" value=${kinds} onInput=${setKinds} hint="Comma-separated, e.g. announcement, welcome. Empty: announcements." error=${errText('kinds')} />` : null}
      <${Check} label=${'Send on ' + spec.label} checked=${enabled} onChange=${setEnabled} />
      ${spec.to ? html`<${Field} label=${spec.to + ' (' + spec.label + ')'} value=${to} onInput=${setTo} hint="Where the test goes." error=${errText('to')} />` : null}
      ${err && !shown.includes(err.field) ? html`<${ErrorText} error=${err} />` : null}
      <div class="row">
        <${Button} type="submit" pending=${act.pending} aria-label=${'Save ' + spec.label}>Save</${Button}>
        <${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run('test')} aria-label=${'Send test on ' + spec.label}>Send test</${Button}>
        ${ch.configured ? html`<${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run('delete')} aria-label=${'Remove ' + spec.label}>Remove</${Button}>` : null}
      </div>
      <${Status}>${done}</${Status}>
    </form>
  </li>`;
}

function Channels() {
  const load = useLoad(() => api.get('/api/v1/admin/messages/channels').then((d) => d.channels || []), []);
  return html`<${Section} title="Message channels">
    <p class="muted">Where account messages (welcome, resets, expiry, announcements) go out.</p>
    <${Loaded} load=${load} what="Loading the channels">${(list) => list.length ? html`<ul class="list">${list.map((ch) => html`<${Channel} key=${ch.type} ch=${ch} onChange=${load.reload} />`)}</ul>`
      : html`<${Empty}>No channel types.</${Empty}>`}</${Loaded}>
  </${Section}>`;
}

function Preview({ preview }) {
  return html`<div class="preview" role="region" aria-label="Preview">
    <p><strong>Subject:</strong> ${preview.subject}</p>
    <iframe class="preview-frame" title="The message as HTML" sandbox="" srcdoc=${preview.html}></iframe>
    <details><summary>Plain text</summary><pre class="preview-text">${preview.text}</pre></details>
  </div>`;
}

function Editor({ tpl, onChange, setDone }) {
  const [subject, setSubject] = useState(tpl.subject);
  const [body, setBody] = useState(tpl.body);
  const [preview, setPreview] = useState(null);
  const path = '/api/v1/admin/messages/templates/' + seg(tpl.kind);
  const act = useAction(async (what) => {
    setDone('');
    if (what === 'preview') { setPreview(await api.post(path + '/preview', { subject, body })); return; }
    if (what === 'save') { await api.put(path, { subject, body }); setDone('Template saved.'); }
    if (what === 'reset') { await api.del(path); setDone('Back to the default template.'); }
    onChange();
  });
  const err = act.error;
  const errText = (f) => (err ? err.fieldError(f) : undefined);
  return html`<form class="stack-form" onSubmit=${(e) => { e.preventDefault(); act.run('save'); }}>
    <p class="muted small">${tpl.custom ? 'Your template' + (tpl.updated_at ? ', updated ' + dateTime(tpl.updated_at) : '') : 'The default template'}. Placeholders: ${tpl.variables.map((v) => '{{' + v + '}}').join(' ') || 'none'}</p>
    <${Field} label="Template subject" value=${subject} onInput=${setSubject} maxlength="200" error=${errText('subject')} />
    <${TextArea} label="Template body (Markdown)" rows="10" value=${body} onInput=${setBody} maxlength="20000" error=${errText('body')} />
    ${err && !['subject', 'body'].includes(err.field) ? html`<${ErrorText} error=${err} />` : null}
    <div class="row">
      <${Button} type="submit" pending=${act.pending}>Save the template</${Button}>
      <${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run('preview')}>Preview</${Button}>
      ${tpl.custom ? html`<${Button} kind="secondary" pending=${act.pending} onClick=${() => act.run('reset')}>Reset to default</${Button}>` : null}
    </div>
    ${preview ? html`<${Preview} preview=${preview} />` : null}
  </form>`;
}

function Templates() {
  const load = useLoad(() => api.get('/api/v1/admin/messages/templates').then((d) => d.templates || []), []);
  const [kind, setKind] = useState('');
  const [done, setDone] = useState('');
  return html`<${Section} title="Message templates">
    <${Loaded} load=${load} what="Loading the templates">${(list) => {
      if (!list.length) return html`<${Empty}>No templates.</${Empty}>`;
      const tpl = list.find((t) => t.kind === kind) || list[0];
      return html`<${Select} label="Message kind" value=${tpl.kind} onChange=${(k) => { setKind(k); setDone(''); }}
          options=${list.map((t) => ({ value: t.kind, label: t.kind.replace(/_/g, ' ') + (t.custom ? ' (edited)' : '') }))} />
        <${Editor} key=${tpl.kind + tpl.custom} tpl=${tpl} onChange=${load.reload} setDone=${setDone} />`;
    }}</${Loaded}>
    <${Status}>${done}</${Status}>
  </${Section}>`;
}

export function Messages() {
  return html`<${Channels} /><${Templates} />`;
}
