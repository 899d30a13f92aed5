// recovery_codes.h — second-factor recovery codes: what they look like and
// how typed input is read back.
//
// A code is 10 symbols from a 31-symbol alphabet without look-alikes (the
// digits 2–9 and the letters A–Z without I, L and O), drawn uniformly from the
// CSPRNG — about 49.5 bits each — and shown as XXXXX-XXXXX. normalize() turns
// what a person types back into the 10 symbols: case, spaces and dashes do not
// matter; a character outside the alphabet (0, 1, I, L, O, punctuation) makes
// the input invalid, so a mistyped code fails instead of matching another.
// Storing (hashed) and single use belong to the caller.
//
// Device pairing codes (auth-service/security/pairing_store.h) are shorter
// codes of the same alphabet (6 symbols, XXX-XXX): `symbols` sets the length.
//
// Thread-safety: thread-safe (the CSPRNG is).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jb::recovery {

inline constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";  // 31
inline constexpr size_t kSymbols = 10;

// `n` fresh codes of `symbols` symbols in their display form (XXXXX-XXXXX), all different.
std::vector<std::string> generate(size_t n = 10, size_t symbols = kSymbols);
// The `symbols` symbols of a typed code, or nullopt when it cannot be one.
std::optional<std::string> normalize(std::string_view typed, size_t symbols = kSymbols);
// The display form of normalised symbols: two halves joined by a dash (an odd
// count is returned as it is).
std::string display(std::string_view symbols);

}  // namespace jb::recovery
