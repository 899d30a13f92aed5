#!/usr/bin/env bash
# Installs the Debian packages Jellybridge needs to build, test and run.
# Idempotent: checks each package with dpkg first and only calls apt-get when
# something is missing. Works as root or through sudo. Called by `make run`,
# `make test` and `.ci/run`; safe to re-run.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config make
  # libraries (see README "Dependencies")
  libpistache-dev cppzmq-dev libzmq3-dev rapidjson-dev libhiredis-dev
  libgtest-dev libgmock-dev libcurl4-openssl-dev libsodium-dev libssl-dev
  libqrencode-dev zlib1g-dev libcbor-dev libunistring-dev libcmark-dev
  # runtime: the local Redis that `make run` and the tests start
  redis-server
  # `make test` validates compose.yaml statically (no Docker engine needed)
  docker-compose
  # bench/gateway load generator
  wrk
  # bench/* and tests use curl to poke endpoints; ca-certificates for TLS tests
  curl ca-certificates
  # a real TOTP authenticator the tests compare our codes with
  oathtool
  # a real SMTP server the email-code tests start (tests/support/smtp_sink.py)
  python3-aiosmtpd
  # the browser tests (tests/browser): Debian's Chromium, driven by playwright-core
  chromium
  # `make format` / `make format-check`
  clang-format
  # `make fuzz`: clang with libFuzzer and the sanitizer runtimes; llvm-symbolizer for stacks
  clang libclang-rt-14-dev llvm-14
)

# Node.js and npm run the browser tests; a machine that has them (any origin) keeps them.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing missing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the usual cause of "Unable to locate package".
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
