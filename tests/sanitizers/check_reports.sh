#!/usr/bin/env bash
# check_reports.sh <dir> — the ctest test sanitizer_reports of a sanitizer build (see
# cmake/sanitizers.cmake): fails, printing each report, when a process of the test run
# (a test binary or a service, stand-in or script it started) wrote one to <dir>. Report
# files are named <test binary>.<process>.<pid>.
set -euo pipefail
dir=$1
shopt -s nullglob
reports=("$dir"/*)
if [ ${#reports[@]} -eq 0 ]; then
  echo "sanitizer_reports: no sanitizer report in $dir"
  exit 0
fi
echo "sanitizer_reports: ${#reports[@]} report(s) in $dir:"
for f in "${reports[@]}"; do
  echo "=== $(basename "$f")"
  cat "$f"
done
exit 1
