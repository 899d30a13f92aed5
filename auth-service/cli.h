// cli.h — auth-service's maintenance commands (besides serving):
//   auth-service generate-key [id]       print a new vault master key line ("id:base64")
//   auth-service generate-curve-keypair [--count N] [--without CHARS]
//                                        print N CURVE key pairs ("public secret" per line),
//                                        each drawn again while a key holds one of CHARS
//   auth-service rotate-vault            re-seal every stored secret with the primary key
//                                        (JB_MASTER_KEY lists the new key first, then the old)
//
// Thread-safety: runs on the main thread before anything else.
#pragma once

#include <optional>

namespace jb::auth {

// Returns the exit code when argv named a command, nullopt to serve.
std::optional<int> run_cli(int argc, char** argv);

}  // namespace jb::auth
