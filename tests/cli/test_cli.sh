#!/usr/bin/env bash
# End-to-end tests of the passage command line: exit codes, messages, files.
# Usage: test_cli.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"

# expect CODE PATTERN -- command...: the exit code must be CODE and the combined
# output must contain PATTERN (a fixed string).

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
# A corridor run says which days its figures cover (after the warm-up); one without a
# warm-up says nothing of it.
"$PASSAGE" run "$SRC/configs/mali-2016.yaml" -r 2 -q -o mali.h5 --set parameters.flows.mali_route.annual_migrants=500 --set warmup_days=100
expect 0 "figures cover days 0-365, after a warm-up of 100 days (simulated, not counted)" -- "$PASSAGE" report mali.h5
"$PASSAGE" report mm1.h5 | grep -q "warm-up" && { echo "FAIL: a warm-up line without a warm-up"; fails=$((fails + 1)); } || echo "ok: no warm-up line without a warm-up"
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
expect 2 "missing.yaml: error: cannot open scenario file" -- "$PASSAGE" run missing.yaml -o never.h5
printf 'model: mm1\nparameters: {arrival_rate: 0.5, service_rate: [1\n' > malformed.yaml
expect 2 "malformed.yaml:3:1: error: malformed YAML" -- "$PASSAGE" run malformed.yaml -o never.h5
printf 'model: mm1\nparameters:\n  arrival_rate: -0.5\n  service_rate: 1.0\n  custmers: 10\n' > bad.yaml
expect 2 "bad.yaml:3:17: error: arrival_rate must be a number > 0, got -0.5" -- "$PASSAGE" run bad.yaml -o never.h5
expect 2 "did you mean 'customers'?" -- "$PASSAGE" validate bad.yaml
expect 2 "bad.yaml:2:1: error: missing key 'customers' in parameters" -- "$PASSAGE" validate bad.yaml
expect 2 "unknown key 'paramters'" -- "$PASSAGE" run "$MM1" --set paramters.arrival_rate=0.8 -o never.h5
expect 2 "arrival_rate must be a number > 0, got 'fast'" -- "$PASSAGE" run "$MM1" --set parameters.arrival_rate=fast -o never.h5
expect 2 "unknown model 'mm2'" -- "$PASSAGE" validate <(printf 'model: mm2\n')
# Source tags cite a source declared under sources:, by id; the old forms are refused
# with the new form named.
cat > sources.yaml <<'EOF'
model: mm1
sources:
  - {id: kleinrock1975, kind: other, author: Leonard Kleinrock, year: 1975, title: Queueing Systems}
parameters:
  arrival_rate: {value: 0.5, source: "report §3.2: the old form"}
  service_rate: {value: 1.0, source: "kleinrok1975 §3.2"}
  customers: {value: 10, source: "kleinrock1975 p. 94"}
EOF
expect 2 'sources.yaml:5:38: error: old-style source tag "report §3.2: the old form": a tag now starts with a source id' -- "$PASSAGE" validate sources.yaml
expect 2 "hint: write source: \"<id> §3.2: the old form\", the id naming an entry of the top-level 'sources:' list (id, kind: report, author, year, title); declared sources: kleinrock1975" -- "$PASSAGE" validate sources.yaml
expect 2 "sources.yaml:6:38: error: unknown source 'kleinrok1975'" -- "$PASSAGE" run sources.yaml -o never.h5
expect 2 "hint: did you mean 'kleinrock1975'? declared sources: kleinrock1975" -- "$PASSAGE" validate sources.yaml
sed -i -e 's/report §3.2: the old form/kleinrock1975 §3.2/' -e 's/kleinrok1975/kleinrock1975/' sources.yaml
expect 0 "OK: scenario 'sources'" -- "$PASSAGE" validate sources.yaml
# A policy overlay's tags cite the scenario's sources; a mistake points into the overlay.
cat > old_policy.yaml <<'EOF'
policy: old_tags
parameters:
  k: {value: 2, source: "report §2: the old form"}
changes:
  - {from_day: 10, scale: {parameters.bandits.hazard_scale: $k}}
