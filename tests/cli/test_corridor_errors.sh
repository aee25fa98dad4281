#!/usr/bin/env bash
# The corridor format's misplacements (issue 13, item 8): every key or part that
# would have no effect where it stands, every wrong id and every old key is
# refused with exit 2 and a message at the file:line:col of the offending key
# or value; the unused part groups are optional.
# Usage: test_corridor_errors.sh PASSAGE_BINARY SOURCE_DIR
#
# A check the compiler does not make yet sits behind a KNOWN_GAP_... variable
# (1: skipped and reported; run with KNOWN_GAP_X=0 to see it fail, and set the
# default to 0 once the C++ refuses the case).
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
MALI=$SRC/configs/mali-2016.yaml
KNOWN_GAP_PART_INSIDE_LINE=${KNOWN_GAP_PART_INSIDE_LINE:-0}
KNOWN_GAP_PART_AT_UNREACHED_PLACE=${KNOWN_GAP_PART_AT_UNREACHED_PLACE:-0}
KNOWN_GAP_VEHICLE_WITHOUT_LINE=${KNOWN_GAP_VEHICLE_WITHOUT_LINE:-0}
KNOWN_GAP_DEPORT_TO_EXIT=${KNOWN_GAP_DEPORT_TO_EXIT:-0}
KNOWN_GAP_OLD_CHECKPOINTS_FORM=${KNOWN_GAP_OLD_CHECKPOINTS_FORM:-0}

# FILE:LINE:COL of KEY (key_at), or of the value after 'KEY: ' (value_at), on the
# first line of FILE that contains TEXT.
key_at() { awk -v f="$1" -v t="$2" -v k="$3" 'index($0, t) { print f ":" NR ":" index($0, k); exit }' "$1"; }
value_at() {
  awk -v f="$1" -v t="$2" -v k="$3: " 'index($0, t) { print f ":" NR ":" index($0, k) + length(k); exit }' "$1"
}
# The hint printed under the line LINE of OUTPUT (without '  hint: ').
hint_of() { grep -xF -A1 -- "$2" <<<"$1" | sed -n '2s/^  hint: //p'; }

# refused 'POS: error: MESSAGE' 'HINT WORDS' -- command...: exit 2, the message as
# one whole line and, unless HINT WORDS is empty, a hint under it containing them.
refused() {
  local line=$1 words=$2 out rc
  shift 3
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != 2 ]; then fail "'$*' exited $rc, expected 2 for: $line"; sed 's/^/    /' <<<"$out"; return 1; fi
  if ! grep -qxF -- "$line" <<<"$out"; then fail "'$*' lacks the line: $line"; sed 's/^/    /' <<<"$out"; return 1; fi
  if [ -n "$words" ] && ! hint_of "$out" "$line" | grep -qF -- "$words"; then
    fail "'$*': the hint under '$line' lacks: $words"; sed 's/^/    /' <<<"$out"; return 1
  fi
  echo "ok: $line" | cut -c1-160
  LAST_OUT=$out
}
# For a known gap, whose wording is the fix's to choose: exit 2 and an error at POS
# whose message contains WORD.
refused_at() {
  local pos=$1 word=$2 out rc
  shift 3
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" = 2 ] && grep -F -- "$pos: error: " <<<"$out" | grep -qF -- "$word"; then
    echo "ok: $pos: error: ...$word..."
  else
    fail "'$*' exited $rc, expected 2 and an error at $pos mentioning '$word'"; sed 's/^/    /' <<<"$out"
  fi
}
known_gap() {  # VARIABLE DESCRIPTION
  echo "KNOWN GAP (skipped, $1=1): $2"
}

# A small corridor that places one of every part: a (origin) -bus-> g (hub, arrest
# point) -truck-> k (a stop on the line) -truck-> c (a crossing and its exit).
cat >full.yaml <<'EOF'
name: full
model: mali
seed: 1
replications: 2
horizon_days: 365
parameters:
  actors:
    state: {label: state, kind: state, country: Mali}
    buses: {label: bus companies, kind: transport}
    smugglers: {label: smugglers, kind: smuggler}
    militia: {label: militia, kind: armed_group}
  documents:
    default: none
    classes:
      passport: {label: passport}
      none: {label: no papers}
  nationalities:
    malian: {label: Malian, citizen_of: [Mali]}
  flows: {f: {annual_migrants: 200}}
  origins: {o: {share: 1, start: a, nationality: malian, documents: {passport: 0.5}}}
  destinations: {d: {share: 1, exit: arrived}}
  cash: {median: 300000, sigma: 0.5}
  modes:
    bus: {fare_to: buses, speed_km_per_day: 700, sigma: 0.2}
    truck: {fare_to: smugglers, speed_km_per_day: 200, sigma: 0.3}
  toll_points:
    roadblock: {label: roadblock, forces: state, demand: {passport: 0.3, none: 0.9}, toll: [1000, 5000], delay_hours: 0.5}
  checkpoints:
    post: {label: post, fee: 5000, receiver: militia, delay_hours: 1}
  bandits:
    hazard_scale: 1
    zones:
      raiders: {label: raiders, receiver: militia, robbery_share: 0.5, payoff: 10000, kill_probability: 0.03}
  arrest_points:
    gendarmes: {label: gendarmes, forces: state, modes: [bus], tax: [2000, 5000], tax_probability: {passport: 0.2, none: 0.8}, arrest_probability: 0.1, bribe: 20000, bribe_to: state, detention_days: 2}
  hubs:
    hub: {passeur_fee: 25000, passeur_receiver: smugglers, passeur_networks: [o], ghetto_fee_per_day: 1000, ghetto_receiver: smugglers, foreign_ghetto_surcharge: 0.5, earnings_per_day: 2000, earnings_sigma: 0.4, cash_reserve: 30000, max_work_days: 180}
  vehicles:
    lorry: {label: lorry, mode: truck, capacity: [5, 10], max_wait_days: 7, fare: 50000, fare_to: smugglers}
  hostage_takers:
    kidnappers: {label: kidnappers, ransom: 300000, receiver: smugglers, pay_probability: 0.6, pay_delay_days: 14, pay_delay_sigma: 0.6, wait_limit_days: 45, abandoned_survival: 0.5}
  borders:
    frontier: {label: frontier, interception: {passport: 0.05, none: 0.3}, retry_probability: 0.7, retry_days: 5, retry_fee: 15000, retry_receiver: smugglers, max_attempts: 4}
  places:
    a: {name: A}
    g: {name: G, hub: hub, vehicles: [lorry], arrest_point: gendarmes}
    k: {name: K, ghetto_stop_days: 1}
    c: {name: C, crossing: {border: frontier, exit: arrived}, hostage: {kidnappers: 0.1}}
  segments:
    a_g: {from: a, to: g, mode: bus, distance_km: 500, fare: 10000, roadblocks: {roadblock: 3}}
    g_k: {from: g, to: k, mode: truck, distance_km: 200, checkpoints: {post: 1}, bandits: {raiders: 1.0e-4}}
    k_c: {from: k, to: c, mode: truck, distance_km: 200}
