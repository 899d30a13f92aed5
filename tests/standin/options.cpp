// options.cpp — see options.h.
#include "tests/standin/options.h"

#include "common/core/text.h"
#include "tests/standin/password.h"

namespace jb::standin {

std::string usage() {
  return R"(Usage: jellyfin-standin [options]

A Jellyfin 10.11 stand-in server for tests and demos. Prints "LISTENING <port>"
on stdout once it accepts connections; exits 0 on SIGTERM/SIGINT.

Content (one of; default --demo):
  --seed FILE             load a seed file (format: docs/standin.md)
  --generate SPEC         generate content: movies=N,series=M,seasons=S,
                          episodes=E,seed=K,variant=a|b,differ=P,dup4k=P,
                          missing=P,junk=P,exclusive=P,multi=P
  --demo                  small generated library; users demo/demo-password
                          and admin/admin-password (printed on stderr);
                          with --generate: that content, credentials printed
  --dump-seed             print the content as a seed file and exit (with
                          --state-file: the saved content when the file exists)
  --state-file PATH       keep the state across restarts: start from PATH when
                          it exists (instead of the content above), else from
                          the content, creating PATH; changes are saved to it
                          (atomically, mode 0600, at most once a second and
                          on SIGTERM/SIGINT). A corrupt file is an error.

Server:
  --port N                TCP port (default 8096; 0 = any free port)
  --host ADDR             listen address (default 127.0.0.1)
  --base-path PATH        serve under a base path, e.g. /jellyfin
  --server-name NAME      ServerName (overrides the seed's)
  --server-id GUID        ServerId (overrides the seed's)
  --version V             reported version (default 10.11.11)
  --legacy-auth on|off    accept X-Emby-Token, X-Emby-Authorization,
                          X-MediaBrowser-Token, api_key and the Emby scheme
                          (default on = 10.11; off = 12.0; default off when
                          --version is 12 or later)
  --quickconnect on|off   Quick Connect available (default on)
  --cheap-hashing         PBKDF2 with 1000 iterations (tests); default 210000
  --pbkdf2-iterations N   explicit PBKDF2 iteration count
  --latency-ms N          delay every answer by N ms (more via /__standin/latency)
  --threads N             request worker threads (default max(8, cores))
  --log-requests          one stderr line per request: method, path, status
  --help                  this text

Test control: /__standin/... (see docs/standin.md).
)";
}

namespace {

Result<bool> on_off(const std::string& flag, const std::string& v) {
  if (text::iequals(v, "on") || text::iequals(v, "true") || v == "1") return true;
  if (text::iequals(v, "off") || text::iequals(v, "false") || v == "0") return false;
  return Error("invalid_argument", flag + " takes on or off.");
}

Result<int64_t> number(const std::string& flag, const std::string& v, int64_t min, int64_t max) {
  int64_t n = 0;
  if (!text::parse_int64(v, n) || n < min || n > max)
    return Error("invalid_argument", flag + " takes a number in [" + std::to_string(min) + ", " +
                                         std::to_string(max) + "].");
  return n;
}

}  // namespace

Result<CliOptions> parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  o.standin.port = 8096;
  bool legacy_given = false;
  int content_sources = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_inline = true;
    }
    auto need = [&]() -> Result<std::string> {
      if (has_inline) return value;
      if (i + 1 >= args.size()) return Error("invalid_argument", flag + " needs a value.");
      return args[++i];
    };
    auto is = [&](const char* f) { return flag == f; };
    if (is("--help") || is("-h")) {
      o.help = true;
    } else if (is("--demo")) {
      o.standin.demo = true;
      ++content_sources;
    } else if (is("--dump-seed")) {
      o.dump_seed = true;
    } else if (is("--log-requests")) {
      o.standin.log_requests = true;
    } else if (is("--cheap-hashing")) {
      o.standin.app.pbkdf2_iterations = kCheapPbkdf2Iterations;
    } else {
      static const char* const kValueFlags[] = {"--port",
                                                "--host",
                                                "--seed",
                                                "--generate",
                                                "--server-name",
                                                "--server-id",
                                                "--version",
                                                "--base-path",
                                                "--legacy-auth",
                                                "--quickconnect",
                                                "--pbkdf2-iterations",
                                                "--latency-ms",
                                                "--threads",
                                                "--state-file"};
      bool known = false;
      for (const char* f : kValueFlags) known = known || flag == f;
      if (!known) return Error("invalid_argument", "Unknown option " + flag + " (see --help).");
      auto v = need();
      if (!v) return v.error();
      if (is("--port")) {
        auto n = number(flag, *v, 0, 65535);
        if (!n) return n.error();
        o.standin.port = static_cast<uint16_t>(*n);
      } else if (is("--host")) {
        o.standin.host = *v;
      } else if (is("--seed")) {
        o.standin.seed_path = *v;
        ++content_sources;
      } else if (is("--generate")) {
        auto g = parse_generator_options(*v);
        if (!g) return g.error();
        o.standin.generate = *g;
        ++content_sources;
      } else if (is("--server-name")) {
        o.standin.app.server_name = *v;
      } else if (is("--server-id")) {
        if (!parse_guid(*v)) return Error("invalid_argument", "--server-id takes a GUID.");
        o.standin.app.server_id = *v;
      } else if (is("--version")) {
        o.standin.app.version = *v;
      } else if (is("--base-path")) {
        std::string p = *v;
        while (!p.empty() && p.back() == '/') p.pop_back();
        if (!p.empty() && p.front() != '/') p = "/" + p;
        o.standin.app.base_path = p;
      } else if (is("--legacy-auth")) {
        auto b = on_off(flag, *v);
        if (!b) return b.error();
        o.standin.app.legacy_auth = *b;
        legacy_given = true;
      } else if (is("--quickconnect")) {
        auto b = on_off(flag, *v);
        if (!b) return b.error();
        o.standin.app.quick_connect = *b;
      } else if (is("--pbkdf2-iterations")) {
        auto n = number(flag, *v, 1, 10'000'000);
        if (!n) return n.error();
        o.standin.app.pbkdf2_iterations = static_cast<int>(*n);
      } else if (is("--latency-ms")) {
        auto n = number(flag, *v, 0, 600'000);
        if (!n) return n.error();
        o.standin.app.latency_ms = *n;
      } else if (is("--state-file")) {
        if (v->empty()) return Error("invalid_argument", "--state-file takes a file path.");
        o.standin.state_file = *v;
      } else if (is("--threads")) {
        auto n = number(flag, *v, 1, 256);
        if (!n) return n.error();
        o.standin.threads = static_cast<int>(*n);
      } else {
        return Error("invalid_argument", "Unknown option " + flag + " (see --help).");
      }
    }
  }
  // --demo with --generate: generated content (whose users are always the
  // demo users) with the credentials printed. --seed has its own users.
  if (o.standin.demo && o.standin.generate) --content_sources;
  if (content_sources > 1)
    return Error("invalid_argument", "Give only one of --seed, --generate, --demo.");
  if (content_sources == 0) o.standin.demo = true;
  if (!legacy_given) {
    int64_t major = 0;
    auto dot = o.standin.app.version.find('.');
    if (text::parse_int64(o.standin.app.version.substr(0, dot), major) && major >= 12)
      o.standin.app.legacy_auth = false;
  }
  return o;
}

}  // namespace jb::standin