EOF
expect 2 'old_policy.yaml:3:25: error: old-style source tag "report §2: the old form"' -- "$PASSAGE" validate "$SRC/configs/mali-2016.yaml" --policy old_policy.yaml
expect 2 'hint: write source: "molenaar2017 §2: the old form"' -- "$PASSAGE" validate "$SRC/configs/mali-2016.yaml" --policy old_policy.yaml
sed -i 's/report §2/molenaar2017 §2/' old_policy.yaml
expect 0 "OK: scenario 'mali-2016'" -- "$PASSAGE" validate "$SRC/configs/mali-2016.yaml" --policy old_policy.yaml
[ -e never.h5 ] && { echo "FAIL: an output file was written for bad input"; fails=$((fails + 1)); }

# Reports on files that are not results.
echo "plain text" > foreign.h5
expect 2 "not an HDF5 file" -- "$PASSAGE" report foreign.h5
expect 2 "no such file" -- "$PASSAGE" report absent.h5

# -j1 and -j2 give identical /replications.
"$PASSAGE" run "$MM1" -r 40 -j 1 -q -o j1.h5 --set parameters.customers=300 &&
  "$PASSAGE" run "$MM1" -r 40 -j 2 -q -o j2.h5 --set parameters.customers=300
if command -v h5diff >/dev/null; then
  h5diff j1.h5 j2.h5 /replications /replications && echo "ok: -j1 and -j2 /replications identical" ||
    { echo "FAIL: -j1 and -j2 differ"; fails=$((fails + 1)); }
  h5diff j1.h5 j2.h5 /summary /summary && echo "ok: -j1 and -j2 /summary identical" ||
    { echo "FAIL: -j1 and -j2 summaries differ"; fails=$((fails + 1)); }
fi

# Sweeps and sensitivity analysis (docs/sensitivity.md).
ISH=$SRC/configs/verification/ishigami.yaml
ISHD=$SRC/configs/sa/ishigami.yaml
G=$SRC/configs/verification/sobol_g.yaml
GD=$SRC/configs/sa/sobol_g.yaml
expect 0 "--design" -- "$PASSAGE" sensitivity --help
expect 0 "Sobol' indices of 3 parameters" -- "$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method sobol -n 512 -o ish.h5
[ -f ish.h5 ] || { echo "FAIL: ish.h5 not written"; fails=$((fails + 1)); }
ls ish.h5.tmp-* >/dev/null 2>&1 && { echo "FAIL: temporary file left behind"; fails=$((fails + 1)); }
expect 0 "convergence: max |S1(N) - S1(N/2)|" -- "$PASSAGE" report ish.h5
expect 0 '"indices": {"y": {"x1": {"S1": ' -- "$PASSAGE" report ish.h5 --json
expect 0 "output,parameter,S1,S1_ci95_low" -- "$PASSAGE" report ish.h5 --csv
expect 0 "mu*" -- "$PASSAGE" sensitivity "$G" --design "$GD" --method morris -n 20 -o g.h5 --set "parameters.a=[0, 1, 4.5, 9, 99]"
expect 0 "sweep (lhs) of 3 parameters" -- "$PASSAGE" sweep "$ISH" --design "$ISHD" --method lhs -n 50 -r 2 -o sweep.h5 --set parameters.noise_sd=1
# Without -o, a sweep and an analysis of the same method write different files.
expect 0 "results/ishigami-sweep-sobol.h5" -- "$PASSAGE" sweep "$ISH" --design "$ISHD" --method sobol -n 16
expect 0 "results/ishigami-sobol.h5" -- "$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method sobol -n 64
[ -f results/ishigami-sweep-sobol.h5 ] && [ -f results/ishigami-sobol.h5 ] \
  && echo "ok: default names of sweep and sensitivity differ" || fail "default output names"
expect 0 "results/<scenario>-sweep-<method>.h5" -- "$PASSAGE" sweep --help
expect 0 "noise share" -- "$PASSAGE" report sweep.h5
if command -v /usr/bin/python3 >/dev/null; then
  "$PASSAGE" report ish.h5 --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"] == "sensitivity" and d["method"] == "sobol"
