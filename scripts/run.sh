#!/usr/bin/env bash
# `make run`: the whole suite on this machine, supervised like a product.
#
#   Redis (AOF under var/redis), two demo Jellyfin stand-ins when no
#   JB_JELLYFIN_URL is configured, library-service, two sync-workers and
#   auth-service. Prints the addresses, the demo users and how to try it.
#
# Supervision: every service runs in its own session (setsid), so Ctrl-C in
# the terminal reaches only this script, which then stops the services in
# dependency order — auth-service, the workers, library-service, the
# stand-ins, Redis — and exits 0. A sync-worker or library-service that exits
# on its own is logged and restarted with backoff (1 s doubling to 30 s; reset
# after a minute of uptime), as compose's `restart:` would; other workers
# claim a dead worker's work after the lease. Redis, a stand-in or
# auth-service exiting stops the suite with a message naming its log.
#
# State survives a restart: Redis (sessions, connections, pairs) keeps its AOF
# under var/redis and each demo stand-in its users, tokens and user data in
# var/standin/<a|b>.json, so demo connections stay active. To start afresh,
# stop it and delete var/ (keys included) or just var/redis and var/standin.
#
# Before anything starts, every port is checked; a taken port is named with
# the variable that moves it. Readiness is probed by identity (the stand-ins'
# server ids, auth-service's service name), not by "something answered".
#
# Settings (environment): JB_HTTP_PORT (8080), JB_RUN_REDIS_PORT (6380),
# JB_RUN_LIBRARY_RPC_PORT (5556), JB_RUN_EVENTS_PORT (5557), JB_RUN_VAULT_PORT
# (5558), JB_PUBLIC_URL (http://localhost:<JB_HTTP_PORT>), JB_RUN_STANDIN_PORT (8096), JB_RUN_STANDIN_B_PORT (8097),
# JB_RUN_LIBRARY_ADMIN_PORT (9101), JB_RUN_WORKER_ADMIN_PORT (9102; the
# second worker uses the next port), JB_RUN_WORKERS (2), JB_RUN_DIR (./var),
# JB_REDIS_URL (use your Redis), JB_JELLYFIN_URL (use your Jellyfin).
set -euo pipefail
BUILD_DIR=$(cd "${1:-build}" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAR=${JB_RUN_DIR:-$ROOT/var}
LOGS="$VAR/logs"

API_PORT=${JB_HTTP_PORT:-8080}
# The address people open (passkeys are bound to its host name: localhost, not 127.0.0.1).
PUBLIC_URL=${JB_PUBLIC_URL:-http://localhost:$API_PORT}
REDIS_PORT=${JB_RUN_REDIS_PORT:-6380}
LIB_RPC_PORT=${JB_RUN_LIBRARY_RPC_PORT:-5556}
EVENTS_PORT=${JB_RUN_EVENTS_PORT:-5557}
VAULT_PORT=${JB_RUN_VAULT_PORT:-5558}
STANDIN_A_PORT=${JB_RUN_STANDIN_PORT:-8096}
STANDIN_B_PORT=${JB_RUN_STANDIN_B_PORT:-$((STANDIN_A_PORT + 1))}
LIB_ADMIN_PORT=${JB_RUN_LIBRARY_ADMIN_PORT:-9101}
WORKER_ADMIN_PORT=${JB_RUN_WORKER_ADMIN_PORT:-9102}
WORKERS=${JB_RUN_WORKERS:-2}
# The demo stand-ins' fixed server ids: readiness means "our stand-in answers".
STANDIN_A_ID=0de0a11ce0000000000000000000000a
STANDIN_B_ID=0de0b0b000000000000000000000000b

AUTH_BIN="$BUILD_DIR/auth-service/auth-service"
LIB_BIN="$BUILD_DIR/library-service/library-service"
WORKER_BIN="$BUILD_DIR/sync-worker/sync-worker"
STANDIN_BIN="$BUILD_DIR/tests/standin/jellyfin-standin"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ ports
port_taken() {  # something accepts connections on 127.0.0.1:<port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
check_ports() {
  local spec port var what bad=0
  local specs=("$API_PORT JB_HTTP_PORT auth-service's API"
               "$VAULT_PORT JB_RUN_VAULT_PORT the vault RPC"
               "$EVENTS_PORT JB_RUN_EVENTS_PORT the event channel"
               "$LIB_RPC_PORT JB_RUN_LIBRARY_RPC_PORT library-service's RPC"
               "$LIB_ADMIN_PORT JB_RUN_LIBRARY_ADMIN_PORT library-service's health port")
  for ((i = 0; i < WORKERS; i++)); do
    specs+=("$((WORKER_ADMIN_PORT + i)) JB_RUN_WORKER_ADMIN_PORT sync-worker-$((i + 1))'s health port")
  done
  [ -z "${JB_REDIS_URL:-}" ] && specs+=("$REDIS_PORT JB_RUN_REDIS_PORT Redis")
  if [ -z "${JB_JELLYFIN_URL:-}" ]; then
    specs+=("$STANDIN_A_PORT JB_RUN_STANDIN_PORT the demo Jellyfin stand-in"
            "$STANDIN_B_PORT JB_RUN_STANDIN_B_PORT the second demo stand-in")
  fi
  for spec in "${specs[@]}"; do
    read -r port var what <<<"$spec"
    if port_taken "$port"; then
      printf 'error: port %s (%s) is already in use by another program; set %s to another port, e.g. %s=%s make run\n' \
        "$port" "$what" "$var" "$var" "$((port + 1000))" >&2
      bad=1
    fi
  done
  [ "$bad" = 0 ] || exit 1
}

for bin in "$AUTH_BIN" "$LIB_BIN" "$WORKER_BIN"; do
  [ -x "$bin" ] || die "$bin is not built; run 'make build' (or 'make run', which builds first)"
done
check_ports
mkdir -p "$VAR/redis" "$LOGS" "$VAR/keys" "$VAR/standin"
chmod 700 "$VAR/keys"

# ------------------------------------------------------------------ services
# svc_<name> runs in a subshell: it exports the service's settings and execs
# the binary in a new session (same pid, no terminal signals).
declare -A PID=() STARTED=() FAILS=()
STOPPING=0

launch() {  # launch <name> [delay seconds]
  local name=$1 delay=${2:-0}
  (
    if [ "$delay" -gt 0 ]; then  # a restart's backoff, cut short by stop
      trap 'kill "$nap" 2>/dev/null; exit 0' TERM
      sleep "$delay" & nap=$!
      wait "$nap"
      trap - TERM
    fi
    "svc_${name//-/_}"
  ) >>"$LOGS/$name.log" 2>&1 </dev/null &
  PID[$name]=$!
  STARTED[$name]=$((SECONDS + delay))
  echo "${PID[$name]}" >"$VAR/run-$name.pid"
}

pid_alive() {  # running (an exited child not yet reaped is a zombie: not alive)
  local _a _b state
  [ -r "/proc/$1/stat" ] || return 1
  { read -r _a _b state _ <"/proc/$1/stat"; } 2>/dev/null || return 1
  [ "$state" != Z ]
}
alive() { [ -n "${PID[$1]:-}" ] && pid_alive "${PID[$1]}"; }

stop_group() {  # stop_group <name>...: SIGTERM together, then wait for each (SIGKILL after 10 s)
  local name pid
  for name in "$@"; do [ -n "${PID[$name]:-}" ] && kill -TERM "${PID[$name]}" 2>/dev/null || true; done
  for name in "$@"; do
    pid=${PID[$name]:-}
    [ -n "$pid" ] || continue
    for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
    if pid_alive "$pid"; then
      echo "warning: $name did not stop within 10 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "PID[$name]"
    rm -f "$VAR/run-$name.pid"
  done
}

worker_names() { local i; for ((i = 1; i <= WORKERS; i++)); do printf 'sync-worker-%d ' "$i"; done; }

stop_all() {
  [ "$STOPPING" = 1 ] && return
  STOPPING=1
  stop_group auth-service
  # shellcheck disable=SC2046
  stop_group $(worker_names)
  stop_group library-service
  stop_group standin-a standin-b
  stop_group redis
}
on_signal() {
  [ "$STOPPING" = 1 ] && return  # a second Ctrl-C while stopping
  echo
  stop_all
  say "stopped."
  exit 0
}
on_exit() { local rc=$?; stop_all; exit "$rc"; }
trap on_signal INT TERM
trap on_exit EXIT

wait_ready() {  # wait_ready <name> <description> <probe command...>
  local name=$1 what=$2; shift 2
  for _ in $(seq 1 150); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! alive "$name"; then
      echo "error: $what exited during start-up; the end of $LOGS/$name.log:" >&2
      tail -n 5 "$LOGS/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  die "$what did not come up within 15 s; see $LOGS/$name.log"
}
answers_as() {  # answers_as <url> <text>: the answer contains the text
  local body
  body=$(curl -sf --max-time 2 "$1") || return 1
  [[ "$body" == *"$2"* ]]
}

# --- Redis, unless the user points us at their own
if [ -z "${JB_REDIS_URL:-}" ]; then
  svc_redis() {
    exec setsid redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
      --appendonly yes --appendfsync everysec --save "" --daemonize no
  }
  launch redis
  export JB_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  wait_ready redis "redis-server" sh -c "redis-cli -p '$REDIS_PORT' ping | grep -q PONG"
fi

# --- Jellyfin: two demo stand-ins (overlapping libraries) when none is configured
DEMO=0
if [ -z "${JB_JELLYFIN_URL:-}" ]; then
  DEMO=1
  [ -x "$STANDIN_BIN" ] || die "$STANDIN_BIN is not built; run 'make build'"
  svc_standin_a() {
    exec setsid "$STANDIN_BIN" --port "$STANDIN_A_PORT" --demo --server-name "Demo Jellyfin A" \
      --server-id "$STANDIN_A_ID" --state-file "$VAR/standin/a.json" \
      --generate movies=300,series=20,seasons=2,episodes=8,seed=7,variant=a
  }
  svc_standin_b() {
    exec setsid "$STANDIN_BIN" --port "$STANDIN_B_PORT" --demo --server-name "Demo Jellyfin B" \
      --server-id "$STANDIN_B_ID" --state-file "$VAR/standin/b.json" \
      --generate movies=300,series=20,seasons=2,episodes=8,seed=7,variant=b
  }
  launch standin-a
  launch standin-b
  export JB_JELLYFIN_URL="http://127.0.0.1:$STANDIN_A_PORT"
  # The home stand-in is allowed as the home server; the second one is on loopback too,
  # which the outbound policy refuses by default: the demo allows 127.0.0.1 (a demo only).
  export JB_OUTBOUND_ALLOW="${JB_OUTBOUND_ALLOW:-10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7, 100.64.0.0/10, 127.0.0.1/32}"
  wait_ready standin-a "the demo Jellyfin stand-in" answers_as "$JB_JELLYFIN_URL/System/Info/Public" "$STANDIN_A_ID"
  wait_ready standin-b "the second demo stand-in" answers_as "http://127.0.0.1:$STANDIN_B_PORT/System/Info/Public" "$STANDIN_B_ID"
fi

# --- Keys, generated on first start into var/keys/ (mode 600): the vault master
# key and the CURVE key pairs of the internal bus: the servers' (the vault,
# library-service's RPC, auth-service's events channel) and one client key per
# service (auth, library, worker), which each server's allowlist names.
KEYS="$VAR/keys"
if [ ! -s "$KEYS/master.key" ]; then
  (umask 077; "$AUTH_BIN" generate-key >"$KEYS/master.key")
  say "generated the vault master key: $KEYS/master.key"
fi
for name in vault library worker auth library-rpc events; do
  [ -s "$KEYS/$name.curve" ] || (umask 077; "$AUTH_BIN" generate-curve-keypair >"$KEYS/$name.curve")
done
read -r VAULT_PUB VAULT_SEC <"$KEYS/vault.curve"
read -r LIB_PUB LIB_SEC <"$KEYS/library.curve"
read -r WORKER_PUB WORKER_SEC <"$KEYS/worker.curve"
read -r AUTH_PUB AUTH_SEC <"$KEYS/auth.curve"
read -r LIB_RPC_PUB LIB_RPC_SEC <"$KEYS/library-rpc.curve"
read -r EVENTS_PUB EVENTS_SEC <"$KEYS/events.curve"
export JB_MASTER_KEY_FILE="$KEYS/master.key"
export JB_VAULT_RPC_URL="tcp://127.0.0.1:$VAULT_PORT"
export JB_VAULT_SERVER_PUBLIC_KEY="$VAULT_PUB"
export JB_LIBRARY_RPC_URL="tcp://127.0.0.1:$LIB_RPC_PORT"
export JB_EVENTS_URL="tcp://127.0.0.1:$EVENTS_PORT"
export JB_LIBRARY_RPC_SERVER_PUBLIC_KEY="$LIB_RPC_PUB" JB_EVENTS_SERVER_PUBLIC_KEY="$EVENTS_PUB"
export JB_ADMIN_HOST=127.0.0.1

svc_auth_service() {
  export JB_EVENTS_BIND="tcp://127.0.0.1:$EVENTS_PORT" JB_HTTP_PORT="$API_PORT" JB_HTTP_HOST=127.0.0.1 \
    JB_VAULT_RPC_BIND="tcp://127.0.0.1:$VAULT_PORT" JB_VAULT_SERVER_SECRET_KEY="$VAULT_SEC" \
    JB_VAULT_CLIENT_KEYS="$LIB_PUB,$WORKER_PUB" JB_LIBRARY_RPC_CLIENT_SECRET_KEY="$AUTH_SEC" \
    JB_EVENTS_SERVER_SECRET_KEY="$EVENTS_SEC" JB_EVENTS_CLIENT_KEYS="$LIB_PUB,$WORKER_PUB" \
    JB_PUBLIC_URL="$PUBLIC_URL"
  exec setsid "$AUTH_BIN"
}
svc_library_service() {
  export JB_LIBRARY_RPC_BIND="tcp://127.0.0.1:$LIB_RPC_PORT" JB_ADMIN_PORT="$LIB_ADMIN_PORT" \
    JB_VAULT_CLIENT_SECRET_KEY="$LIB_SEC" JB_LIBRARY_RPC_SERVER_SECRET_KEY="$LIB_RPC_SEC" \
    JB_LIBRARY_RPC_CLIENT_KEYS="$AUTH_PUB,$WORKER_PUB" JB_EVENTS_CLIENT_SECRET_KEY="$LIB_SEC"
  exec setsid "$LIB_BIN"
}
svc_worker() {  # svc_worker <n>
  export JB_WORKER_ID="worker-$1" JB_ADMIN_PORT=$((WORKER_ADMIN_PORT + $1 - 1)) JB_VAULT_CLIENT_SECRET_KEY="$WORKER_SEC" \
    JB_LIBRARY_RPC_CLIENT_SECRET_KEY="$WORKER_SEC" JB_EVENTS_CLIENT_SECRET_KEY="$WORKER_SEC"
  exec setsid "$WORKER_BIN"
}
for ((i = 1; i <= WORKERS; i++)); do eval "svc_sync_worker_$i() { svc_worker $i; }"; done

launch auth-service
launch library-service
for name in $(worker_names); do launch "$name"; done
wait_ready auth-service "auth-service" answers_as "http://127.0.0.1:$API_PORT/healthz" '"service":"auth-service"'

cat <<MSG

Jellybridge is running.
  Open:       ${PUBLIC_URL%/}/   (the web front end; sign in with a demo user below)
  API:        http://127.0.0.1:$API_PORT/api/v1
  Health:     curl -s http://127.0.0.1:$API_PORT/api/v1/health
  Sign in:    curl -s -X POST http://127.0.0.1:$API_PORT/api/v1/auth/login \\
                -H 'Content-Type: application/json' -d '{"username":"demo","password":"demo-password"}'
  Logs:       $LOGS/
MSG
if [ "$DEMO" = 1 ]; then
cat <<MSG
  Jellyfin:   demo stand-ins at http://127.0.0.1:$STANDIN_A_PORT and http://127.0.0.1:$STANDIN_B_PORT
              users: demo / demo-password, admin / admin-password
  Quick Connect: approve a code the suite shows you (as the demo user) with
              curl -s -X POST http://127.0.0.1:$STANDIN_A_PORT/__standin/quickconnect/approve \\
                -d '{"Code":"123456","User":"demo"}'
MSG
fi
echo
echo "Press Ctrl-C to stop."

# ------------------------------------------------------------------ supervise
restartable() { [[ "$1" == library-service || "$1" == sync-worker-* ]]; }
name_of() { local n; for n in "${!PID[@]}"; do [ "${PID[$n]}" = "$1" ] && { echo "$n"; return; }; done; }
describe() {  # describe <status>
  if [ "$1" -gt 128 ]; then echo "killed by signal $(kill -l "$(($1 - 128))" 2>/dev/null || echo $(($1 - 128)))"
  else echo "exit status $1"; fi
}
while :; do
  exited=""
  status=0
  wait -n -p exited 2>/dev/null || status=$?
  [ -n "$exited" ] || continue
  name=$(name_of "$exited")
  [ -n "$name" ] || continue
  if restartable "$name"; then
    up=$((SECONDS - ${STARTED[$name]}))
    if [ "$up" -ge 60 ]; then FAILS[$name]=0; fi
    fails=$((${FAILS[$name]:-0} + 1))
    FAILS[$name]=$fails
    delay=$((1 << (fails - 1 < 5 ? fails - 1 : 5)))
    [ "$delay" -gt 30 ] && delay=30
    say "$name stopped ($(describe "$status")); restarting it in $delay s (log: $LOGS/$name.log)"
    launch "$name" "$delay"
  else
    echo "error: $name stopped ($(describe "$status")); stopping Jellybridge. See $LOGS/$name.log" >&2
    unset "PID[$name]"
    exit 1
  fi
done
