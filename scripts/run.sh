#!/usr/bin/env bash
# `make run`: Redis (AOF under ./var/), a demo Jellyfin stand-in when no
# JB_JELLYFIN_URL is configured, library-service, two sync-workers and
# auth-service. Prints the API URL and a curl to try. Ctrl-C stops everything.
set -euo pipefail
BUILD_DIR=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
VAR="$ROOT/var"
mkdir -p "$VAR/redis" "$VAR/logs" "$VAR/keys"
chmod 700 "$VAR/keys"

API_PORT=${JB_HTTP_PORT:-8080}
REDIS_PORT=${JB_RUN_REDIS_PORT:-6380}
LIB_RPC_PORT=${JB_RUN_LIBRARY_RPC_PORT:-5556}
EVENTS_PORT=${JB_RUN_EVENTS_PORT:-5557}
STANDIN_A_PORT=${JB_RUN_STANDIN_PORT:-8096}
STANDIN_B_PORT=$((STANDIN_A_PORT + 1))

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "stopping…"
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "stopped."
}
on_signal() { cleanup; exit 0; }
trap on_signal INT TERM
trap cleanup EXIT

start() {  # start <name> <command...>: runs in the background, logs to var/logs/<name>.log
  local name=$1; shift
  "$@" >"$VAR/logs/$name.log" 2>&1 &
  pids+=($!)
}

wait_for() {  # wait_for <description> <command...>
  local what=$1; shift
  for _ in $(seq 1 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "error: $what did not come up; see $VAR/logs/" >&2
  exit 1
}

# --- Redis, unless the user points us at their own
if [ -z "${JB_REDIS_URL:-}" ]; then
  start redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$VAR/redis" \
    --appendonly yes --appendfsync everysec --save "" --daemonize no
  export JB_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  wait_for "redis-server" redis-cli -p "$REDIS_PORT" ping
fi

# --- Jellyfin: a demo stand-in (two servers with overlapping libraries) when none is configured
DEMO=0
if [ -z "${JB_JELLYFIN_URL:-}" ]; then
  DEMO=1
  STANDIN="$BUILD_DIR/tests/standin/jellyfin-standin"
  start standin-a "$STANDIN" --port "$STANDIN_A_PORT" --demo --server-name "Demo Jellyfin A" \
    --generate movies=300,series=20,seasons=2,episodes=8,seed=7,variant=a
  start standin-b "$STANDIN" --port "$STANDIN_B_PORT" --demo --server-name "Demo Jellyfin B" \
    --generate movies=300,series=20,seasons=2,episodes=8,seed=7,variant=b
  export JB_JELLYFIN_URL="http://127.0.0.1:$STANDIN_A_PORT"
  wait_for "the demo Jellyfin stand-in" curl -sf "$JB_JELLYFIN_URL/System/Info/Public"
  wait_for "the second demo stand-in" curl -sf "http://127.0.0.1:$STANDIN_B_PORT/System/Info/Public"
fi

# --- Keys, generated on first start into var/keys/ (mode 600): the vault master key
# and the CURVE key pairs of the vault and of its two clients.
AUTH_BIN="$BUILD_DIR/auth-service/auth-service"
KEYS="$VAR/keys"
if [ ! -s "$KEYS/master.key" ]; then
  (umask 077; "$AUTH_BIN" generate-key > "$KEYS/master.key")
  echo "generated the vault master key: $KEYS/master.key"
fi
for name in vault library worker; do
  [ -s "$KEYS/$name.curve" ] || (umask 077; "$AUTH_BIN" generate-curve-keypair > "$KEYS/$name.curve")
done
read -r VAULT_PUB VAULT_SEC < "$KEYS/vault.curve"
read -r LIB_PUB LIB_SEC < "$KEYS/library.curve"
read -r WORKER_PUB WORKER_SEC < "$KEYS/worker.curve"
VAULT_PORT=${JB_RUN_VAULT_PORT:-5558}
export JB_MASTER_KEY_FILE="$KEYS/master.key"
export JB_VAULT_RPC_URL="tcp://127.0.0.1:$VAULT_PORT"
export JB_VAULT_SERVER_PUBLIC_KEY="$VAULT_PUB"

export JB_LIBRARY_RPC_URL="tcp://127.0.0.1:$LIB_RPC_PORT"
export JB_EVENTS_URL="tcp://127.0.0.1:$EVENTS_PORT"
export JB_ADMIN_HOST=127.0.0.1

JB_EVENTS_BIND="tcp://127.0.0.1:$EVENTS_PORT" JB_HTTP_PORT="$API_PORT" JB_HTTP_HOST=127.0.0.1 \
  JB_VAULT_RPC_BIND="tcp://127.0.0.1:$VAULT_PORT" JB_VAULT_SERVER_SECRET_KEY="$VAULT_SEC" \
  JB_VAULT_CLIENT_KEYS="$LIB_PUB,$WORKER_PUB" \
  start auth-service "$AUTH_BIN"
JB_LIBRARY_RPC_BIND="tcp://127.0.0.1:$LIB_RPC_PORT" JB_ADMIN_PORT=9101 JB_VAULT_CLIENT_SECRET_KEY="$LIB_SEC" \
  start library-service "$BUILD_DIR/library-service/library-service"
for i in 1 2; do
  JB_WORKER_ID="worker-$i" JB_ADMIN_PORT=$((9101 + i)) JB_VAULT_CLIENT_SECRET_KEY="$WORKER_SEC" \
    start "sync-worker-$i" "$BUILD_DIR/sync-worker/sync-worker"
done
wait_for "auth-service" curl -sf "http://127.0.0.1:$API_PORT/healthz"

cat <<MSG

Jellybridge is running.
  API:        http://127.0.0.1:$API_PORT/api/v1
  Health:     curl -s http://127.0.0.1:$API_PORT/api/v1/health
  Sign in:    curl -s -X POST http://127.0.0.1:$API_PORT/api/v1/auth/login \\
                -H 'Content-Type: application/json' -d '{"username":"demo","password":"demo-password"}'
  Logs:       $VAR/logs/
MSG
if [ "$DEMO" = 1 ]; then
cat <<MSG
  Jellyfin:   demo stand-ins at http://127.0.0.1:$STANDIN_A_PORT and http://127.0.0.1:$STANDIN_B_PORT
              users: demo / demo-password, admin / admin-password
MSG
fi
echo
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}" || true
echo "a process exited unexpectedly; see $VAR/logs/" >&2
exit 1
