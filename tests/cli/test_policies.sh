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

# Markets that respond (issue 15 items 3-4), on the same small route, 6 paired
# replications; every claim a 95% interval that excludes 0.
SMALL=parameters.flows.mali_route.annual_migrants=6000
# Smuggler arrests with replacement (the small route's Gao earns about 300,000 CFA a
# day in passeur fees): fewer arrivals, more paid to the passeurs still working; and
# the replacement responds: networks replaced in 15 days on average (at the reference
# profit) bring more migrants to Algeria than networks replaced in 240 days.
SA=$POL/smuggler_arrests.yaml
REF=policies.smuggler_arrests.parameters.reference_profit=300000
expect 0 "wrote sa.h5" -- "$PASSAGE" compare "$MALI" --set "$SMALL" --set "$REF" -r 6 -j 2 -o sa.h5 --policy "$SA"
"$PASSAGE" report sa.h5 --json > sa.json
expect 0 "wrote fast.h5" -- "$PASSAGE" run "$MALI" --set "$SMALL" --set "$REF" -r 6 -j 2 -o fast.h5 --policy "$SA" \
  --set policies.smuggler_arrests.parameters.rate0=0.0667
expect 0 "wrote slow.h5" -- "$PASSAGE" run "$MALI" --set "$SMALL" --set "$REF" -r 6 -j 2 -o slow.h5 --policy "$SA" \
  --set policies.smuggler_arrests.parameters.rate0=0.00417
# Border control with Malian posts at Tin Zaouatene and Tal Handak (and Algerian
# strictness): convoys move off Kidal - Tin Zaouatene to Aguelhok - Timeiawine, whose
# post is Algerian; the Malian state takes more. Passport crackdown on a small rental
# stock (300): more stockouts, fewer rentals, and issuance follows demand (more
# newly issued papers than today); the issuance cut itself (against the same policy
# with crackdown 0) leaves more migrants without papers, and more are intercepted.
POOL=parameters.passport_markets.false_malian_passports.pool=300
expect 0 "wrote bc.h5" -- "$PASSAGE" compare "$MALI" --set "$SMALL" --set "$CHOICE" --set "$POOL" -r 6 -j 2 -o bc.h5 \
  --policy "$POL/border_control.yaml" --policy "$POL/passport_crackdown.yaml"
"$PASSAGE" report bc.h5 --json > bc.json
expect 0 "wrote nocut.h5" -- "$PASSAGE" run "$MALI" --set "$SMALL" --set "$CHOICE" --set "$POOL" -r 6 -j 2 -o nocut.h5 \
  --policy "$POL/passport_crackdown.yaml" --set policies.passport_crackdown.parameters.crackdown=0
expect 0 "wrote cut.h5" -- "$PASSAGE" run "$MALI" --set "$SMALL" --set "$CHOICE" --set "$POOL" -r 6 -j 2 -o cut.h5 \
  --policy "$POL/passport_crackdown.yaml"
/usr/bin/python3 - <<'PY' && echo "ok: the markets respond as the policies claim" || { echo "FAIL: markets"; fails=$((fails + 1)); }
import json
import h5py
import numpy as np
from scipy import stats
sa = json.load(open("sa.json"))["policies"]["smuggler_arrests"]
assert sa["arrived_algeria"]["diff_ci95_high"] < 0, sa["arrived_algeria"]
assert sa["revenue_kind_smuggler"]["diff_ci95_low"] > 0, sa["revenue_kind_smuggler"]
d = json.load(open("bc.json"))["policies"]
bc, pc = d["border_control"], d["passport_crackdown"]
assert bc["flow_kidal_tin_zaouatene"]["diff_ci95_high"] < 0, bc["flow_kidal_tin_zaouatene"]
assert bc["flow_aguelhok_timeiawine"]["diff_ci95_low"] > 0, bc["flow_aguelhok_timeiawine"]
assert bc["revenue_kind_state"]["diff_ci95_low"] > 0, bc["revenue_kind_state"]
assert pc["passport_stockouts"]["diff_ci95_low"] > 0, pc["passport_stockouts"]
assert pc["passports_rented"]["diff_ci95_high"] < 0, pc["passports_rented"]
assert pc["papers_issued"]["diff_ci95_low"] > 0, pc["papers_issued"]
def paired(a, b, m):
    # the per-replication difference (same seeds: paired), its 95% interval
    x = h5py.File(a)["replications"][m][:] - h5py.File(b)["replications"][m][:]
    h = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
    return x.mean() - h, x.mean() + h
lo, hi = paired("fast.h5", "slow.h5", "arrived_algeria")
assert lo > 0, ("replacement: fast - slow arrivals", lo, hi)
lo, hi = paired("cut.h5", "nocut.h5", "passport_stockouts")
assert lo > 0, ("issuance cut: cut - no cut stockouts", lo, hi)
lo, hi = paired("cut.h5", "nocut.h5", "intercepted")
assert lo > 0, ("issuance cut: cut - no cut interceptions", lo, hi)
PY

finish
