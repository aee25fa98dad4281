#!/usr/bin/env bash
# scripts/plot.py on small real run, compare, sensitivity, sweep and calibration files: exit
# codes and the PNG files it writes; then the pytest tests of passage.plot (tests/python/plot).
# Usage: test_plot.sh PASSAGE_BINARY SOURCE_DIR
# Skips (exit 0, printing SKIP) only when /usr/bin/python3 lacks h5py, numpy, scipy or matplotlib.
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
PY=/usr/bin/python3
PLOT=$SRC/scripts/plot.py

if ! [ -x "$PY" ] || ! "$PY" -c 'import h5py, numpy, scipy, matplotlib' 2>/dev/null; then
  echo "SKIP: $PY with h5py, numpy, scipy and matplotlib is needed (apt-get install python3-h5py python3-numpy python3-scipy python3-matplotlib)"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"

expect 0 "RESULT.h5" -- "$PY" "$PLOT" --help

# A small real run: 3 replications of a tenth of the flow.
"$PASSAGE" run "$SRC/configs/mali-2016.yaml" -r 3 -q \
  --set parameters.flows.mali_route.annual_migrants=3000 -o "$WORK/x.h5" ||
  { fail "passage run exited $?"; exit 1; }

expect 0 "wrote $WORK/plots/network.png" -- "$PY" "$PLOT" "$WORK/x.h5" -o "$WORK/plots"
# Every place of the scenario reaches the file with its coordinates: the map makes none up.
"$PY" -c '
import sys, h5py, numpy
p = h5py.File(sys.argv[1])["network/places"]
bad = [n.decode() for n, a, b in zip(p["id"][()], p["lat"][()], p["lon"][()])
       if not (numpy.isfinite(a) and numpy.isfinite(b))]
sys.exit("places without coordinates: " + ", ".join(bad) if bad else 0)
' "$WORK/x.h5" && echo "ok: every place in x.h5 has coordinates" ||
  fail "a place of configs/mali-2016.yaml has no coordinates"
