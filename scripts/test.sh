#!/usr/bin/env bash
# Set up, build (warnings are errors) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh -DPASSAGE_WERROR=ON
ctest --test-dir "${PASSAGE_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
