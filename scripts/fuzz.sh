#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ when needed and
# run each for a bounded time; docs/robustness.md says what they cover.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    run (default 60 s each, all targets)
#   scripts/fuzz.sh --merge [TARGET...]                 add to the committed corpus what the
#                                                       runs found that reaches new code
#
# Targets: scenario, overlay, set, changes, design. Each run starts from the committed
# seeds (tests/fuzz/corpus/<target>/) and its own working corpus
# (build-fuzz/corpus/<target>/, kept between runs, not committed); new crash reproducers
# go to tests/fuzz/crashes/<target>/, logs to build-fuzz/logs/. FUZZ_JOBS=2 runs two
# targets at a time. Exit 1 when any target found a crash, a timeout or an out-of-memory.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL=(scenario overlay set changes design)
BUILD=${PASSAGE_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${FUZZ_JOBS:-1}

MERGE=0
SECS=60
if [ "${1:-}" = "--merge" ]; then
  MERGE=1
  shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  SECS=$1
  shift
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (${ALL[*]})" >&2; exit 2; }
done

# ---- build ---------------------------------------------------------------------
command -v clang++ >/dev/null || { echo "fuzz.sh: needs clang (apt-get install clang)" >&2; exit 2; }
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  GEN=()
  command -v ninja >/dev/null && GEN=(-G Ninja)
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DPASSAGE_FUZZ=ON -DPASSAGE_BUILD_TESTS=OFF -DPASSAGE_BUILD_BENCH=OFF -DPASSAGE_WITH_MPI=OFF -DPASSAGE_PYTHON=OFF
fi
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]/#/fuzz_}"

# Inputs longer than this are not tried: the scenario target needs room for the
# 24 kB baseline, the others work on short texts.
max_len() { [ "$1" = scenario ] && echo 32768 || echo 4096; }

# ---- merge -----------------------------------------------------------------------
if [ $MERGE = 1 ]; then
  for t in "${TARGETS[@]}"; do
    mkdir -p "$BUILD/corpus/$t"
    before=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
    # Only inputs that reach new edges (not new hit counts), chosen by a greedy set
    # cover: the committed corpus stays at a few hundred small files.
    "$BUILD/tests/fuzz/fuzz_$t" -set_cover_merge=1 -use_counters=0 -max_len="$(max_len "$t")" -timeout=10 \
      -rss_limit_mb=2048 "tests/fuzz/corpus/$t" "$BUILD/corpus/$t" >"$BUILD/merge-$t.log" 2>&1 ||
      { echo "fuzz.sh: merge of $t failed, see $BUILD/merge-$t.log" >&2; exit 1; }
    after=$(find "tests/fuzz/corpus/$t" -type f | wc -l)
    echo "$t: corpus $before -> $after files"
  done
  exit 0
fi

# ---- run -------------------------------------------------------------------------
mkdir -p "$BUILD/logs"
run_one() {
  local t=$1
  mkdir -p "$BUILD/corpus/$t" "tests/fuzz/crashes/$t"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  "$BUILD/tests/fuzz/fuzz_$t" "$BUILD/corpus/$t" "tests/fuzz/corpus/$t" "${dict[@]}" \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -artifact_prefix="tests/fuzz/crashes/$t/" -print_final_stats=1 \
    >"$BUILD/logs/$t.log" 2>&1
}

status=0
running=0
pids=()
for t in "${TARGETS[@]}"; do
  echo "fuzz.sh: $t for ${SECS} s (log: $BUILD/logs/$t.log)"
  run_one "$t" &
  pids+=("$!")
  running=$((running + 1))
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

total=0
for t in "${TARGETS[@]}"; do
  log="$BUILD/logs/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # A run stopped by a finding may not print its final stats: take its last progress line.
  [ -z "$execs" ] && execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(grep -E "ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|uncaught exception" "$log" | head -1 || true)
  printf '%-9s %12s executions  %6s exec/s  %s\n' "$t" "${execs:-?}" "${rate:-?}" \
    "${found:-no finding}"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$SECS" "${execs:-0}" \
    "${rate:-?}" "${found:-none}" >>"$BUILD/logs/history.tsv"
  total=$((total + ${execs:-0}))
  if [ -n "$found" ]; then
    status=1
    grep -E "Test unit written to" "$log" | sed 's/^/    /' || true
  fi
done
echo "total     $total executions (every run so far: $BUILD/logs/history.tsv)"
exit $status
