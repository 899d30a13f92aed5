#!/usr/bin/env bash
# Prints a .env for compose.yaml with fresh secrets: the Redis password, the
# vault master key and the CURVE key pairs of the vault and its two clients.
#   ./scripts/compose-env.sh > .env && chmod 600 .env
# Uses a local build of auth-service when present, else the Docker image.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x build/auth-service/auth-service ]; then
  AUTH=(build/auth-service/auth-service)
else
  AUTH=(docker compose run --rm --no-deps auth-service auth-service)
fi
read -r VPUB VSEC < <("${AUTH[@]}" generate-curve-keypair)
read -r LPUB LSEC < <("${AUTH[@]}" generate-curve-keypair)
read -r WPUB WSEC < <("${AUTH[@]}" generate-curve-keypair)
cat <<ENV
JB_REDIS_PASSWORD=$(openssl rand -hex 24)
JB_MASTER_KEY=$("${AUTH[@]}" generate-key)
JB_VAULT_PUBLIC_KEY=$VPUB
JB_VAULT_SECRET_KEY=$VSEC
JB_LIBRARY_PUBLIC_KEY=$LPUB
JB_LIBRARY_SECRET_KEY=$LSEC
JB_WORKER_PUBLIC_KEY=$WPUB
JB_WORKER_SECRET_KEY=$WSEC
ENV
