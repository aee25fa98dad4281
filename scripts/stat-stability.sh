#!/usr/bin/env bash
# Run every statistical test (doctest suite "statistical") over many seeds and
# report how often each fails: with tolerances of 4-5 standard errors, a correct
# test should (almost) never fail. Not part of CI: it takes minutes to hours.
#
#   scripts/stat-stability.sh [SEEDS=100] [BUILD_DIR=build] [FIRST_SEED=1]
#
# Each seed s runs the suite with PASSAGE_TEST_SEED_OFFSET=s, which shifts every
# seed the statistical tests use (tests/support.hpp). CI uses offset 0.
set -uo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-100}
BUILD=${2:-build}
FIRST=${3:-1}
BIN=$BUILD/tests/passage_tests
[ -x "$BIN" ] || { echo "build first: scripts/build.sh" >&2; exit 2; }
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
declare -A failed
runs=0
start=$(date +%s)
for s in $(seq "$FIRST" $((FIRST + SEEDS - 1))); do
  out=$(PASSAGE_TEST_SEED_OFFSET=$s "$BIN" -ts=statistical 2>&1)
  runs=$((runs + 1))
  # doctest prints a block per test case with output; a failing one holds an
  # ERROR or a THREW line. Collect the names of those.
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    failed["$name"]=$(( ${failed["$name"]:-0} + 1 ))
    echo "seed $s: $name" >> "$LOG"
  done < <(awk '/^=+$/ { if (bad && name != "") print name; bad = 0; name = ""; next }
                /^TEST CASE:/ { sub(/^TEST CASE:  */, ""); name = $0; next }
                / ERROR: | THREW exception/ { bad = 1 }
                END { if (bad && name != "") print name }' <<<"$out" | sort -u)
  printf '\rseed %d (%d/%d)' "$s" "$runs" "$SEEDS" >&2
done
echo >&2
cases=$("$BIN" -ts=statistical -ltc 2>/dev/null | grep -vE "^\[doctest\]|^=+$|^$" )
echo "statistical tests over $runs seeds ($(( $(date +%s) - start )) s):"
total=0
while IFS= read -r c; do
  [ -n "$c" ] || continue
  n=${failed["$c"]:-0}
  total=$((total + n))
  printf '  %3d / %d  %s\n' "$n" "$runs" "$c"
done <<<"$cases"
if [ "$total" -gt 0 ]; then
  echo "failures:"
  cat "$LOG"
fi
echo "$total failure(s) in $runs runs"
