#!/usr/bin/env bash
# Configure and build passage in build/ (Release). Extra arguments go to cmake's
# configure step, e.g. scripts/build.sh -DPASSAGE_WERROR=ON
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${PASSAGE_BUILD_DIR:-build}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake -S . -B "$BUILD" "$@"
fi
cmake --build "$BUILD" -j "$(nproc)"
