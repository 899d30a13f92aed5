#!/usr/bin/env bash
# Static checks of compose.yaml with Debian's docker-compose (no Docker engine
# needed): it validates, it refuses to start without a Redis password, only
# auth-service is published, sync-worker has 3 replicas, every service has a
# healthcheck, and Redis runs with AOF and a volume.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "compose check failed: $*" >&2; exit 1; }
# Dummy values for the secrets the stack requires (see scripts/compose-env.sh).
export JB_MASTER_KEY=ci:AAAA JB_VAULT_PUBLIC_KEY=p JB_VAULT_SECRET_KEY=s JB_LIBRARY_PUBLIC_KEY=lp \
  JB_LIBRARY_SECRET_KEY=ls JB_WORKER_PUBLIC_KEY=wp JB_WORKER_SECRET_KEY=ws

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
echo "compose.yaml OK"
