#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (every test,
# the command-line ones included), and the unit, statistical and parallel tests
# under ThreadSanitizer (replications on std::threads: the system oneTBB is not
# instrumented). Part of CI (.ci/run). Assumes scripts/setup-debian.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
JOBS=$(nproc)

echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan "${GEN[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSAGE_SANITIZE=address \
  -DPASSAGE_BUILD_BENCH=OFF -DPASSAGE_PYTHON=OFF -DPASSAGE_WERROR=ON >/dev/null
cmake --build build-asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

echo "== ThreadSanitizer"
cmake -S . -B build-tsan "${GEN[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPASSAGE_SANITIZE=thread \
  -DPASSAGE_BUILD_BENCH=OFF -DPASSAGE_WITH_MPI=OFF -DPASSAGE_PYTHON=OFF -DPASSAGE_WERROR=ON >/dev/null
cmake --build build-tsan -j "$JOBS" --target passage_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/passage_tests
