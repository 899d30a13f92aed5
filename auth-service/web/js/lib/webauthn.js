// webauthn.js — passkeys in the browser: converts the server's JSON
// options (binary fields as base64url strings) into the ArrayBuffers
// navigator.credentials wants, and the resulting credential back into JSON.
// Loaded only by the pages that use passkeys.

export const passkeysSupported = () =>
  typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;

export function fromB64url(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

export function toB64url(buf) {
  const bytes = new Uint8Array(buf);
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromB64url(c.id) }));

function creationOptions(pk) {
  return {
    ...pk,
    challenge: fromB64url(pk.challenge),
    user: { ...pk.user, id: fromB64url(pk.user.id) },
    excludeCredentials: withIds(pk.excludeCredentials),
  };
}

function requestOptions(pk) {
  const o = { ...pk, challenge: fromB64url(pk.challenge) };
  if (pk.allowCredentials) o.allowCredentials = withIds(pk.allowCredentials);
  return o;
}

/** A sentence for the errors navigator.credentials throws. */
function explain(e) {
  if (e && e.name === 'NotAllowedError') return 'The passkey request was cancelled or timed out. Try again.';
  if (e && e.name === 'InvalidStateError') return 'This authenticator already holds a passkey for this account.';
  if (e && e.name === 'SecurityError') return 'Passkeys need this page to be opened at the address Jellybridge is configured with (JB_PUBLIC_URL).';
  return (e && e.message) || 'The passkey could not be used.';
}

/** Registers a new passkey; answers the credential JSON for the server. */
export async function createPasskey(publicKey) {
  let cred;
  try {
    cred = await navigator.credentials.create({ publicKey: creationOptions(publicKey) });
  } catch (e) { throw new Error(explain(e)); }
  const r = cred.response;
  return {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON),
      attestationObject: toB64url(r.attestationObject),
      transports: typeof r.getTransports === 'function' ? r.getTransports() : [],
    },
  };
}

/** Signs a challenge with a passkey; answers the assertion JSON. */
export async function getPasskey(publicKey) {
  let cred;
  try {
    cred = await navigator.credentials.get({ publicKey: requestOptions(publicKey) });
  } catch (e) { throw new Error(explain(e)); }
  const r = cred.response;
  return {
    id: cred.id,
    rawId: toB64url(cred.rawId),
    type: cred.type,
    response: {
      clientDataJSON: toB64url(r.clientDataJSON),
      authenticatorData: toB64url(r.authenticatorData),
      signature: toB64url(r.signature),
      userHandle: r.userHandle ? toB64url(r.userHandle) : null,
    },
  };
}
