// public.js — what the pages without a session share (sign-in, sign-up from an
// invite, password reset): the frame with the brand and the theme toggle around
// one card, and the sentence that states the password rules the server sent.
import { html, Logo, ThemeToggle } from './ui.js';

/** The page around a public card: brand, theme toggle, the card with its h1. */
export function PublicFrame({ title, lead, children }) {
  return html`<div class="signin-wrap">
    <header class="signin-head">
      <span class="brand"><${Logo} size=${40} /><span>Jellybridge</span></span>
      <${ThemeToggle} />
    </header>
    <main id="main" class="signin card" tabindex="-1">
      <h1>${title}</h1>
      ${lead ? html`<p class="lead">${lead}</p>` : null}
      ${children}
    </main>
  </div>`;
}

/** The password rules ({min_length, max_length, min_*, common_passwords_refused}) as a hint. */
export function passwordRulesText(r) {
  const parts = [`${r.min_length} to ${r.max_length} characters`];
  const need = [];
  if (r.min_upper) need.push(`${r.min_upper} upper-case`);
  if (r.min_lower) need.push(`${r.min_lower} lower-case`);
  if (r.min_digit) need.push(`${r.min_digit} digit${r.min_digit > 1 ? 's' : ''}`);
  if (r.min_symbol) need.push(`${r.min_symbol} symbol${r.min_symbol > 1 ? 's' : ''}`);
  if (need.length) parts.push('with at least ' + need.join(', '));
  if (r.common_passwords_refused) parts.push('not a commonly used password');
  return parts.join('; ') + '. A few unrelated words make a good one.';
}
