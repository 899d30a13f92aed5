#!/usr/bin/env bash
# `make bench`: runs every benchmark in bench/ and prints its figures.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
for b in "$BUILD_DIR"/bench/*/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
  echo
done
