#!/usr/bin/env bash
# `cmake --install` into a scratch prefix gives an importable package.
# Usage: test_install.sh BUILD_DIR SOURCE_DIR PYTHON INSTALL_DIR(relative)
set -euo pipefail
BUILD=$1 SRC=$2 PY=$3 REL=$4
PREFIX=$(mktemp -d)
trap 'rm -rf "$PREFIX"' EXIT
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
cd "$PREFIX"
env -u PYTHONPATH PYTHONPATH="$PREFIX/$REL" "$PY" -c "
import passage, os
assert passage.__file__.startswith('$PREFIX'), passage.__file__
r = passage.run('$SRC/configs/verification/mm1.yaml', replications=2, seed=1)
assert r.summary is not None and len(r.summary) > 0
print('ok: installed package at', os.path.dirname(passage.__file__), 'runs', r.attrs['model'])
"
[ -x "$PREFIX/bin/passage" ] || { echo "FAIL: bin/passage not installed"; exit 1; }
