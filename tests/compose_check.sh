#!/usr/bin/env bash
# Static checks of the Docker set-up with Debian's docker-compose (no Docker
# engine needed): compose.yaml validates; it refuses to start without a Redis
# password, the master key or JB_JELLYFIN_URL; only auth-service is published;
# sync-worker has 3 replicas; every service has a healthcheck; Redis runs with
# AOF and a volume; every Jellybridge service is built from this repository
# (never pulled); .dockerignore keeps build output, keys and .env out of the
# build context; the runtime image runs as an unprivileged user.
# (compose_env_test checks the .env that scripts/compose-env.sh writes.)
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "compose check failed: $*" >&2; exit 1; }
# Dummy values for the secrets the stack requires (see scripts/compose-env.sh).
export JB_JELLYFIN_URL=http://jellyfin:8096 JB_MASTER_KEY=ci:AAAA JB_VAULT_PUBLIC_KEY=p JB_VAULT_SECRET_KEY=s JB_LIBRARY_PUBLIC_KEY=lp \
  JB_LIBRARY_SECRET_KEY=ls JB_WORKER_PUBLIC_KEY=wp JB_WORKER_SECRET_KEY=ws JB_AUTH_PUBLIC_KEY=ap \
  JB_AUTH_SECRET_KEY=as JB_LIBRARY_RPC_PUBLIC_KEY=rp JB_LIBRARY_RPC_SECRET_KEY=rs JB_EVENTS_PUBLIC_KEY=ep \
  JB_EVENTS_SECRET_KEY=es

JB_REDIS_PASSWORD=ci-check docker-compose -f compose.yaml config -q || fail "compose.yaml is invalid"
if env -u JB_REDIS_PASSWORD docker-compose -f compose.yaml config -q 2>/dev/null; then
  fail "the stack must refuse to start without JB_REDIS_PASSWORD"
fi
out=$(JB_REDIS_PASSWORD=ci-check docker-compose -f compose.yaml config)

# Split the resolved config per service (2-space indented keys under services:).
svc_block() { awk -v s="  $1:" '$0==s{p=1;next} p&&/^  [a-z]/{p=0} p' <<<"$out"; }
for s in redis library-service sync-worker auth-service; do
  blk=$(svc_block "$s")
  [ -n "$blk" ] || fail "service $s is missing"
  grep -q "healthcheck:" <<<"$blk" || fail "service $s has no healthcheck"
  if [ "$s" = auth-service ]; then
    grep -q "published: 8080\|8080:8080\|- 8080" <<<"$blk" || fail "auth-service is not published on 8080"
  else
    ! grep -q "^    ports:" <<<"$blk" || fail "service $s must not publish ports"
  fi
done
grep -q "replicas: 3" <<<"$(svc_block sync-worker)" || fail "sync-worker must have deploy.replicas: 3"
grep -q "appendonly yes" <<<"$(svc_block redis)" || fail "redis must run with AOF"
grep -q "redis-data:/data" <<<"$(svc_block redis)" || fail "redis must keep its data on a volume"
grep -q "tcp://library-service:5556" <<<"$out" || fail "internal endpoints must use service names"
if env -u JB_MASTER_KEY JB_REDIS_PASSWORD=x docker-compose -f compose.yaml config -q 2>/dev/null; then
  fail "the stack must refuse to start without the vault master key"
fi
for k in JB_AUTH_SECRET_KEY JB_LIBRARY_RPC_SECRET_KEY JB_EVENTS_SECRET_KEY; do
  if env -u "$k" JB_REDIS_PASSWORD=x docker-compose -f compose.yaml config -q 2>/dev/null; then
    fail "the stack must refuse to start without $k (the internal bus's CURVE keys)"
  fi
done
# Every internal listener is set explicitly (the services default to loopback).
for bind in "JB_LIBRARY_RPC_BIND: tcp://0.0.0.0:5556" "JB_EVENTS_BIND: tcp://0.0.0.0:5557" \
  "JB_VAULT_RPC_BIND: tcp://0.0.0.0:5558"; do
  grep -q "$bind" <<<"$out" || fail "compose.yaml must set $bind (the default is loopback)"
done
if env -u JB_JELLYFIN_URL JB_REDIS_PASSWORD=x docker-compose -f compose.yaml config -q 2>/dev/null; then
  fail "the stack must refuse to start without JB_JELLYFIN_URL (every sign-in would answer 503)"
fi
for s in library-service sync-worker auth-service; do
  blk=$(svc_block "$s")
  grep -q "context: $PWD\$" <<<"$blk" || fail "service $s must be built from this repository (build: .)"
  grep -q "pull_policy: build" <<<"$blk" || fail "service $s must never be pulled (pull_policy: build)"
done

# .dockerignore: what must never reach the build context (Docker's patterns are
# matched here with bash globs, which agree for these simple forms).
[ -f .dockerignore ] || fail ".dockerignore is missing"
mapfile -t patterns < <(grep -v '^\s*#' .dockerignore | sed '/^\s*$/d')
ignored() {
  local p path=$1
  for p in "${patterns[@]}"; do
    p=${p%/}
    # shellcheck disable=SC2053
    [[ $path == $p || $path == $p/* || $path == */$p || $path == */$p/* ]] && return 0
    [[ $p == '**/'* ]] && [[ $path == ${p#**/} || $path == */${p#**/} || $path == */${p#**/}/* || $path == ${p#**/}/* ]] && return 0
  done
  return 1
}
for path in build/auth-service/auth-service build-asan/CMakeCache.txt build-sse/x var/keys/master.key \
            var/redis/appendonly.aof .env .env.local .env.bak .git/HEAD tests/browser/node_modules/x/index.js; do
  ignored "$path" || fail ".dockerignore lets $path into the build context"
done
for path in CMakeLists.txt common/core/CMakeLists.txt auth-service/main.cpp sync-worker/main.cpp Dockerfile; do
  ! ignored "$path" || fail ".dockerignore excludes $path, which the image needs"
done

# The runtime stage runs as an unprivileged user.
runtime=$(awk '/^FROM .* AS runtime/{p=1} p' Dockerfile)
[ -n "$runtime" ] || fail "the Dockerfile has no runtime stage"
last_user=$(grep '^USER ' <<<"$runtime" | tail -1 | awk '{print $2}')
[ -n "$last_user" ] && [ "$last_user" != root ] && [ "$last_user" != 0 ] || fail "the runtime image must not run as root"
echo "compose.yaml OK"