for f in outcomes ledger hist_journey_days hist_hub_days hist_paid_per_migrant network; do
  png=$WORK/plots/$f.png
  if [ ! -s "$png" ]; then
    fail "$f.png missing or empty"
  elif [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    fail "$f.png is not a PNG file"
  else
    echo "ok: $f.png written"
  fi
done

# png NAME...: each $WORK/NAME is a non-empty PNG file.
png() {
  local f
  for f in "$@"; do
    if [ ! -s "$WORK/$f" ]; then
      fail "$f missing or empty"
    elif [ "$(head -c 8 "$WORK/$f" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
      fail "$f is not a PNG file"
    else
      echo "ok: $f written"
    fi
  done
}

# A tiny comparison: two policies, 3 paired replications of a tenth of the flow.
"$PASSAGE" compare "$SRC/configs/mali-2016.yaml" -r 3 -q -j 2 \
  --policy "$SRC/configs/policies/close_tal_handak.yaml" \
  --policy "$SRC/configs/policies/peace_settlement.yaml" \
  --set parameters.flows.mali_route.annual_migrants=3000 -o "$WORK/cmp.h5" ||
  fail "passage compare exited $?"
expect 0 "wrote $WORK/cmp/forest.png" -- "$PY" "$PLOT" "$WORK/cmp.h5" -o "$WORK/cmp"
png cmp/forest.png cmp/variance_reduction.png

# A tiny Sobol' analysis of Ishigami (N = 64: 320 points) and a Morris screening of G.
"$PASSAGE" sensitivity "$SRC/configs/verification/ishigami.yaml" -q -j 2 \
  --design "$SRC/configs/sa/ishigami.yaml" --method sobol -n 64 -o "$WORK/ish.h5" ||
  fail "passage sensitivity --method sobol exited $?"
expect 0 "wrote $WORK/ish/sobol_y.png" -- "$PY" "$PLOT" "$WORK/ish.h5" -o "$WORK/ish"
png ish/sobol_y.png
"$PASSAGE" sensitivity "$SRC/configs/verification/sobol_g.yaml" -q -j 2 \
  --design "$SRC/configs/sa/sobol_g.yaml" --method morris -n 10 -o "$WORK/g.h5" ||
  fail "passage sensitivity --method morris exited $?"
expect 0 "wrote $WORK/g/morris_y.png" -- "$PY" "$PLOT" "$WORK/g.h5" -o "$WORK/g"
png g/morris_y.png

# A sweep: one scatter grid.
"$PASSAGE" sweep "$SRC/configs/verification/ishigami.yaml" -q -j 2 \
  --design "$SRC/configs/sa/ishigami.yaml" --method lhs -n 50 -o "$WORK/sweep.h5" ||
  fail "passage sweep exited $?"
expect 0 "wrote $WORK/sweep/sweep.png" -- "$PY" "$PLOT" "$WORK/sweep.h5" -o "$WORK/sweep"
png sweep/sweep.png

# A calibration file (one parameter: no pairs plot, and the script says so).
"$PASSAGE" calibrate "$SRC/configs/verification/conjugate.yaml" -q -j 2 \
  --design "$SRC/configs/sa/conjugate.yaml" \
  --observations "$SRC/configs/observations/conjugate.yaml" -o "$WORK/cal.h5" ||
  fail "passage calibrate exited $?"
expect 0 "skipped pairs: a pairs plot needs two calibrated parameters" -- "$PY" "$PLOT" \
  "$WORK/cal.h5" -o "$WORK/cal"
png cal/marginals.png
png cal/predictive_sample_mean.png

# Files it cannot plot: exit 2 and a message saying why.
echo "plain text" > foreign.h5
expect 2 "not an HDF5 file" -- "$PY" "$PLOT" foreign.h5 -o "$WORK/never"
expect 2 "no such file" -- "$PY" "$PLOT" absent.h5 -o "$WORK/never"
"$PY" -c '
import h5py
with h5py.File("other.h5", "w") as f:
    f["x"] = [1, 2, 3]
with h5py.File("compare.h5", "w") as f:
    f.attrs["passage_version"] = "0.1.0"
    f.attrs["kind"] = "compare"
with h5py.File("sens.h5", "w") as f:
    f.attrs["passage_version"] = "0.1.0"
    f.attrs["kind"] = "sensitivity"
with h5py.File("cal.h5", "w") as f:
    f.attrs["passage_version"] = "0.1.0"
    f.attrs["kind"] = "calibration"
    f.create_group("parameters")
with h5py.File("future.h5", "w") as f:
    f.attrs["passage_version"] = "9.0.0"
    f.attrs["kind"] = "optimisation"
'
expect 2 "not a passage results file" -- "$PY" "$PLOT" other.h5 -o "$WORK/never"
expect 2 "no /comparison group" -- "$PY" "$PLOT" compare.h5 -o "$WORK/never"
expect 2 "damaged or incomplete sensitivity file" -- "$PY" "$PLOT" sens.h5 -o "$WORK/never"
expect 2 "damaged or incomplete calibration file: no /parameters/names" -- "$PY" "$PLOT" \
  cal.h5 -o "$WORK/never"
expect 2 "unknown kind of results file 'optimisation'" -- "$PY" "$PLOT" future.h5 -o "$WORK/never"
[ -e "$WORK/never" ] && fail "an output folder was made for a file that cannot be plotted"

# The figure functions of passage.plot (tests/python/plot), when pytest is here.
if "$PY" -c 'import pytest' 2>/dev/null; then
  if (cd "$SRC" && PYTHONPATH="$SRC/python" PASSAGE_BINARY="$PASSAGE" "$PY" -m pytest -q \
      -p no:cacheprovider tests/python/plot); then
    echo "ok: pytest tests/python/plot"
  else
    fail "pytest tests/python/plot"
  fi
else
  echo "note: python3-pytest is not installed; tests/python/plot not run"
fi

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all plot tests passed"
