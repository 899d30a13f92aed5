// pow.js — solves the sign-up's human check in the browser: a proof-of-work
// challenge in ALTCHA's format (POST /api/v1/signup/challenge): the number n in
// [0, maxnumber] with hex(SHA-256(salt + n)) = challenge, found by trying them
// in order with the Web Crypto API. Returns the payload the server expects:
// base64 of {algorithm, challenge, number, salt, signature}. Yields to the page
// every batch so the progress can be shown and the tab stays responsive.
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** Solves `c`; onProgress(fraction) now and then. Throws when no number matches. */
export async function solvePow(c, onProgress = () => {}) {
  if (c.algorithm !== 'SHA-256') throw new Error('Unknown algorithm ' + c.algorithm);
  // Web Crypto exists only in secure contexts (https, or this machine itself).
  if (!globalThis.crypto || !crypto.subtle) {
    throw new Error('The human check needs a secure connection: open this link with https, or ask the person who invited you for an invite without the human check.');
  }
  const enc = new TextEncoder();
  const batch = 500;
  for (let start = 0; start <= c.maxnumber; start += batch) {
    const end = Math.min(c.maxnumber, start + batch - 1);
    const tries = [];
    for (let n = start; n <= end; n++) tries.push(crypto.subtle.digest('SHA-256', enc.encode(c.salt + n)));
    const digests = await Promise.all(tries);
    for (let i = 0; i < digests.length; i++) {
      if (hex(digests[i]) === c.challenge) {
        const number = start + i;
        return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number, salt: c.salt, signature: c.signature }));
      }
    }
    onProgress(end / c.maxnumber);
  }
  throw new Error('The human check could not be solved.');
}
