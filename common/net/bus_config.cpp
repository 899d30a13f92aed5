// bus_config.cpp — see bus_config.h.
#include "common/net/bus_config.h"

#include "common/net/events.h"

namespace jb {

namespace {
constexpr const char* kKeyTool = "`auth-service generate-curve-keypair` makes one";
}  // namespace

CurveServerConfig load_curve_server(ConfigReader& r, const char* secret_var,
                                    const char* clients_var, const std::string& what) {
  CurveServerConfig c;
  std::string secret = r.secret(secret_var);
  std::string pub = curve_public_from_secret(secret);
  if (!r.is_set(secret_var))
    r.missing(secret_var, what + "'s 40-character Z85 CURVE secret key; " + kKeyTool);
  else if (pub.empty())
    r.add_problem(secret_var, std::string("config error: ") + secret_var +
                                  " must be a 40-character Z85 CURVE secret key (" + kKeyTool +
                                  ")");
  c.keys = CurveKeyPair{pub, secret};
  for (const auto& k : r.list(clients_var, {})) {
    if (k.size() != 40) {
      r.add_problem(clients_var, std::string("config error: ") + clients_var +
                                     " entries must be 40-character Z85 public keys");
      break;
    }
    c.allowed.insert(k);
  }
  return c;
}

CurveClientConfig load_curve_client(ConfigReader& r, const char* server_public_var,
                                    const char* client_secret_var, const std::string& what) {
  CurveClientConfig c;
  c.server_public = r.str(server_public_var, "");
  if (!r.is_set(server_public_var))
    r.missing(server_public_var, what + "'s 40-character Z85 CURVE public key");
  else if (c.server_public.size() != 40)
    r.add_problem(server_public_var, std::string("config error: ") + server_public_var +
                                         " must be " + what +
                                         "'s 40-character Z85 CURVE public key");
  std::string secret = r.secret(client_secret_var);
  std::string pub = curve_public_from_secret(secret);
  if (!r.is_set(client_secret_var))
    r.missing(client_secret_var, "this service's 40-character Z85 CURVE secret key for " + what);
  else if (pub.empty())
    r.add_problem(client_secret_var, std::string("config error: ") + client_secret_var +
                                         " must be a 40-character Z85 CURVE secret key");
  c.client = CurveKeyPair{pub, secret};
  return c;
}

int64_t load_rpc_max_msg_bytes(ConfigReader& r) {
  return r.integer("JB_ZMQ_MAX_MSG_BYTES", kDefaultRpcMaxMsgBytes, 64 << 10, int64_t{1} << 30);
}

int64_t load_events_max_msg_bytes(ConfigReader& r) {
  return r.integer("JB_EVENTS_MAX_MSG_BYTES", kDefaultEventMaxMsgBytes, 4 << 10, 64 << 20);
}

}  // namespace jb