EOF
expect 0 "OK: scenario 'full'" -- "$PASSAGE" validate full.yaml
# variant FILE SED-SCRIPT: full.yaml edited.
variant() { sed "$2" full.yaml >"$1"; }
RECRUITER='s/^  places:/  recruiters:\n    cokseur: {label: cokseur, share: 1, fee: 10000, receiver: smugglers}\n&/'
MARKET='s/^  places:/  passport_markets:\n    market: {label: false passport, issues: passport, seller: smugglers, demand: {passport: 0, none: 0.5}, price_eur: [50, 200], pool: 100, return_days: 30}\n&/'

# ---- 1. A key that has no effect where it stands -------------------------------
# ghetto_stop_days where no vehicle passes through: the origin, the hub, the line's end.
for p in a g c; do
  variant gs_$p.yaml "s/^    $p: {name: ${p^}/&, ghetto_stop_days: 1/"
  refused "$(value_at gs_$p.yaml "    $p: {" ghetto_stop_days): error: ghetto_stop_days at '$p' has no effect: no vehicle passes through it" \
    "inside a line" -- "$PASSAGE" validate gs_$p.yaml
done
refused "(--set parameters.places.bamako.ghetto_stop_days=1):1:1: error: ghetto_stop_days at 'bamako' has no effect: no vehicle passes through it" \
  "inside a line" -- "$PASSAGE" validate "$MALI" --set parameters.places.bamako.ghetto_stop_days=1

# A part declared and placed nowhere, in each group.
unplaced() {  # FILE ID KIND SED
  variant "$1" "$4"
  refused "$(key_at "$1" "    $2: {" "$2"): error: the $3 '$2' is placed nowhere: it has no effect" "name it at a place or on a segment" -- \
    "$PASSAGE" validate "$1"
}
unplaced up_toll.yaml spare_block "toll point" 's/^  toll_points:$/&\n    spare_block: {label: spare, forces: state, demand: 0.5, toll: [1, 2], delay_hours: 0.5}/'
unplaced up_post.yaml spare_post "checkpoint kind" 's/^  checkpoints:$/&\n    spare_post: {label: spare, fee: 100, receiver: militia, delay_hours: 1}/'
unplaced up_zone.yaml spare_zone "bandit zone" 's/^    zones:$/&\n      spare_zone: {label: spare, receiver: militia, robbery_share: 0.5, payoff: 1, kill_probability: 0}/'
unplaced up_arrest.yaml spare_arrest "arrest point" 's/^  arrest_points:$/&\n    spare_arrest: {label: spare, forces: state, modes: [bus], tax: [1, 2], tax_probability: 0.5, arrest_probability: 0, bribe: 1, bribe_to: state, detention_days: 1}/'
unplaced up_hub.yaml spare_hub "hub" 's/^  hubs:$/&\n    spare_hub: {passeur_fee: 1, passeur_receiver: smugglers, passeur_networks: [o], ghetto_fee_per_day: 1, ghetto_receiver: smugglers, foreign_ghetto_surcharge: 0, earnings_per_day: 1, earnings_sigma: 0.1, cash_reserve: 1, max_work_days: 1}/'
unplaced up_vehicle.yaml spare_lorry "vehicle" 's/^  vehicles:$/&\n    spare_lorry: {label: spare, mode: truck, capacity: [5, 10], max_wait_days: 7, fare: 1, fare_to: smugglers}/'
unplaced up_hostage.yaml kidnappers "hostage-taker" 's/, hostage: {kidnappers: 0.1}//'
unplaced up_border.yaml spare_border "border" 's/^  borders:$/&\n    spare_border: {label: spare, interception: 0.1, retry_probability: 0.7, retry_days: 5, retry_fee: 1, retry_receiver: smugglers, max_attempts: 4}/'
unplaced up_recruiter.yaml cokseur "recruiter" "$RECRUITER"
unplaced up_market.yaml market "passport market" "$MARKET"

# An arrest point whose modes no segment arriving there uses.
variant ap_truck.yaml 's/modes: \[bus\], tax/modes: [truck], tax/'
refused "$(value_at ap_truck.yaml "    g: {" arrest_point): error: the arrest point at 'g' checks arrivals by modes no migrant arrives by" \
  "parameters.arrest_points.gendarmes.modes" -- "$PASSAGE" validate ap_truck.yaml
# ... at a stop inside a line, where passengers do not get off.
variant ap_inside.yaml 's/, arrest_point: gendarmes}/}/; s/^    k: {name: K/&, arrest_point: gendarmes/; s/modes: \[bus\], tax/modes: [truck], tax/'
refused "$(value_at ap_inside.yaml "    k: {" arrest_point): error: the arrest point at 'k' checks arrivals by modes no migrant arrives by" \
  "must include a mode of a segment that ends here" -- "$PASSAGE" validate ap_inside.yaml
# Gao is reached by bus (bamako_gao) and by pickup (ber_gao), not by truck.
refused "$(value_at "$MALI" "      arrest_point: gao_gendarmes" arrest_point): error: the arrest point at 'gao' checks arrivals by modes no migrant arrives by" \
  "parameters.arrest_points.gao_gendarmes.modes" -- "$PASSAGE" validate "$MALI" --set "parameters.arrest_points.gao_gendarmes.modes=[truck]"
expect 0 "OK: scenario 'mali-2016'" -- "$PASSAGE" validate "$MALI" --set "parameters.arrest_points.gao_gendarmes.modes=[pickup]"

# vehicles: at a place that is no hub; a hub with no vehicles.
variant veh_nohub.yaml 's/^    a: {name: A/&, vehicles: [lorry]/'
refused "$(value_at veh_nohub.yaml "    a: {" vehicles): error: place 'a' loads vehicles but is no hub" "give the place hub: ID" -- \
  "$PASSAGE" validate veh_nohub.yaml
variant hub_noveh.yaml 's/hub: hub, vehicles: \[lorry\], /hub: hub, /'
refused "$(value_at hub_noveh.yaml "    g: {" hub): error: place 'g' is a hub that loads no vehicles" "vehicles: [V]" -- \
  "$PASSAGE" validate hub_noveh.yaml

# Hostage-takers on a segment ridden aboard a vehicle that does not stop at its end.
variant hs_inside.yaml 's/^    g_k: {from: g, to: k, mode: truck, distance_km: 200, /&hostage: {kidnappers: 0.05}, /'
refused "$(value_at hs_inside.yaml "    g_k: {" hostage): error: hostage-takers on segment 'g_k' would act where the vehicle does not stop" \
  "place them at the line's end" -- "$PASSAGE" validate hs_inside.yaml
# Hostage-takers at a plain exit (e, reached by bus) act before the migrant leaves
# (Sabha: held, then on to Libya): accepted.
variant hs_exit.yaml 's/^  segments:$/    e: {name: E, exit: arrived, hostage: {kidnappers: 0.1}}\n&\n    a_e: {from: a, to: e, mode: bus, distance_km: 300}/'
expect 0 "OK" -- "$PASSAGE" validate hs_exit.yaml

# A recruiter or a passport market at a stop inside a line: passengers stay aboard,
# so it never acts (run: the recruiter at k takes no commission).
if [ "$KNOWN_GAP_PART_INSIDE_LINE" = 1 ]; then
  known_gap KNOWN_GAP_PART_INSIDE_LINE "recruiters: / passport_market: at 'k', a stop inside the line g>k>c, are accepted and never act"
else
  variant in_line_r.yaml "$RECRUITER; s/^    k: {name: K/&, recruiters: cokseur/"
  refused_at "$(value_at in_line_r.yaml "    k: {" recruiters)" "'k'" -- "$PASSAGE" validate in_line_r.yaml
  variant in_line_m.yaml "$MARKET; s/^    k: {name: K/&, passport_market: market/"
  refused_at "$(value_at in_line_m.yaml "    k: {" passport_market)" "'k'" -- "$PASSAGE" validate in_line_m.yaml
fi
# A part at a place no migrant reaches (no segment leads to it).
if [ "$KNOWN_GAP_PART_AT_UNREACHED_PLACE" = 1 ]; then
  known_gap KNOWN_GAP_PART_AT_UNREACHED_PLACE "recruiters: at an isolated place 'z' is accepted"
else
  variant unreached.yaml "$RECRUITER; s/^  segments:$/    z: {name: Z, recruiters: cokseur}\n&/"
  refused_at "$(value_at unreached.yaml "    z: {" recruiters)" "'z'" -- "$PASSAGE" validate unreached.yaml
fi
# A vehicle loaded at a hub that no segment of its mode leaves: it never departs.
if [ "$KNOWN_GAP_VEHICLE_WITHOUT_LINE" = 1 ]; then
  known_gap KNOWN_GAP_VEHICLE_WITHOUT_LINE "vehicles: [lorry, coach] at 'g', where no bus segment leaves, is accepted"
else
  variant no_line.yaml 's/^    lorry: .*/&\n    coach: {label: coach, mode: bus, capacity: [5, 10], max_wait_days: 7, fare: 5000, fare_to: smugglers}/; s/vehicles: \[lorry\]/vehicles: [lorry, coach]/'
  refused_at "$(key_at no_line.yaml "    g: {" coach)" "coach" -- "$PASSAGE" validate no_line.yaml
fi
# An arrest point that deports to the exit: a deported migrant would have arrived.
if [ "$KNOWN_GAP_DEPORT_TO_EXIT" = 1 ]; then
  known_gap KNOWN_GAP_DEPORT_TO_EXIT "deport_to: c (the crossing and exit past the arrest point) is accepted"
else
  variant deport.yaml 's/bribe: 20000, bribe_to: state, detention_days: 2/deport_to: c, detention_days: 2/'
  refused_at "$(value_at deport.yaml "    gendarmes: {" deport_to)" "deport" -- "$PASSAGE" validate deport.yaml
fi

# ---- 2. A crossing whose line continues past it without saying so --------------
variant cross_mid.yaml 's/^    k: {name: K, ghetto_stop_days: 1}/    k: {name: K, crossing: {border: frontier}}/'
refused "$(value_at cross_mid.yaml "    k: {" crossing): error: the line g>k ends at the crossing 'k', but its road goes on ('k_c')" \
  "make the place a hub that loads it" -- "$PASSAGE" validate cross_mid.yaml
# ... and the same crossing with the onward road of another mode is fine.
variant cross_mid_bus.yaml 's/^    k: {name: K, ghetto_stop_days: 1}/    k: {name: K, crossing: {border: frontier}}/; s/k_c: {from: k, to: c, mode: truck/k_c: {from: k, to: c, mode: bus/'
expect 0 "OK: scenario 'full'" -- "$PASSAGE" validate cross_mid_bus.yaml

# ---- 3. Changes that name unknown ids or can never apply ------------------------
NEVER="can never apply: the run ends on day 365"
HORIZON_HINT="start it before horizon_days"
CH='[{from_day: 400, close: [nowhere]}]'
refused "(--set changes=$CH):1:2: error: a change from day 400 $NEVER" "$HORIZON_HINT" -- "$PASSAGE" validate "$MALI" --set "changes=$CH"
refused "(--set changes=$CH):1:26: error: unknown place or segment 'nowhere'" "" -- "$PASSAGE" validate "$MALI" --set "changes=$CH"
CH='[{from_day: 100, close: [tal_handk]}]'
refused "(--set changes=$CH):1:26: error: unknown place or segment 'tal_handk'" "did you mean 'tal_handak'?" -- \
  "$PASSAGE" validate "$MALI" --set "changes=$CH"
cp full.yaml changes.yaml
cat >>changes.yaml <<'EOF'
changes:
  - {from_day: 400, close: [nowhere]}
  - {from_day: 365, close: [k_c]}
  - {from_day: 500, set: {parameters.segments.g_kk.distance_km: 2}}
  - {from_day: 10, until_day: 500, close: [k_c]}
EOF
refused "$(key_at changes.yaml "from_day: 400" "{"): error: a change from day 400 $NEVER" "$HORIZON_HINT" -- "$PASSAGE" validate changes.yaml
out=$LAST_OUT
for line in "$(key_at changes.yaml "from_day: 400" nowhere): error: unknown place or segment 'nowhere'" \
  "$(key_at changes.yaml "from_day: 365" "{"): error: a change from day 365 $NEVER" \
  "$(key_at changes.yaml "from_day: 500" "{"): error: a change from day 500 $NEVER"; do
  grep -qxF -- "$line" <<<"$out" && echo "ok: $line" || { fail "changes.yaml lacks: $line"; sed 's/^/    /' <<<"$out"; }
done
grep -F "$(key_at changes.yaml "from_day: 500" parameters.segments.g_kk): error: unknown key 'g_kk' under 'parameters.segments'" <<<"$out" >/dev/null &&
  echo "ok: the unknown segment of a change from day 500 is reported" || { fail "changes.yaml: g_kk not reported"; sed 's/^/    /' <<<"$out"; }
grep -q "from day 10" <<<"$out" && fail "changes.yaml: the change from day 10 is fine, yet reported" || echo "ok: a change from day 10 to 500 is fine"
# A change that can never apply, alone and valid otherwise.
refused "(--set changes=[{from_day: 365, close: [tal_handak]}]):1:2: error: a change from day 365 $NEVER" "$HORIZON_HINT" -- \
  "$PASSAGE" validate "$MALI" --set "changes=[{from_day: 365, close: [tal_handak]}]"
refused "(--set changes=[{from_day: 200, close: [tal_handak]}]):1:2: error: a change from day 200 can never apply: the run ends on day 100" "$HORIZON_HINT" -- \
  "$PASSAGE" validate "$MALI" --set horizon_days=100 --set "changes=[{from_day: 200, close: [tal_handak]}]"
# The same in a policy overlay.
cat >late.yaml <<'EOF'
policy: late
title: A policy that starts after the run ends
changes:
  - {from_day: 400, close: [tal_handak]}
  - {from_day: 500, close: [nowhere]}
EOF
refused "$(key_at late.yaml "from_day: 400" "{"): error: a change from day 400 $NEVER" "$HORIZON_HINT" -- "$PASSAGE" validate "$MALI" --policy late.yaml
out=$LAST_OUT
for line in "$(key_at late.yaml "from_day: 500" "{"): error: a change from day 500 $NEVER" \
  "$(key_at late.yaml "from_day: 500" nowhere): error: unknown place or segment 'nowhere'"; do
  grep -qxF -- "$line" <<<"$out" && echo "ok: $line" || { fail "--policy late.yaml lacks: $line"; sed 's/^/    /' <<<"$out"; }
done
refused "$(key_at late.yaml "from_day: 400" "{"): error: a change from day 400 $NEVER" "$HORIZON_HINT" -- \
  "$PASSAGE" run "$MALI" --policy late.yaml -r 1 -o never.h5
[ -e never.h5 ] && fail "never.h5 was written" || echo "ok: no never.h5"

# ---- 4. A segment no migrant can reach -----------------------------------------
variant unreachable.yaml 's/^  segments:$/    z: {name: Z}\n&\n    z_c: {from: z, to: c, mode: bus, distance_km: 300}/'
refused "$(key_at unreachable.yaml "    z_c: {" z_c): error: no migrant can reach segment 'z_c'" "nothing leads to its start 'z'" -- \
  "$PASSAGE" validate unreachable.yaml

# ---- 5. Unknown ids, with a did-you-mean ----------------------------------------
unknown() {  # FILE SED LINE-TEXT NEEDLE MESSAGE HINT
  variant "$1" "$2"
  refused "$(key_at "$1" "$3" "$4"): error: $5" "$6" -- "$PASSAGE" validate "$1"
}
unknown id_actor.yaml 's/fare: 50000, fare_to: smugglers/fare: 50000, fare_to: militias/' "    lorry: {" militias \
  "unknown actor 'militias' in fare_to of vehicle 'lorry'" "did you mean 'militia'?"
unknown id_class.yaml 's/demand: {passport: 0.3, none: 0.9}/demand: {pasport: 0.3, none: 0.9}/' "    roadblock: {" pasport \
  "unknown document class 'pasport' in demand of toll point 'roadblock'" "did you mean 'passport'?"
unknown id_toll.yaml 's/roadblocks: {roadblock: 3}/roadblocks: {roadblok: 3}/' "    a_g: {" roadblok \
  "unknown toll point 'roadblok' in roadblocks of segment 'a_g'" "did you mean 'roadblock'?"
unknown id_vehicle.yaml 's/vehicles: \[lorry\]/vehicles: [lory]/' "    g: {" lory \
  "unknown vehicle 'lory' in vehicles of place 'g'" "did you mean 'lorry'?"
unknown id_border.yaml 's/border: frontier, exit/border: fronteir, exit/' "    c: {" fronteir \
  "unknown border 'fronteir' in the crossing at 'c'" "did you mean 'frontier'?"
unknown id_post.yaml 's/checkpoints: {post: 1}/checkpoints: {pots: 1}/' "    g_k: {" pots \
  "unknown checkpoint kind 'pots' in checkpoints of segment 'g_k'" "did you mean 'post'?"
unknown id_zone.yaml 's/bandits: {raiders: 1.0e-4}/bandits: {raider: 1.0e-4}/' "    g_k: {" raider \
  "unknown bandit zone 'raider' in bandits of segment 'g_k'" "did you mean 'raiders'?"
unknown id_hostage.yaml 's/hostage: {kidnappers: 0.1}/hostage: {kidnapers: 0.1}/' "    c: {" kidnapers \
  "unknown hostage-taker 'kidnapers' in hostage of place 'c'" "did you mean 'kidnappers'?"
unknown id_arrest.yaml 's/arrest_point: gendarmes/arrest_point: gendarms/' "    g: {" gendarms \
  "unknown arrest point 'gendarms' in arrest_point of place 'g'" "did you mean 'gendarmes'?"
unknown id_hub.yaml 's/hub: hub,/hub: hbu,/' "    g: {" hbu "unknown hub 'hbu' in hub of place 'g'" "did you mean 'hub'?"
unknown id_deport.yaml 's/bribe: 20000, bribe_to: state, detention_days: 2/deport_to: nowhere, detention_days: 2/' "    gendarmes: {" nowhere \
  "unknown place 'nowhere' in deport_to of arrest point 'gendarmes'" "declared under parameters.places"
# A rule by class that misses a declared class: reported at the rule.
unknown id_rule.yaml 's/demand: {passport: 0.3, none: 0.9}/demand: {passport: 0.3}/' "    roadblock: {" "{passport: 0.3}" \
  "demand of toll point 'roadblock' has no value for the document class 'none'" "covers every class declared under parameters.documents.classes"

# ---- 6. Old keys, refused with their new form -----------------------------------
# Each prints 'renamed: OLD -> HINT' for the closing note.
renamed() {  # OLD FILE LINE-TEXT NEEDLE MESSAGE HINT-WORDS
  if refused "$(key_at "$2" "$3" "$4"): error: $5" "$6" -- "$PASSAGE" validate "$2"; then
    echo "renamed: $1 -> $(hint_of "$LAST_OUT" "$(key_at "$2" "$3" "$4"): error: $5")"
  fi
}
NO_LONGER="is no longer read (the corridor format)"
for k in roadblocks:toll_points hub:hubs trucks:vehicles gendarmerie:arrest_points cokseurs:recruiters \
  protection:"a vehicle's protection" hostage:hostage_takers border:borders nouakchott_share:entries; do
  old=${k%%:*}
  sed "/^parameters:$/a\\  $old: {}" full.yaml >old_$old.yaml
  renamed "parameters.$old" old_$old.yaml "  $old: {}" "$old" "'$old' in parameters $NO_LONGER" "${k#*:}"
done
for k in malian_passport_share:"origins: {mali: {documents:" false_passport_demand:passport_markets \
  false_passport_rent_eur:price_eur passport_pool:pool passport_return_days:return_days; do
  old=${k%%:*}
  sed "/^  documents:$/a\\    $old: 1" full.yaml >old_$old.yaml
  renamed "documents.$old" old_$old.yaml "    $old: 1" "$old" "'$old' in documents $NO_LONGER" "${k#*:}"
done
for k in robbery_share payoff kill_probability; do
  sed "/^    hazard_scale: 1$/a\\    $k: 0.5" full.yaml >old_$k.yaml
  renamed "bandits.$k" old_$k.yaml "    $k: 0.5" "$k" "'$k' in bandits $NO_LONGER" "bandits: {zones: {ID: {$k:"
done
for k in gendarmerie:arrest_point cokseurs:recruiters hostage_probability:"hostage: {ID: probability}"; do
  old=${k%%:*}
  variant old_place_$old.yaml "s/^    a: {name: A/&, $old: true/"
  renamed "a place's $old" old_place_$old.yaml "    a: {" "$old" "'$old' in place 'a' $NO_LONGER" "${k#*:}"
done
variant old_place_hub.yaml 's/^    a: {name: A/&, hub: true/'
renamed "a place's hub: true" old_place_hub.yaml "    a: {" true "'hub: true' $NO_LONGER" "hub: ID, vehicles: [V]"
variant old_place_pm.yaml 's/^    a: {name: A/&, passport_market: true/'
renamed "a place's passport_market: true" old_place_pm.yaml "    a: {" true "'passport_market: true' $NO_LONGER" "passport_market: ID"
variant old_seg_bh.yaml 's/^    k_c: {from: k, to: c, mode: truck, distance_km: 200/&, bandit_hazard: 1.0e-4/'
renamed "a segment's bandit_hazard" old_seg_bh.yaml "    k_c: {" bandit_hazard "'bandit_hazard' in segment 'k_c' $NO_LONGER" "bandits: {ZONE: hazard per km}"
variant old_seg_rb.yaml 's/^    k_c: {from: k, to: c, mode: truck, distance_km: 200/&, roadblocks: 5/'
renamed "a segment's roadblocks: N" old_seg_rb.yaml "    k_c: {" "5}" \
  "roadblocks of segment 'k_c' names its toll points with their counts: roadblocks: {ID: N}" "parameters.toll_points"
variant old_seg_cp.yaml 's/^    k_c: {from: k, to: c, mode: truck, distance_km: 200/&, checkpoints: 2/'
renamed "a segment's checkpoints: N" old_seg_cp.yaml "    k_c: {" "2}" \
  "checkpoints of segment 'k_c' names its checkpoint kinds with their counts: checkpoints: {ID: N}" "parameters.checkpoints"
variant old_malian.yaml 's/start: a, nationality: malian,/start: a, malian: true, nationality: malian,/'
renamed "an origin's malian" old_malian.yaml "  origins: {" malian: "'malian' in origin 'o' $NO_LONGER" "nationality: ID"
for old in truck_fare_foreign truck_fare_malian; do
  variant old_$old.yaml "s/max_work_days: 180}/max_work_days: 180, $old: 100000}/"
  renamed "hubs' $old" old_$old.yaml "    hub: {" "$old" "'$old' in hub 'hub' $NO_LONGER" "vehicles: {V: {fare: {citizen:"
done
# The old checkpoints: {fee: f, delay_hours: h} is refused, but as two checkpoints
# named 'fee' and 'delay_hours', without the new form.
if [ "$KNOWN_GAP_OLD_CHECKPOINTS_FORM" = 1 ]; then
  known_gap KNOWN_GAP_OLD_CHECKPOINTS_FORM "parameters.checkpoints: {fee: 5000, delay_hours: 1} gets \"checkpoint 'fee' must be a mapping\""
else
  variant old_checkpoints.yaml 's/^    post: {label: post, fee: 5000, receiver: militia, delay_hours: 1}/    fee: 5000\n    delay_hours: 1/'
  refused_at "$(key_at old_checkpoints.yaml "    fee: 5000" fee)" "checkpoints: {ID:" -- "$PASSAGE" validate old_checkpoints.yaml
fi

# ---- 7. Unused part groups are optional ------------------------------------------
# No documents, nationalities, passport markets, recruiters, arrest points,
# hostage-takers, bandits, checkpoints, toll points, desert, hubs or vehicles.
cat >bare.yaml <<'EOF'
name: bare
model: mali
seed: 1
replications: 2
horizon_days: 365
parameters:
  actors:
    buses: {label: bus companies, kind: transport}
  flows: {f: {annual_migrants: 200}}
  origins: {o: {share: 1, start: a}}
  destinations: {d: {share: 1, exit: arrived}}
  cash: {median: 300000, sigma: 0.5}
  modes:
    bus: {fare_to: buses, speed_km_per_day: 700, sigma: 0.2}
  places:
    a: {name: A}
    b: {name: B, exit: arrived}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500, fare: 10000}
EOF
# ... and a hub with its vehicle, with no other part.
sed -e 's/^name: bare/name: bare_hub/' -e 's/^    buses: .*/&\n    smugglers: {label: smugglers, kind: smuggler}/' \
  -e 's/^    bus: .*/&\n    truck: {fare_to: smugglers, speed_km_per_day: 200, sigma: 0.3}\n  hubs:\n    hub: {passeur_fee: 25000, passeur_receiver: smugglers, passeur_networks: [o], ghetto_fee_per_day: 1000, ghetto_receiver: smugglers, foreign_ghetto_surcharge: 0.5, earnings_per_day: 2000, earnings_sigma: 0.4, cash_reserve: 30000, max_work_days: 180}\n  vehicles:\n    lorry: {label: lorry, mode: truck, capacity: [5, 10], max_wait_days: 7, fare: 50000, fare_to: smugglers}/' \
  -e 's/^    a: {name: A}/&\n    g: {name: G, hub: hub, vehicles: [lorry]}/' \
  -e 's/^    a_b: {from: a, to: b, .*/    a_g: {from: a, to: g, mode: bus, distance_km: 500, fare: 10000}\n    g_b: {from: g, to: b, mode: truck, distance_km: 400}/' bare.yaml >bare_hub.yaml
# ... and every group declared, but empty.
sed -e 's/^name: bare/name: bare_empty/' -e 's/^  places:$/  toll_points: {}\n  checkpoints: {}\n  bandits: {zones: {}}\n  arrest_points: {}\n  recruiters: {}\n  passport_markets: {}\n  hubs: {}\n  vehicles: {}\n  hostage_takers: {}\n  borders: {}\n&/' \
  bare.yaml >bare_empty.yaml
for f in bare bare_hub bare_empty; do
  expect 0 "OK: scenario '$f'" -- "$PASSAGE" validate $f.yaml
  expect 0 "wrote $f.h5" -- "$PASSAGE" run $f.yaml -r 2 -o $f.h5
  "$PASSAGE" report $f.h5 --json | /usr/bin/python3 -c '
import json, sys
m = json.load(sys.stdin)["metrics"]
assert m["arrived"]["mean"] > 100, m["arrived"]
assert m["migrants"]["mean"] > 100, m["migrants"]' && echo "ok: $f.yaml: migrants arrive" || fail "$f.yaml: no migrants arrived"
done
grep -q trucks_dispatched <("$PASSAGE" report bare_hub.h5) && echo "ok: bare_hub runs its lorry" || fail "bare_hub: no trucks_dispatched"


# ---- Route choice by utility (issue 15): its keys are checked like the others ----
choice_in() { sed "s/^parameters:\$/parameters:\n  choice: $2/" "$MALI" >"$1"; }
choice_in ch_key.yaml '{weights: {atack: 1}}'
refused "$(key_at ch_key.yaml "  choice: {" atack): error: unknown key 'atack' in choice.weights" "did you mean 'attack'?" -- "$PASSAGE" validate ch_key.yaml
choice_in ch_info.yaml '{weights: {attack: 1}, information: partial}'
refused "$(value_at ch_info.yaml "  choice: {" information): error: choice.information is 'full' or a mapping of rumours' parameters" "information: full" -- "$PASSAGE" validate ch_info.yaml
choice_in ch_memory.yaml '{weights: {attack: 1}, information: {delay_days: 5, memory_days: 0, prior_weight: 1}}'
refused "$(value_at ch_memory.yaml "  choice: {" memory_days): error: memory_days must be a number of days > 0, got 0" "" -- "$PASSAGE" validate ch_memory.yaml
choice_in ch_weights.yaml '{information: full}'
refused "$(key_at ch_weights.yaml "  choice: {" choice): error: missing key 'weights' in choice" "" -- "$PASSAGE" validate ch_weights.yaml
choice_in ch_class.yaml '{weights: {interception: {none: 1}}}'
refused "$(value_at ch_class.yaml "  choice: {" interception): error: interception of choice.weights has no value for the document class 'malian_passport'" "a rule by class covers every class" -- "$PASSAGE" validate ch_class.yaml
# A choice where no place offers two ways has no effect.
cat >ch_one_way.yaml <<'YAML'
model: mali
seed: 1
horizon_days: 10
parameters:
  flows: {f: {annual_migrants: 365}}
  cash: {median: 100000, sigma: 0}
  actors: {bus_co: {label: bus, kind: transport}}
  origins: {o: {share: 1, start: a}}
  destinations: {d: {share: 1, exit: out}}
  modes: {bus: {speed_km_per_day: 500, sigma: 0, fare_to: bus_co}}
  choice: {weights: {money: 1}}
  places:
    a: {name: A}
    b: {name: B, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 100}
YAML
refused "$(value_at ch_one_way.yaml "  choice: {" choice): error: choice has no effect: no place offers two ways onwards" "several open ways" -- "$PASSAGE" validate ch_one_way.yaml
choice_in ch_ok.yaml '{weights: {attack: 10, money: {citizen: 0.5, none: 1, malian_passport: 1, false_passport: 1}}, information: {delay_days: 14, memory_days: 60, prior_weight: 20, reach: 0.5}}'
expect 0 "OK: scenario 'mali-2016'" -- "$PASSAGE" validate ch_ok.yaml

# ---- Markets that respond (issue 15 item 3): their keys are checked like the others ----
# A hub's replacement where no network is arrested (in the scenario itself: day 0).
sed '/^      max_work_days:/a\      replacement: {rate0: 0.02, reference_profit: 1000000}' "$MALI" >mk_day0.yaml
refused "$(value_at mk_day0.yaml "      replacement: {" replacement): error: the replacement of hub 'smuggling_hub' has no effect: no passeur network is arrested on day 0" "passeur_networks" -- "$PASSAGE" validate mk_day0.yaml
# ... nor in a change that removes no origin from passeur_networks (at the change's value).
cat >mk_none.yaml <<'EOF_P'
policy: arrests_without_arrests
changes:
  - from_day: 30
    set: {parameters.hubs.smuggling_hub.replacement: {rate0: 0.02, reference_profit: 1000000}}
EOF_P
refused "$(value_at mk_none.yaml "replacement: {" replacement): error: the replacement of hub 'smuggling_hub' has no effect: no passeur network is arrested on day 30" "passeur_networks" -- "$PASSAGE" validate "$MALI" --policy mk_none.yaml
sed '/^      max_work_days:/a\      replacement: {rate0: 0, reference_profit: 1000000}' "$MALI" >mk_rate.yaml
refused "$(value_at mk_rate.yaml "      replacement: {" rate0): error: rate0 must be a rate per day > 0 (1 / mean days), got 0" "" -- "$PASSAGE" validate mk_rate.yaml
sed '/^      max_work_days:/a\      replacement: {rate0: 0.02, reference_proft: 1000000}' "$MALI" >mk_key.yaml
refused "$(key_at mk_key.yaml "      replacement: {" reference_proft): error: unknown key 'reference_proft' in the replacement of hub 'smuggling_hub'" "did you mean 'reference_profit'?" -- "$PASSAGE" validate mk_key.yaml
# Issuance: a reference demand without an elasticity has no effect.
sed 's/^        per_day: {value: 5,/        reference_demand: 5\n&/' "$MALI" >mk_ref.yaml
refused "$(value_at mk_ref.yaml "        reference_demand: 5" reference_demand): error: reference_demand of the issuance of passport market 'false_malian_passports' has no effect: supply follows demand only with an elasticity > 0" "give elasticity" -- "$PASSAGE" validate mk_ref.yaml
sed 's/^        per_day: {value: 5,/        crackdown: 1.5\n&/' "$MALI" >mk_crack.yaml
refused "$(value_at mk_crack.yaml "        crackdown: 1.5" crackdown): error: crackdown must be a share in [0, 1], got 1.5" "" -- "$PASSAGE" validate mk_crack.yaml

# A vehicle's premium: the risk it prices is one of the four.
sed 's/^      fare_to: transporters$/&\n      premium: {per: robbery, loading: 1}/' "$MALI" >mk_per.yaml
refused "$(value_at mk_per.yaml "      premium: {" per): error: per of the premium of vehicle 'date_truck' must be one of attack, death, kidnapping, interception, got 'robbery'" "the risk of the line" -- "$PASSAGE" validate mk_per.yaml
sed 's/^      fare_to: transporters$/&\n      premium: {per: interception, loading: 1, max_risk: 1}/' "$MALI" >mk_max.yaml
refused "$(value_at mk_max.yaml "      premium: {" max_risk): error: max_risk must be a probability in (0, 1), got 1" "" -- "$PASSAGE" validate mk_max.yaml

# A checkpoint's and a toll point's premium: read as the vehicle's (one reader).
sed '/^      receiver: armed_groups$/a\      premium: {per: robbery, loading: 1}' "$MALI" >cp_per.yaml
refused "$(value_at cp_per.yaml "      premium: {" per): error: per of the premium of checkpoint 'armed_group_post' must be one of attack, death, kidnapping, interception, got 'robbery'" "the risk of the segment" -- "$PASSAGE" validate cp_per.yaml
sed '/^      receiver: armed_groups$/a\      premium: {per: attack, loading: -1}' "$MALI" >cp_load.yaml
refused "$(value_at cp_load.yaml "      premium: {" loading): error: loading must be a factor >= 0, got -1" "" -- "$PASSAGE" validate cp_load.yaml
sed '/^      receiver: armed_groups$/a\      premium: {per: attack, loading: 1, max_risk: 1}' "$MALI" >cp_max.yaml
refused "$(value_at cp_max.yaml "      premium: {" max_risk): error: max_risk must be a probability in (0, 1), got 1" "" -- "$PASSAGE" validate cp_max.yaml
sed '/^      label: roadblock$/a\      premium: {per: robbery, loading: 1}' "$MALI" >tp_per.yaml
refused "$(value_at tp_per.yaml "      premium: {" per): error: per of the premium of toll point 'roadblock' must be one of attack, death, kidnapping, interception, got 'robbery'" "the risk of the segment" -- "$PASSAGE" validate tp_per.yaml
sed '/^      label: roadblock$/a\      premium: {per: attack, loading: -0.5}' "$MALI" >tp_load.yaml
refused "$(value_at tp_load.yaml "      premium: {" loading): error: loading must be a factor >= 0, got -0.5" "" -- "$PASSAGE" validate tp_load.yaml
sed '/^      label: roadblock$/a\      premium: {per: attack, loading: 1, max_risk: 1.5}' "$MALI" >tp_max.yaml
refused "$(value_at tp_max.yaml "      premium: {" max_risk): error: max_risk must be a probability in (0, 1), got 1.5" "" -- "$PASSAGE" validate tp_max.yaml
# A max_risk of 0 would cap every risk at 0 and price nothing: refused.
sed '/^      label: roadblock$/a\      premium: {per: attack, loading: 1, max_risk: 0}' "$MALI" >tp_max0.yaml
refused "$(value_at tp_max0.yaml "      premium: {" max_risk): error: max_risk must be a probability in (0, 1), got 0" "" -- "$PASSAGE" validate tp_max0.yaml
sed '/^      label: roadblock$/a\      premium: {per: attack, loading: 1, lodaing: 1}' "$MALI" >tp_key.yaml
refused "$(key_at tp_key.yaml "      premium: {" lodaing): error: unknown key 'lodaing' in the premium of toll point 'roadblock'" "did you mean 'loading'?" -- "$PASSAGE" validate tp_key.yaml

# A vehicle's finite fleet (fleet: {trucks, return_days, lost_probability}).
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, return_days: {median: 6, sigma: 0.3}, lost_probability: 0.1}/' "$MALI" >fl_ok.yaml
if "$PASSAGE" validate fl_ok.yaml >/dev/null; then echo "ok: a fleet with return_days {median, sigma} is accepted"; else fail "a valid fleet was refused"; fi
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 0, return_days: 6}/' "$MALI" >fl_zero.yaml
refused "$(value_at fl_zero.yaml "      fleet: {" trucks): error: trucks must be a whole number of trucks in [1, 1000000], got 0" "" -- "$PASSAGE" validate fl_zero.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 2.5, return_days: 6}/' "$MALI" >fl_frac.yaml
refused "$(value_at fl_frac.yaml "      fleet: {" trucks): error: trucks must be a whole number of trucks in [1, 1000000], got 2.5" "" -- "$PASSAGE" validate fl_frac.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, return_days: 0}/' "$MALI" >fl_back.yaml
refused "$(value_at fl_back.yaml "      fleet: {" return_days): error: return_days must be a number of days > 0, got 0" "" -- "$PASSAGE" validate fl_back.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, return_days: {median: 6, sigma: -1}}/' "$MALI" >fl_sigma.yaml
refused "$(value_at fl_sigma.yaml "      fleet: {" sigma): error: sigma must be a log-sd in [0, 5], got -1" "" -- "$PASSAGE" validate fl_sigma.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, return_days: 6, lost_probability: 1.5}/' "$MALI" >fl_lost.yaml
refused "$(value_at fl_lost.yaml "      fleet: {" lost_probability): error: lost_probability must be a probability in [0, 1], got 1.5" "" -- "$PASSAGE" validate fl_lost.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, retrun_days: 6}/' "$MALI" >fl_key.yaml
refused "$(key_at fl_key.yaml "      fleet: {" retrun_days): error: unknown key 'retrun_days' in the fleet of vehicle 'date_truck'" "did you mean 'return_days'?" -- "$PASSAGE" validate fl_key.yaml
sed 's/^      fare_to: transporters$/&\n      fleet: {trucks: 4, return_days: {median: 6, sigm: 0.3}}/' "$MALI" >fl_key2.yaml
refused "$(key_at fl_key2.yaml "      fleet: {" sigm): error: unknown key 'sigm' in the return_days of vehicle 'date_truck'" "did you mean 'sigma'?" -- "$PASSAGE" validate fl_key2.yaml
# A line's fleet is sized at the start: a change may not alter its trucks.
refused "$(value_at fl_ok.yaml "      fleet: {" fleet): error: a change from day 100 changes the number of trucks of vehicle 'date_truck' (or gives or takes away its fleet)" "may alter its return_days" -- \
  "$PASSAGE" validate fl_ok.yaml --set 'changes=[{from_day: 100, set: {parameters.vehicles.date_truck.fleet.trucks: 2}}]'
if "$PASSAGE" validate fl_ok.yaml --set 'changes=[{from_day: 100, set: {parameters.vehicles.date_truck.fleet.return_days: 9}}]' >/dev/null; then
  echo "ok: a change may alter a fleet's return_days"
else
  fail "a change of a fleet's return_days was refused"
fi
# A hub's premium on the passeur fee: the same reader, the same checks.
HUB_PREMIUM='/^      passeur_receiver: smugglers$/a\      premium: '
sed "${HUB_PREMIUM}{per: interception, loading: 1}" "$MALI" >hub_ok.yaml
expect 0 "OK" -- "$PASSAGE" validate hub_ok.yaml
sed "${HUB_PREMIUM}{per: robbery, loading: 1}" "$MALI" >hub_per.yaml
refused "$(value_at hub_per.yaml "      premium: {" per): error: per of the premium of hub 'smuggling_hub' must be one of attack, death, kidnapping, interception, got 'robbery'" "the risk of the journey the passeur sells" -- "$PASSAGE" validate hub_per.yaml
sed "${HUB_PREMIUM}{per: interception, loading: -2}" "$MALI" >hub_load.yaml
refused "$(value_at hub_load.yaml "      premium: {" loading): error: loading must be a factor >= 0, got -2" "" -- "$PASSAGE" validate hub_load.yaml
sed "${HUB_PREMIUM}{per: interception, loading: 1, max_risk: 1}" "$MALI" >hub_max.yaml
refused "$(value_at hub_max.yaml "      premium: {" max_risk): error: max_risk must be a probability in (0, 1), got 1" "" -- "$PASSAGE" validate hub_max.yaml
sed "${HUB_PREMIUM}{per: interception, loading: 1, max_risc: 0.5}" "$MALI" >hub_key.yaml
refused "$(key_at hub_key.yaml "      premium: {" max_risc): error: unknown key 'max_risc' in the premium of hub 'smuggling_hub'" "did you mean 'max_risk'?" -- "$PASSAGE" validate hub_key.yaml
# Refused with exit 2 and no results file half-written by run.
refused "$(value_at hub_load.yaml "      premium: {" loading): error: loading must be a factor >= 0, got -2" "" -- "$PASSAGE" run hub_load.yaml -r 1 -q -o hub_load.h5
[ ! -e hub_load.h5 ] || fail "run of hub_load.yaml wrote hub_load.h5"

finish
