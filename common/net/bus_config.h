// bus_config.h — reading the internal bus's security settings from the
// environment, the same way for every channel: a CURVE server's secret key
// and its allowlist of client public keys, a CURVE client's secret key and the
// server's public key, and the largest message a socket accepts.
//
// The variable names are passed in full (the README's configuration table is
// checked against the literals in the code). A required key that is missing or
// malformed is reported to the reader, so the service stops at start-up with
// one line naming it (exit 2).
//
// Thread-safety: read once at start-up on the main thread.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "common/core/config.h"
#include "common/net/rpc.h"

namespace jb {

struct CurveServerConfig {
  CurveKeyPair keys;              // the server's key pair (public derived from the secret)
  std::set<std::string> allowed;  // client public keys (Z85) its ZAP domain admits
};

struct CurveClientConfig {
  CurveKeyPair client;        // this service's key pair (its public key must be allowed)
  std::string server_public;  // the server's public key (Z85)
};

// secret_var: required, a 40-character Z85 CURVE secret key. clients_var:
// comma-separated 40-character Z85 public keys (default none). `what` names the
// endpoint in messages ("the vault", "library-service's RPC").
CurveServerConfig load_curve_server(ConfigReader& r, const char* secret_var,
                                    const char* clients_var, const std::string& what);

// server_public_var and client_secret_var: both required.
CurveClientConfig load_curve_client(ConfigReader& r, const char* server_public_var,
                                    const char* client_secret_var, const std::string& what);

// JB_ZMQ_MAX_MSG_BYTES: ZMQ_MAXMSGSIZE of the RPC sockets (library and vault).
int64_t load_rpc_max_msg_bytes(ConfigReader& r);
// JB_EVENTS_MAX_MSG_BYTES: ZMQ_MAXMSGSIZE of the events channel's sockets.
int64_t load_events_max_msg_bytes(ConfigReader& r);

}  // namespace jb
