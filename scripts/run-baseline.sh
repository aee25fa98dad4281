#!/usr/bin/env bash
# Set up, build, and run the bundled baseline scenario: prints a summary and
# writes results/<scenario>.h5. Extra arguments go to `passage run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
scripts/build.sh
BASELINE=${PASSAGE_BASELINE:-configs/mali-2016.yaml}
exec build/app/passage run "$BASELINE" --force "$@"
