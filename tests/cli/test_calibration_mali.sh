#!/usr/bin/env bash
# Synthetic truth on the Mali model (issue 16, "verified on known answers"):
# observations made by the model itself at known values of the Gao monitoring
# point's coverage and the western route's weight are calibrated with ABC-SMC;
# over three seeds the true coverage (the leading parameter: the counts scale
# with it) lies inside the 95% credible interval, and the interval is narrower
# than the prior's. Then `run --posterior` of the result reproduces the
# observed count within its error. A small flow (3,000 migrants a year, 60 days
# of warm-up) keeps it under two minutes on 2 cores.
# Usage: test_calibration_mali.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
if ! /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  echo "SKIP: no h5py"
  exit 0
fi
MALI=$SRC/configs/mali-2016.yaml
SMALL=(--set parameters.flows.mali_route.annual_migrants=3000 --set warmup_days=60)
COV=parameters.monitoring_points.gao_fmp.coverage
WEST=parameters.segments.bamako_timbuktu.weight

# The truth: coverage 0.3, western-route weight 0.1; its model values are the
# mean of 16 replications (seed 7, not the calibration's seeds).
expect 0 "wrote truth.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" --set "$COV=0.3" --set "$WEST=0.1" -r 16 --seed 7 -o truth.h5
/usr/bin/python3 - <<'PY' || fail "could not write the synthetic observations"
import h5py
s = h5py.File("truth.h5")["series"]
year_arr = s["monitor_gao_fmp_arrivals"][...].sum(axis=1).mean()
year_dep = s["monitor_gao_fmp_departures"][...].sum(axis=1).mean()
cols = lambda n: "[" + ", ".join(f'"{n}[{p}]"' for p in range(12)) + "]"
with open("obs.yaml", "w") as f:
    f.write(f"""observations:
  description: synthetic - the model at coverage 0.3, western weight 0.1
  targets:
    - name: gao_arrivals_2016
      sum: {cols("monitor_gao_fmp_arrivals")}
      value: {round(year_arr)}
      source: synthetic
      error: {{model: poisson}}
    - name: gao_departures_2016
      sum: {cols("monitor_gao_fmp_departures")}
      value: {round(year_dep)}
      source: synthetic
      error: {{model: poisson}}
  sources:
    synthetic: {{title: "passage run at the known values (this test)", url: "-", accessed: "-"}}
""")
PY
cat > design.yaml <<YAML
description: the coverage and the western route's weight, as in configs/sa/mali-calibration.yaml
assumptions: false
parameters:
  $COV: {distribution: log_uniform, name: gao_coverage}
  $WEST: {distribution: uniform, name: timbuktu_route_weight}
replications: 2
YAML

for seed in 1 2 3; do
  expect 0 "wrote cal$seed.h5" -- "$PASSAGE" calibrate "$MALI" "${SMALL[@]}" --design design.yaml --observations obs.yaml --particles 100 --generations 4 -j 2 --seed $seed -o cal$seed.h5
  "$PASSAGE" report cal$seed.h5 --json > cal$seed.json
  /usr/bin/python3 - $seed <<'PY' && echo "ok: seed $seed recovers the true coverage" || fail "seed $seed: the true coverage is outside the 95% credible interval"
import json, sys
r = json.load(open(f"cal{sys.argv[1]}.json"))
p = {x["name"]: x for x in r["parameters"]}["gao_coverage"]
print(f"  coverage: truth 0.3, posterior mean {p['mean']:.4f}, 95% [{p['low95']:.4f}, {p['high95']:.4f}], width {p['width_ratio']:.2f} of the prior's")
assert p["low95"] <= 0.3 <= p["high95"]
assert p["width_ratio"] < 0.8  # the counts constrain it
PY
done

# The posterior predictive: a run under the posterior reproduces the observed
# yearly arrivals within 3 of the Poisson error's sd (the posterior's spread
# and the model's noise are smaller; mean of 40 replications).
expect 0 "wrote pp.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 40 -j 2 -o pp.h5 --posterior cal1.h5
/usr/bin/python3 - <<'PY' && echo "ok: the posterior predictive matches the observation" || fail "posterior predictive far from the observation"
import h5py, math, re
obs = float(re.search(r"value: (\d+)", open("obs.yaml").read()).group(1))
s = h5py.File("pp.h5")["series"]["monitor_gao_fmp_arrivals"][...]
pred = s.sum(axis=1).mean()
print(f"  yearly Gao arrivals: observed {obs:.0f}, posterior predictive mean {pred:.1f}")
assert abs(pred - obs) <= 3 * math.sqrt(obs)
PY
finish