for p in ("x1", "x2", "x3"):
    e = d["indices"]["y"][p]
    assert set(e) == {"S1", "S1_ci95", "ST", "ST_ci95"}, e
    assert len(e["S1_ci95"]) == 2 and len(e["ST_ci95"]) == 2
    assert e["S1_ci95"][0] <= e["S1"] <= e["S1_ci95"][1]
assert d["indices"]["y"]["x1"]["ST"] > d["indices"]["y"]["x3"]["ST"]
assert "noise_share" in d["outputs"]["y"] and "convergence" in d["outputs"]["y"]' \
    && echo "ok: sensitivity --json shape (sobol)" || { echo "FAIL: sensitivity --json (sobol)"; fails=$((fails + 1)); }
  "$PASSAGE" report g.h5 --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [d["indices"]["y"]["x%d" % i]["mu_star"] for i in range(1, 6)]
assert m == sorted(m, reverse=True), m
assert {"mu_star", "sigma"} <= set(d["indices"]["y"]["x1"])' \
    && echo "ok: sensitivity --json shape (morris) and ranking" || { echo "FAIL: sensitivity --json (morris)"; fails=$((fails + 1)); }
  "$PASSAGE" report sweep.h5 --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kind"] == "sweep" and d["points"] == 50 and d["replications"] == 2
assert 0 < d["outputs"]["y"]["noise_share"] < 1' \
    && echo "ok: sweep --json" || { echo "FAIL: sweep --json"; fails=$((fails + 1)); }
fi
if command -v h5ls >/dev/null; then
  h5ls sweep.h5/design/inputs | grep -qF "{50, 3}" && h5ls sweep.h5/outputs/y | grep -qF "{50, 2}" \
    && echo "ok: sweep stores inputs and outputs as matrices" || { echo "FAIL: sweep matrices"; fails=$((fails + 1)); }
fi

# Failed points are counted, not fatal; a design where every point fails is.
printf 'parameters:\n  parameters.x1: {range: [-3, 3]}\n  parameters.noise_sd: {range: [-1, 1]}\n' > noisy.yaml
expect 0 "points failed and are left out" -- "$PASSAGE" sensitivity "$ISH" --design noisy.yaml --method sobol -n 64 -r 2 -o failed.h5
"$PASSAGE" report failed.h5 --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert 0 < d["failed"] < d["points"] and len(d["failures"]) == d["failed"]
assert "noise_sd must be a number >= 0" in d["failures"][0]["reason"]' \
  && echo "ok: failed points listed with their reason" || { echo "FAIL: failed points"; fails=$((fails + 1)); }
printf 'parameters:\n  parameters.noise_sd: {range: [-2, -1]}\n' > allfail.yaml
expect 1 "every design point failed" -- "$PASSAGE" sweep "$ISH" --design allfail.yaml --method lhs -n 8 -o allfail.h5

# Bad input: exit 2, file:line:col, no output file.
printf 'parameters:\n  parameters.x1: {distribution: unifrom, range: [0, 1]}\n' > baddesign.yaml
expect 2 "baddesign.yaml:2:33: error: unknown distribution 'unifrom'" -- "$PASSAGE" sensitivity "$ISH" --design baddesign.yaml --method sobol -o never.h5
expect 2 "did you mean 'uniform'?" -- "$PASSAGE" sweep "$ISH" --design baddesign.yaml --method lhs -n 4 -o never.h5
printf 'parameters:\n  parameters.x1: {range: [0, 1]}\noutputs: [yy]\n' > badout.yaml
expect 2 "badout.yaml:3:11: error: unknown output 'yy'" -- "$PASSAGE" sensitivity "$ISH" --design badout.yaml --method morris -o never.h5
expect 2 "nodesign.yaml: error: cannot open design file" -- "$PASSAGE" sensitivity "$ISH" --design nodesign.yaml --method sobol -o never.h5
expect 2 "error:" -- "$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method saltelli -o never.h5
expect 2 "sweep needs -n" -- "$PASSAGE" sweep "$ISH" --design "$ISHD" --method grid -o never.h5
expect 2 "already exists" -- "$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method sobol -n 64 -o ish.h5
[ -e never.h5 ] && { echo "FAIL: an output file was written for bad input"; fails=$((fails + 1)); }

