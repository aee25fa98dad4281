#!/usr/bin/env bash
# Execute a notebook end to end (jupyter nbconvert --execute) from the source
# tree's root, as a reader would run it; fails on the first cell that raises.
# Usage: run_notebook.sh NOTEBOOK   (PYTHONPATH: the build's package)
set -euo pipefail
NB=$(realpath "$1")
cd "${PASSAGE_SOURCE_DIR:-$(dirname "$0")/../..}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# Debian's kernel runs /usr/bin/python3 in the notebook's folder (the notebook
# moves to the root itself): the package's path must be absolute.
PP=()
IFS=: read -ra PP <<<"${PYTHONPATH:-}"
ABS=""
for p in "${PP[@]}"; do ABS="$ABS${ABS:+:}$(realpath -m "$p")"; done
PYTHONPATH=$ABS jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=240 \
  --ExecutePreprocessor.kernel_name=python3 --output-dir "$OUT" "$NB"
echo "ok: $(basename "$NB") ran to the end"
