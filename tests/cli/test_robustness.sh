#!/usr/bin/env bash
# Every class of bad input gets its exact message and exit code 2, and leaves no
# output file; runtime failures exit 1 and leave nothing partial.
# Usage: test_robustness.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
chmod 755 "$WORK"
trap 'chmod -R u+w "$WORK"; rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
MALI=$SRC/configs/mali-2016.yaml
line_of() {  # line_of REGEX: the line of the first match in the Mali file
  grep -n -m1 -E "$1" "$MALI" | cut -d: -f1
}
bad() {  # bad "--set ..." "exact message line"
  expect_line 2 "$2" -- "$PASSAGE" run "$MALI" --set "$1" -r 1 -o never.h5
}

# Unknown keys, with a did-you-mean.
bad "parameters.hubs.smuggling_hub.ghetto_fee_per_dya=5" "(--set parameters.hubs.smuggling_hub.ghetto_fee_per_dya=5):1:1: error: unknown key 'ghetto_fee_per_dya' in hub 'smuggling_hub'"
expect_line 2 "  hint: did you mean 'ghetto_fee_per_day'?" -- "$PASSAGE" validate "$MALI" --set parameters.hubs.smuggling_hub.ghetto_fee_per_dya=5
# Wrong types.
bad "parameters.cash.median=lots" "(--set parameters.cash.median=lots):1:1: error: median must be an amount of CFA in (0, 10^12], got 'lots'"
bad "parameters.segments.gao_labbezanga.closed=maybe" "(--set parameters.segments.gao_labbezanga.closed=maybe):1:1: error: closed must be true or false, got 'maybe'"
bad "parameters.places.gao.vehicles=date_truck" "(--set parameters.places.gao.vehicles=date_truck):1:1: error: vehicles of place 'gao' must be a list of vehicle ids"
# Probabilities outside [0, 1].
bad "parameters.bandits.zones.northern_bandits.kill_probability=1.5" "(--set parameters.bandits.zones.northern_bandits.kill_probability=1.5):1:1: error: kill_probability must be a probability in [0, 1], got 1.5"
# Shares that do not sum to 1.
bad "parameters.origins.guinea.share=0.5" "$MALI:$(line_of '^  origins:'):3: error: origin shares sum to 1.01, not 1"
# Negative rates, durations and counts.
bad "parameters.flows.mali_route.annual_migrants=-5" "(--set parameters.flows.mali_route.annual_migrants=-5):1:1: error: annual_migrants must be a number of migrants per year in [0, 10^9], got -5"
bad "parameters.hostage_takers.border_post_smugglers.pay_delay_days=-1" "(--set parameters.hostage_takers.border_post_smugglers.pay_delay_days=-1):1:1: error: pay_delay_days must be a number of days > 0, got -1"
bad "parameters.segments.bamako_gao.roadblocks.roadblock=-3" "(--set parameters.segments.bamako_gao.roadblocks.roadblock=-3):1:1: error: roadblock must be a whole number in [0, 10000], got -3"
# min > max.
bad "parameters.toll_points.roadblock.toll=[5000, 1000]" "(--set parameters.toll_points.roadblock.toll=[5000, 1000]):1:1: error: toll [5000, 1000] has min > max"
# Impossible distribution parameters.
bad "parameters.cash.sigma=7" "(--set parameters.cash.sigma=7):1:1: error: sigma must be a log-sd in [0, 5], got 7"
bad "parameters.vehicles.date_truck.capacity=[0, 10]" "(--set parameters.vehicles.date_truck.capacity=[0, 10]):1:2: error: capacity min must be a whole number of seats in [1, 100000], got 0"
bad "parameters.modes.bus.speed_km_per_day=0" "(--set parameters.modes.bus.speed_km_per_day=0):1:1: error: speed_km_per_day must be a speed in km per day > 0, got 0"
# Unknown place names.
bad "parameters.segments.gao_anefis.to=anefiz" "(--set parameters.segments.gao_anefis.to=anefiz):1:1: error: unknown place 'anefiz' in segment 'gao_anefis' to"
# Routes that cannot reach an exit, and a segment pointing the wrong way.
expect_line 2 "$MALI:$(line_of '^    conakry:'):5: error: no route leads from 'conakry' to the exit 'exited_niamey' (needed by destination 'niger')" -- \
  "$PASSAGE" run "$MALI" --set "parameters.places.niamey={exit: exited_niamey}" --set parameters.destinations.niger.exit=exited_niamey -o never.h5