# -j1 and -j2 give identical design runs and indices.
"$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method sobol -n 256 -r 2 -q -j 1 -o sa1.h5 --set parameters.noise_sd=1 &&
  "$PASSAGE" sensitivity "$ISH" --design "$ISHD" --method sobol -n 256 -r 2 -q -j 2 -o sa2.h5 --set parameters.noise_sd=1
if command -v h5diff >/dev/null; then
  h5diff sa1.h5 sa2.h5 /outputs /outputs && h5diff sa1.h5 sa2.h5 /indices /indices &&
    echo "ok: sensitivity -j1 and -j2 identical" || { echo "FAIL: sensitivity -j1 and -j2 differ"; fails=$((fails + 1)); }
fi

# Time series (mm1 with a horizon: `served` per period, 10 periods of 20 days).
MSER=(--set horizon_days=200 --set parameters.customers=100000)
expect 0 "wrote ser.h5" -- "$PASSAGE" run "$MM1" "${MSER[@]}" -r 20 -j 2 -o ser.h5
"$PASSAGE" report ser.h5 > plain.txt
grep -q "series" plain.txt && fail "report without --series shows series" || echo "ok: report unchanged without --series"
expect_line 0 "series served (customers): customers whose service ended in the period" -- "$PASSAGE" report ser.h5 --series
[ "$("$PASSAGE" report ser.h5 --series | grep -cE '^ +[0-9]+  [0-9]')" = 10 ] && echo "ok: one line per period" ||
  fail "report --series: not 10 period lines"
expect_line 0 "series,unit,period,start,end,n,mean,std,ci95_low,ci95_high" -- "$PASSAGE" report ser.h5 --series --csv
expect_line 0 "metric,unit,n,mean,std,ci95_low,ci95_high" -- "$PASSAGE" report ser.h5 --csv
"$PASSAGE" report ser.h5 --json > ser.json
"$PASSAGE" report ser.h5 --series --csv > ser.csv
/usr/bin/python3 - <<'PY' && echo "ok: series in --json and --csv agree with the file" || fail "series JSON/CSV"
import csv, json
import h5py, numpy as np
d = json.load(open("ser.json"))
s = d["series"]["served"]
f = h5py.File("ser.h5", "r")
x = f["series/served"][()]
assert x.shape == (20, 10)
assert s["edges"] == f["series/edges"][()].tolist()
assert np.allclose(s["mean"], x.mean(axis=0), rtol=1e-12, atol=0)
assert all(lo <= m <= hi for lo, m, hi in zip(s["ci95_low"], s["mean"], s["ci95_high"]))
assert "served[0]" not in d["metrics"] and "served" in d["metrics"]
rows = list(csv.DictReader(open("ser.csv")))
assert [int(r["period"]) for r in rows] == list(range(10))
assert np.allclose([float(r["mean"]) for r in rows], s["mean"], rtol=1e-12)
assert float(rows[3]["start"]) == 60 and float(rows[3]["end"]) == 80
PY
"$PASSAGE" run "$MM1" --set parameters.customers=100 -r 2 -q -o noser.h5
expect_line 0 "no time series in this file (the model declares none for this scenario)" -- "$PASSAGE" report noser.h5 --series
# A comparison keeps its plain metrics; each arm has its series.
cat > busier.yaml <<'YAML'
policy: busier
changes:
  - scale: {parameters.arrival_rate: 1.5}
YAML
expect 0 "wrote serc.h5" -- "$PASSAGE" compare "$MM1" "${MSER[@]}" --policy busier.yaml -r 6 -o serc.h5
expect 0 "arm busier:" -- "$PASSAGE" report serc.h5 --series
expect 0 "policy,metric,unit" -- "$PASSAGE" report serc.h5 --csv
"$PASSAGE" report serc.h5 --csv --all | grep -q 'served\[' && fail "series columns in the comparison" ||
  echo "ok: no series column in the comparison"
expect 2 "--series --csv reads a run file" -- "$PASSAGE" report serc.h5 --series --csv

finish
