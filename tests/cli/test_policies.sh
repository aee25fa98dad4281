#!/usr/bin/env bash
# The policies of configs/policies/ (issue 15 item 4): each validates; with route choice
# by utility on (full information) each of the re-expressed ones moves what its file
# claims, with paired 95% intervals (`passage compare`); the displacement table of
# `passage report` (item 5) names where the closed way's migrants went.
# Usage: test_policies.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
MALI=$SRC/configs/mali-2016.yaml
POL=$SRC/configs/policies

for p in "$POL"/*.yaml; do
  expect 0 "OK: scenario 'mali-2016'" -- "$PASSAGE" validate "$MALI" --policy "$p"
done

# A small route (6,000 a year), 6 paired replications, smugglers and migrants weigh the
# risks (full information). Every claim below is a 95% interval that excludes 0.
CHOICE='parameters.choice={weights: {attack: 10, death: 10, kidnapping: 10, interception: 10}}'
expect 0 "wrote c.h5" -- "$PASSAGE" compare "$MALI" --set parameters.flows.mali_route.annual_migrants=6000 \
  --set "$CHOICE" -r 6 -j 2 -o c.h5 \
  --policy "$POL/close_kidal_road.yaml" --policy "$POL/timeiawine_strictness.yaml" \
  --policy "$POL/peace_settlement_north.yaml" --policy "$POL/origin_action.yaml"
"$PASSAGE" report c.h5 --json > c.json
/usr/bin/python3 - <<'PY' && echo "ok: each policy moves what it claims" || { echo "FAIL: policy claims"; fails=$((fails + 1)); }
import json
d = json.load(open("c.json"))["policies"]
def down(p, m):
    assert d[p][m]["diff_ci95_high"] < 0, (p, m, d[p][m])
def up(p, m):
    assert d[p][m]["diff_ci95_low"] > 0, (p, m, d[p][m])
# A closure with its detour: the Kidal road's traffic goes to Tal Handak.
down("close_kidal_road", "flow_anefis_kidal")
up("close_kidal_road", "flow_anefis_tal_handak")
# Stricter Algerian controls at Timeiawine displace convoys to the other crossings.
down("timeiawine_strictness", "flow_aguelhok_timeiawine")
up("timeiawine_strictness", "flow_kidal_tin_zaouatene")
# A settlement: fewer attacks, less for the armed groups, fewer hostages.
down("peace_settlement_north", "convoy_attacks")
down("peace_settlement_north", "revenue_kind_armed_group")
down("peace_settlement_north", "abducted")
# Action in origin countries: fewer departures, fewer arrivals and deaths' exposure.
down("origin_action", "migrants")
down("origin_action", "arrived_algeria")
PY
# The displacement table of the closure (policy - baseline of the flow_ metrics).
expect 0 "from anefis_kidal (lost" -- "$PASSAGE" report c.h5
expect 0 "anefis_tal_handak (gained" -- "$PASSAGE" report c.h5

# The information half of action in origin countries: only with rumours (exit 2 and
# the missing key without); with them, priors at the true risks and news twice as fast
# move convoys off the Kidal road (the riskier one) to Tal Handak.
INFO=$POL/rumours/origin_information.yaml
RUMOURS='parameters.choice={weights: {attack: 10, death: 10, kidnapping: 10, interception: 10}, information: {delay_days: 14, memory_days: 60, prior_weight: 20, prior_scale: 0.5}}'
expect 2 "unknown key 'choice' under 'parameters'" -- "$PASSAGE" validate "$MALI" --policy "$INFO"
expect 0 "wrote i.h5" -- "$PASSAGE" compare "$MALI" --set parameters.flows.mali_route.annual_migrants=6000 \
  --set "$RUMOURS" -r 6 -j 2 -o i.h5 --policy "$INFO"
"$PASSAGE" report i.h5 --json > i.json
/usr/bin/python3 - <<'PY' && echo "ok: better information moves flow off the Kidal road" || { echo "FAIL: information"; fails=$((fails + 1)); }
import json
d = json.load(open("i.json"))["policies"]["origin_information"]
assert d["flow_anefis_kidal"]["diff_ci95_high"] < 0, d["flow_anefis_kidal"]
assert d["flow_anefis_tal_handak"]["diff_ci95_low"] > 0, d["flow_anefis_tal_handak"]
PY

finish
