#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (every test,
# the command-line ones included, but the two labelled `long`: the cluster and the
# Mali calibration scripts, whole-run repetitions of code the others cover, 15 of
# the 22 test-minutes under ASan), and under ThreadSanitizer the doctest cases but
# the statistical suite's long single-model checks, less those of them that
# compare thread counts (replications on std::threads:
# the system oneTBB is not instrumented). Part of CI (.ci/run). Assumes
# scripts/setup-debian.sh has run. `PASSAGE_SANITIZE_ALL=1`: every test, both.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
JOBS=$(nproc)
# -O1 -g1 (line tables): a third less compile time than RelWithDebInfo's -O2 -g,
# and the sanitizers' reports still name the file and line.
FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan "${GEN[@]}" "${FLAGS[@]}" -DPASSAGE_SANITIZE=address \
  -DPASSAGE_BUILD_BENCH=OFF -DPASSAGE_PYTHON=OFF -DPASSAGE_WERROR=ON >/dev/null
cmake --build build-asan -j "$JOBS"
SKIP=(--label-exclude long)
[ -n "${PASSAGE_SANITIZE_ALL:-}" ] && SKIP=()
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS" "${SKIP[@]}"

echo "== ThreadSanitizer"
cmake -S . -B build-tsan "${GEN[@]}" "${FLAGS[@]}" -DPASSAGE_SANITIZE=thread \
  -DPASSAGE_BUILD_BENCH=OFF -DPASSAGE_WITH_MPI=OFF -DPASSAGE_PYTHON=OFF -DPASSAGE_WERROR=ON >/dev/null
cmake --build build-tsan -j "$JOBS" --target passage_tests
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
if [ -n "${PASSAGE_SANITIZE_ALL:-}" ]; then
  build-tsan/tests/passage_tests
else
  build-tsan/tests/passage_tests --test-suite-exclude=statistical
  build-tsan/tests/passage_tests --test-suite=statistical \
    --test-case='determinism*,*-j1*,*thread*,posterior*,sa evaluate*,series*'
fi
