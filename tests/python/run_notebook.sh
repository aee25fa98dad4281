#!/usr/bin/env bash
# Execute a notebook end to end (jupyter nbconvert --execute) from the source
# tree's root, as a reader would run it; fails on the first cell that raises.
# Usage: run_notebook.sh NOTEBOOK   (PYTHONPATH: the build's package)
set -euo pipefail
NB=$(realpath "$1")
cd "${PASSAGE_SOURCE_DIR:-$(dirname "$0")/../..}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# Debian's kernel runs /usr/bin/python3; the notebook's own folder is its cwd
# unless told otherwise, so run it from the root where configs/ is.
jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=240 \
  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.cwd="$PWD" \
  --output-dir "$OUT" "$NB"
echo "ok: $(basename "$NB") ran to the end"