expect_line 2 "$MALI:$(line_of '^    gao_labbezanga:'):5: error: no migrant can reach segment 'gao_labbezanga'" -- \
  "$PASSAGE" run "$MALI" --set parameters.segments.gao_labbezanga.from=labbezanga --set parameters.segments.gao_labbezanga.to=gao -o never.h5
# A network where a migrant could loop forever.
expect_line 2 "$MALI:$(line_of '^    bamako:'):5: error: the network has a cycle: bamako -> gao -> bamako" -- \
  "$PASSAGE" run "$MALI" --set "parameters.segments.gao_bamako={from: gao, to: bamako, mode: bus, distance_km: 1200}" -o never.h5
# ... and the runtime guard on steps per migrant (exit 1: it is found while running).
expect_line 1 "error: migrant 51 of replication 0 took more than 100000 steps, at Timeiawine on day 9.380276: the scenario lets a migrant loop (check retries and routes)" -- \
  "$PASSAGE" run "$MALI" -r 1 -o never.h5 --set parameters.borders.algerian_border.max_attempts=10000000 \
  --set parameters.borders.algerian_border.retry_probability=1 --set parameters.borders.algerian_border.retry_days=0 \
  --set parameters.borders.algerian_border.interception=1
# Horizons and replication counts that would overflow.
bad "horizon_days=1e9" "(--set horizon_days=1e9):1:1: error: horizon_days must be a horizon in days in (0, 36500], got 1000000000"
expect_line 2 "error: --replications: must be a whole number between 1 and 10^12, got '10000000000000'" -- "$PASSAGE" run "$MALI" -r 10000000000000 -o never.h5
# Every problem at once.
out=$("$PASSAGE" validate "$MALI" --set parameters.cash.sigma=7 --set parameters.bandits.zones.northern_bandits.kill_probability=2 --set parameters.hubs.smuggling_hub.foo=1 2>&1)
[ "$(grep -c ': error: ' <<<"$out")" = 3 ] && echo "ok: three problems reported together" || { fail "all at once"; echo "$out"; }
[ -e never.h5 ] && fail "an output file was written for bad input"

# Output safety: existing files, missing and read-only directories, a full disk.
"$PASSAGE" run "$MALI" -r 2 -q -o done.h5 --set parameters.flows.mali_route.annual_migrants=2000
expect_line 2 "error: 'done.h5' already exists" -- "$PASSAGE" run "$MALI" -r 2 -o done.h5
expect_line 2 "error: cannot write 'nodir/x.h5': directory 'nodir' does not exist" -- "$PASSAGE" run "$MALI" -r 2 -o nodir/x.h5
mkdir ro && chmod 555 ro
if command -v runuser >/dev/null && runuser -u nobody -- test -x "$PASSAGE" 2>/dev/null; then
  expect_line 2 "error: cannot write 'ro/x.h5': directory 'ro' is read-only" -- runuser -u nobody -- "$PASSAGE" run "$MALI" -r 2 -o ro/x.h5
else
  echo "SKIP: no unprivileged user to test a read-only directory"
fi
out=$(ulimit -f 30; "$PASSAGE" run "$MALI" -r 20 -q -o full.h5 --trace 3000 --set parameters.flows.mali_route.annual_migrants=3000 2>&1)
rc=$?
[ "$rc" = 1 ] && grep -q "File too large" <<<"$out" && echo "ok: a full disk is reported (exit 1)" || { fail "full disk: exit $rc"; echo "$out"; }
ls full.h5* >/dev/null 2>&1 && fail "a partial file was left after a failed write"

# report on a truncated or foreign file.
cp done.h5 cut.h5 && truncate -s 20000 cut.h5
out=$("$PASSAGE" report cut.h5 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "^error: cut.h5" <<<"$out" && echo "ok: a truncated file is reported" || { fail "truncated: exit $rc"; echo "$out"; }
printf 'x' > foreign.h5
expect_line 2 "error: foreign.h5: not an HDF5 file" -- "$PASSAGE" report foreign.h5

finish
