// human_check.h — a self-hosted proof-of-work "human check" for the public
// sign-up API, following ALTCHA's challenge scheme (https://altcha.org), so
// the ALTCHA widget or any client that speaks it can answer; these are the
// pure parts (making, decoding and checking), human_check_store.h adds the
// single use on Redis.
//
// The scheme:
//   salt      = 24 random hex chars + "?expires=<unix seconds>&"
//   number    = secret, drawn uniformly from [0, maxnumber] with the CSPRNG
//   challenge = hex(SHA-256(salt + decimal(number)))
//   signature = hex(HMAC-SHA-256(server key, challenge))
// The client gets {algorithm, challenge, maxnumber, salt, signature}, tries
// numbers from 0 until SHA-256(salt + n) is the challenge, and sends back the
// payload base64(JSON {algorithm, challenge, number, salt, signature}) (the
// widget uses standard base64; base64url is accepted too). The server recomputes
// the hash from salt and number, checks the HMAC (so only challenges it made
// count) and that `expires` in the salt has not passed.
//
// The salt ends with '&', as ALTCHA's salts do since its December 2025
// advisory: without a terminator the digits of the number could be moved into
// `expires` ("…?expires=1700000000" + "123" hashes like "…?expires=17000000001"
// + "23") and a solved challenge would get a later expiry under the same
// signature. verify_pow accepts only salts of exactly the form above.
//
// Cost: with maxnumber = kDefaultMaxNumber (100,000) a client computes on
// average 50,000 and at most 100,001 SHA-256 hashes of a ~60-byte input:
// tens of milliseconds natively (even CPython hashes all 100,001 in ~0.15 s on
// one core here); in a browser (the widget: WebCrypto, web workers) typically
// under a second on a current machine and longer on slow phones (an estimate,
// not measured here). The server spends one SHA-256, one HMAC and one Redis
// SET per answer. Each factor of 10 in maxnumber multiplies the client's work
// by 10.
//
// Error codes: human_check_failed (400) for any answer that is malformed, does
// not match, or expired — the sentence says which, and never holds a secret;
// human_check_reused (400) for an answer redeemed before (human_check_store.h).
//
// Thread-safety: pure functions (apart from the CSPRNG); safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* human_check_failed =
    "human_check_failed";  // 400: the human check's answer is malformed, wrong or expired
constexpr const char* human_check_reused =
    "human_check_reused";  // 400: the human check's answer was already used
}  // namespace jb::errc

namespace jb::accounts {

constexpr int64_t kDefaultMaxNumber = 100'000;    // ALTCHA's examples' difficulty (see above)
constexpr int64_t kMaxMaxNumber = 1'000'000'000;  // more would take a browser minutes
constexpr int64_t kDefaultTtlS = 600;             // a challenge is answered within 10 minutes
constexpr size_t kMaxPayloadBytes = 1024;         // a payload is ~330 bytes; longer is refused
constexpr const char* kPowAlgorithm = "SHA-256";  // the only algorithm made and accepted

// What the client fetches and solves.
struct PowChallenge {
  std::string algorithm = kPowAlgorithm;
  std::string challenge, salt, signature;
  int64_t maxnumber = 0;
};

// What the client sends back (decoded).
struct PowSolution {
  std::string algorithm, challenge, salt, signature;
  int64_t number = -1;
};

// A new challenge signed with hmac_key (the caller's secret, ≥ 32 random
// bytes); it expires at now_s + ttl_s (ttl_s below 1 counts as 1); number is
// drawn uniformly from [0, maxnumber], maxnumber being clamped to
// [1, kMaxMaxNumber].
PowChallenge make_pow_challenge(std::string_view hmac_key, int64_t maxnumber, int64_t now_s,
                                int64_t ttl_s);
// The JSON the widget or client fetches: {algorithm, challenge, maxnumber, salt, signature}.
std::string pow_challenge_json(const PowChallenge& c);
// Decodes the client's payload (base64 or base64url, padded or not, of the
// JSON object; at most kMaxPayloadBytes) into a solution: the five members
// must be present with the right types (number an integer ≥ 0); others (the
// widget's "took") are ignored. Error{human_check_failed, …, 400} otherwise.
Result<PowSolution> parse_pow_payload(std::string_view payload);
// Checks the algorithm, the salt's form, the hash, the signature (constant
// time) and then the expiry, in that order (pure; single use is
// human_check_store.h's). The expiry (unix seconds) on success; a challenge
// counts as expired from its expiry second on (now_s >= expires).
Result<int64_t> verify_pow(const PowSolution& s, std::string_view hmac_key, int64_t now_s);
// For tests and tools: the number found by brute force from 0, or -1 when
// none up to maxnumber gives the challenge.
int64_t solve_pow(const PowChallenge& c);
// For tests and tools, what a browser does: the challenge from its JSON (the
// shape of pow_challenge_json), and the payload to send for it (base64url of
// the solution's JSON; "" when no number in range matches).
Result<PowChallenge> parse_pow_challenge(std::string_view json);
std::string solve_pow_payload(const PowChallenge& c);

}  // namespace jb::accounts
