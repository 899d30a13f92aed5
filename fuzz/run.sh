#!/usr/bin/env bash
# fuzz/run.sh — runs every libFuzzer target of a fuzz build (`make fuzz` builds
# build-fuzz/ and calls this) for FUZZ_SECONDS each from its seed corpus, and
# fails when any target finds a crash, a sanitizer report, a failed invariant,
# a leak or a slow input (-timeout).
#
#   fuzz/run.sh BUILD_DIR [SECONDS]
#   FUZZ_TARGETS="redis_url config_values"   only these targets (default: all built)
#   FUZZ_JOBS=N                               targets run N at a time (default: nproc)
#   FUZZ_ARGS="-max_len=8192"                 extra libFuzzer flags
#
# The committed seeds in fuzz/corpus/<target>/ are read, never written: new
# inputs go to BUILD_DIR/fuzz-corpus/<target>/ (kept between runs, so later runs
# start further), logs to BUILD_DIR/fuzz-logs/<target>.log, crashing inputs to
# BUILD_DIR/fuzz-artifacts/<target>/. A crash is reproduced with
#   BUILD_DIR/fuzz/fuzz_<target> <artifact>
# and, once fixed, belongs in fuzz/corpus/<target>/ (as regress-<what>) beside a
# regression test in the ordinary suites (fuzz/README.md).
#
# Thread-safety: a script; one run per build directory at a time.
set -uo pipefail

build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS]}
seconds=${2:-${FUZZ_SECONDS:-60}}
jobs=${FUZZ_JOBS:-$(nproc)}
src=$(cd "$(dirname "$0")" && pwd)

targets=()
if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"${FUZZ_TARGETS//,/ }"
else
  for b in "$build"/fuzz/fuzz_*; do [ -x "$b" ] && targets+=("${b##*/fuzz_}"); done
fi
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets in $build/fuzz (build them with make fuzz)" >&2
  exit 1
fi

# Symbolised stacks, every finding fatal, leaks checked.
symbolizer=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | head -1)
[ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

mkdir -p "$build/fuzz-logs"
run_one() {
  local t=$1 bin="$build/fuzz/fuzz_$1" dict=()
  [ -x "$bin" ] || { echo "fuzz: no binary $bin" > "$build/fuzz-logs/$t.log"; return 1; }
  [ -f "$src/dict/$t.dict" ] && dict=("-dict=$src/dict/$t.dict")
  mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-artifacts/$t"
  # shellcheck disable=SC2086
  "$bin" "$build/fuzz-corpus/$t" "$src/corpus/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-artifacts/$t/" ${FUZZ_ARGS:-} >"$build/fuzz-logs/$t.log" 2>&1
}

echo "fuzz: ${#targets[@]} targets, ${seconds}s each, $jobs at a time; logs in $build/fuzz-logs/"
declare -A status
running=()
for t in "${targets[@]}"; do
  run_one "$t" &
  running+=("$!:$t")
  if [ ${#running[@]} -ge "$jobs" ]; then
    entry=${running[0]}
    running=("${running[@]:1}")
    wait "${entry%%:*}"
    status[${entry#*:}]=$?
  fi
done
for entry in "${running[@]}"; do
  wait "${entry%%:*}"
  status[${entry#*:}]=$?
done

failed=0
printf '%-24s %14s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  log="$build/fuzz-logs/$t.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  result=ok
  if [ "${status[$t]}" -ne 0 ]; then
    result="FAILED (exit ${status[$t]})"
    failed=1
  fi
  printf '%-24s %14s %10s %8s  %s\n' "$t" "${execs:--}" "${speed:--}" "${corpus:--}" "$result"
done
if [ "$failed" -ne 0 ]; then
  for t in "${targets[@]}"; do
    [ "${status[$t]}" -eq 0 ] && continue
    echo
    echo "---- $t ($build/fuzz-logs/$t.log):"
    grep -E -m 12 'ERROR|invariant failed|runtime error|SUMMARY|Test unit written|^  ' \
      "$build/fuzz-logs/$t.log"
  done
  echo
  echo "fuzz: FAILED — reproduce with $build/fuzz/fuzz_<target> <artifact>" >&2
  exit 1
fi
echo "fuzz: every target ran (up to ${seconds}s, or the -runs in FUZZ_ARGS) without a crash"
