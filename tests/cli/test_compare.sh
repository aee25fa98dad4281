#!/usr/bin/env bash
# End-to-end tests of `passage run --policy` and `passage compare`.
# Usage: test_compare.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
MALI=$SRC/configs/mali-2016.yaml
SMALL=(--set parameters.flows.mali_route.annual_migrants=4000)

# Policies validate and run; the file records them.
expect 0 "OK: scenario 'mali-2016'" -- "$PASSAGE" validate "$MALI" --policy "$SRC/configs/policies/peace_settlement.yaml"
expect 0 "wrote p.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 3 -o p.h5 --policy "$SRC/configs/policies/close_tal_handak.yaml"
if command -v h5dump >/dev/null; then
  h5dump -a /overlays p.h5 | grep -q close_tal_handak.yaml && echo "ok: overlays recorded" ||
    { echo "FAIL: overlays not recorded"; fails=$((fails + 1)); }
fi

# A policy that adds a part with metrics of its own (a fleet) cannot be paired
# metric by metric: refused, naming the metrics it adds and the way round.
cat > fleet.yaml <<'YAML'
policy: fleet
changes:
  - set: {parameters.vehicles.date_truck.fleet: {trucks: 3, return_days: 6}}
YAML
expect 2 "policy 'fleet' changes the model's outputs: it adds fleet_wait_timbuktu_ber_tal_handak, fleet_lost_timbuktu_ber_tal_handak" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" --policy fleet.yaml -r 2 -o never.h5
expect 2 "give the baseline the same part where it changes nothing" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" --policy fleet.yaml -r 2 -o never.h5
[ ! -e never.h5 ] || fail "a refused compare wrote never.h5"

# An overlay that changes nothing: every difference is exactly zero.
cat > null.yaml <<'YAML'
policy: nothing
changes:
  - scale: {parameters.bandits.hazard_scale: 1}
YAML
expect 0 "wrote c.h5" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" --policy null.yaml -r 4 -o c.h5
"$PASSAGE" report c.h5 --json > c.json
/usr/bin/python3 - <<'PY' && echo "ok: null policy gives zero differences; JSON shape" || { echo "FAIL: null policy"; fails=$((fails + 1)); }
import json
d = json.load(open("c.json"))
p = d["policies"]["nothing"]
assert set(p["died"]) >= {"diff_mean", "diff_ci95_low", "diff_ci95_high", "ratio_mean"}, p["died"]
assert all(v["diff_mean"] == 0 and v["diff_ci95_low"] == 0 and v["diff_ci95_high"] == 0 for v in p.values())
assert "nothing" in d["variance_reduction"]
PY
expect 0 "policy,metric,unit" -- "$PASSAGE" report c.h5 --csv

# Stopping on the contrast: batches until the interval is narrow enough.
expect 0 "met after 3 replications: died:diff_halfwidth=1000" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" --policy "$SRC/configs/policies/peace_settlement.yaml" -r 3 --until died:diff_halfwidth=1000 -o u.h5
expect 0 "max-replications 6 reached" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" --policy "$SRC/configs/policies/peace_settlement.yaml" -r 3 --until died:diff_halfwidth=0.001 --max-replications 6 -o m.h5

# Errors: exit 2, the overlay's file:line:col.
printf 'policy: bad\nchanges:\n  - close: [tal_handk]\n' > bad.yaml
expect 2 "bad.yaml:3:13: error: unknown place or segment 'tal_handk'" -- "$PASSAGE" compare "$MALI" --policy bad.yaml -r 2 -o never.h5
expect 2 "compare needs at least one --policy" -- "$PASSAGE" compare "$MALI" -r 2 -o never.h5
expect 2 "unknown trigger" -- "$PASSAGE" compare "$MALI" --policy null.yaml --until died:width=3 -o never.h5
expect 2 "missing.yaml: error: cannot open policy file" -- "$PASSAGE" run "$MALI" --policy missing.yaml -o never.h5
[ -e never.h5 ] && { echo "FAIL: an output file was written for bad input"; fails=$((fails + 1)); }

finish
