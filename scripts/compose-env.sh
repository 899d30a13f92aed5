#!/usr/bin/env bash
# Writes the .env that compose.yaml reads, with fresh secrets: the Redis
# password, the vault master key and the CURVE key pairs of the internal bus
# (the servers': VAULT, LIBRARY_RPC, EVENTS; one client key per service: AUTH,
# LIBRARY, WORKER), plus your Jellyfin server's address.
#
#   scripts/compose-env.sh --jellyfin-url http://192.168.1.20:8096 [--public-url URL]
#                          [--output .env] [--force]
#
# Keys come from auth-service's own generators: a local build
# (build/auth-service/auth-service, or JB_AUTH_BIN) when there is one, else
# the image built from this repository with plain `docker build` + `docker
# run` (compose cannot be used for this: it refuses to read compose.yaml
# before the secrets exist).
#
# Values are single-quoted: Docker Compose v2 expands `$NAME` and cuts at `#`
# in unquoted values, and Z85 CURVE keys contain both; single-quoted values are
# read literally by Compose v1 and v2 alike (Z85, base64 and hex never contain
# a quote). The file is written beside the output and moved into place only
# when complete (mode 600), so an existing .env is never emptied; it is kept
# unless --force (then it is saved as <output>.bak first).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
JELLYFIN_URL=${JB_JELLYFIN_URL:-}
PUBLIC_URL=${JB_PUBLIC_URL:-}
OUT="$ROOT/.env"
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jellyfin-url) JELLYFIN_URL=${2:-}; shift 2 ;;
    --public-url) PUBLIC_URL=${2:-}; shift 2 ;;
    --output) OUT=${2:-}; shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage ;;
    *) echo "compose-env: unknown argument '$1'" >&2; usage ;;
  esac
done
if [ -z "$JELLYFIN_URL" ]; then
  echo "compose-env: --jellyfin-url is required: the address of your Jellyfin server as the containers" >&2
  echo "  reach it, e.g. --jellyfin-url http://192.168.1.20:8096 (sign-in happens there)" >&2
  exit 2
fi
case "$JELLYFIN_URL$PUBLIC_URL" in
  *"'"*|*$'\n'*) echo "compose-env: URLs must not contain quotes or line breaks" >&2; exit 2 ;;
esac
if [ -e "$OUT" ] && [ "$FORCE" != 1 ]; then
  echo "compose-env: $OUT exists; keeping it (use --force to replace it, the old one is saved as $OUT.bak)" >&2
  exit 1
fi

# --- the key tool
if [ -n "${JB_AUTH_BIN:-}" ]; then
  KEYTOOL=("$JB_AUTH_BIN")
elif [ -x "$ROOT/build/auth-service/auth-service" ]; then
  KEYTOOL=("$ROOT/build/auth-service/auth-service")
elif command -v docker >/dev/null 2>&1; then
  echo "compose-env: building the image once to generate the keys (docker build -t jellybridge:latest .)" >&2
  docker build -q -t jellybridge:latest "$ROOT" >/dev/null
  KEYTOOL=(docker run --rm --network none jellybridge:latest auth-service)
else
  echo "compose-env: need a local build (make build) or Docker to generate the keys" >&2
  exit 1
fi
key() { "${KEYTOOL[@]}" "$@"; }

quote() { printf "'%s'" "$1"; }  # literal in Compose v1 and v2 (values never contain a quote)

TMP=$(mktemp "$(dirname "$OUT")/.env.XXXXXX")
trap 'rm -f "$TMP"' EXIT
chmod 600 "$TMP"
{
  echo "# Jellybridge secrets for compose.yaml, written by scripts/compose-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo "# Keep this file private (mode 600). Values are single-quoted so Compose reads them literally."
  echo "JB_JELLYFIN_URL=$(quote "$JELLYFIN_URL")"
  [ -n "$PUBLIC_URL" ] && echo "JB_PUBLIC_URL=$(quote "$PUBLIC_URL")"
  echo "JB_REDIS_PASSWORD=$(quote "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')")"
  echo "JB_MASTER_KEY=$(quote "$(key generate-key)")"
  # Z85 keys may contain `$`: Compose v1 expands `${…}` inside .env values even when
  # single-quoted, so the key tool draws pairs without one (all six in one run: with
  # Docker, each run of the tool is a container start).
  PAIRS=$(key generate-curve-keypair --count 6 --without '$') || { echo "compose-env: the key tool failed" >&2; exit 1; }
  for name in VAULT LIBRARY WORKER AUTH LIBRARY_RPC EVENTS; do
    read -r pub sec <<<"$(sed -n 1p <<<"$PAIRS")"
    PAIRS=$(sed 1d <<<"$PAIRS")
    [ ${#pub} = 40 ] && [ ${#sec} = 40 ] || { echo "compose-env: the key tool gave no CURVE key pair" >&2; exit 1; }
    case "$pub$sec" in *'$'*) echo "compose-env: the key tool gave a CURVE key pair with a '\$'" >&2; exit 1 ;; esac
    echo "JB_${name}_PUBLIC_KEY=$(quote "$pub")"
    echo "JB_${name}_SECRET_KEY=$(quote "$sec")"
  done
} >"$TMP"
if [ -e "$OUT" ]; then cp -p "$OUT" "$OUT.bak"; fi
mv -f "$TMP" "$OUT"
trap - EXIT
echo "compose-env: wrote $OUT (mode 600). Next: docker compose up --build -d" >&2
