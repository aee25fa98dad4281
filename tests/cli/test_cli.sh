#!/usr/bin/env bash
# End-to-end tests of the passage command line: exit codes, messages, files.
# Usage: test_cli.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fails=0

# expect CODE PATTERN -- command...: the exit code must be CODE and the combined
# output must contain PATTERN (a fixed string).
expect() {
  local code=$1 pattern=$2
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$code" ]; then
    echo "FAIL: '$*' exited $rc, expected $code"; echo "$out" | sed 's/^/    /'; fails=$((fails + 1)); return
  fi
  if ! grep -qF -- "$pattern" <<<"$out"; then
    echo "FAIL: '$*' output lacks: $pattern"; echo "$out" | sed 's/^/    /'; fails=$((fails + 1)); return
  fi
  echo "ok: $*"
}

MM1=$SRC/configs/verification/mm1.yaml

expect 0 "Try first" -- "$PASSAGE"
expect 0 "passage 0." -- "$PASSAGE" --version
expect 0 "--replications" -- "$PASSAGE" run --help
expect 2 "error:" -- "$PASSAGE" run
expect 2 "error:" -- "$PASSAGE" run "$MM1" --no-such-flag
expect 0 "OK: scenario 'mm1'" -- "$PASSAGE" validate "$MM1"

# A run writes a complete file and prints a summary.
expect 0 "mean_wait" -- "$PASSAGE" run "$MM1" -r 50 -o mm1.h5 --set parameters.customers=200
[ -f mm1.h5 ] || { echo "FAIL: mm1.h5 not written"; fails=$((fails + 1)); }
ls mm1.h5.tmp-* >/dev/null 2>&1 && { echo "FAIL: temporary file left behind"; fails=$((fails + 1)); }
expect 0 '"mean_wait": {"mean"' -- "$PASSAGE" report mm1.h5 --json
expect 0 "metric,unit,n,mean" -- "$PASSAGE" report mm1.h5 --csv
if command -v /usr/bin/python3 >/dev/null; then
  "$PASSAGE" report mm1.h5 --json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert set(d["metrics"]["mean_wait"]) >= {"mean","std","ci95_low","ci95_high","unit"}' \
    && echo "ok: report --json is valid JSON" || { echo "FAIL: report --json"; fails=$((fails + 1)); }
fi

# Existing results are not overwritten without --force.
expect 2 "already exists" -- "$PASSAGE" run "$MM1" -r 5 -o mm1.h5
expect 0 "wrote mm1.h5" -- "$PASSAGE" run "$MM1" -r 5 -o mm1.h5 --force --set parameters.customers=50
expect 2 "does not exist" -- "$PASSAGE" run "$MM1" -r 5 -o no/such/dir/x.h5
[ -e no/such/dir/x.h5 ] && { echo "FAIL: file written into a missing directory"; fails=$((fails + 1)); }

# Bad input: file:line:col, exit 2, no output file.
expect 2 "missing.yaml: error: cannot open file" -- "$PASSAGE" run missing.yaml -o never.h5
printf 'model: mm1\nparameters: {arrival_rate: 0.5, service_rate: [1\n' > malformed.yaml
expect 2 "malformed.yaml:3:1: error: malformed YAML" -- "$PASSAGE" run malformed.yaml -o never.h5
printf 'model: mm1\nparameters:\n  arrival_rate: -0.5\n  service_rate: 1.0\n  custmers: 10\n' > bad.yaml
expect 2 "bad.yaml:3:17: error: arrival_rate must be a number > 0, got -0.5" -- "$PASSAGE" run bad.yaml -o never.h5
expect 2 "did you mean 'customers'?" -- "$PASSAGE" validate bad.yaml
expect 2 "bad.yaml:2:1: error: missing key 'customers' in parameters" -- "$PASSAGE" validate bad.yaml
expect 2 "unknown key 'paramters'" -- "$PASSAGE" run "$MM1" --set paramters.arrival_rate=0.8 -o never.h5
expect 2 "arrival_rate must be a number > 0, got 'fast'" -- "$PASSAGE" run "$MM1" --set parameters.arrival_rate=fast -o never.h5
expect 2 "unknown model 'mm2'" -- "$PASSAGE" validate <(printf 'model: mm2\n')
[ -e never.h5 ] && { echo "FAIL: an output file was written for bad input"; fails=$((fails + 1)); }

# Reports on files that are not results.
echo "plain text" > foreign.h5
expect 1 "not an HDF5 file" -- "$PASSAGE" report foreign.h5
expect 1 "no such file" -- "$PASSAGE" report absent.h5

# -j1 and -j2 give identical /replications.
"$PASSAGE" run "$MM1" -r 40 -j 1 -q -o j1.h5 --set parameters.customers=300 &&
  "$PASSAGE" run "$MM1" -r 40 -j 2 -q -o j2.h5 --set parameters.customers=300
if command -v h5diff >/dev/null; then
  h5diff j1.h5 j2.h5 /replications /replications && echo "ok: -j1 and -j2 /replications identical" ||
    { echo "FAIL: -j1 and -j2 differ"; fails=$((fails + 1)); }
  h5diff j1.h5 j2.h5 /summary /summary && echo "ok: -j1 and -j2 /summary identical" ||
    { echo "FAIL: -j1 and -j2 summaries differ"; fails=$((fails + 1)); }
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]
