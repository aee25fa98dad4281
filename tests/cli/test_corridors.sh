#!/usr/bin/env bash
# The corridors of configs/ other than Mali's (issue 13, item 9): niger-2016 with its
# Law 2015-36 overlay, and sahel-2016, where the Mali and the Niger routes meet.
# Usage: test_corridors.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
NIGER=$SRC/configs/niger-2016.yaml
SAHEL=$SRC/configs/sahel-2016.yaml
LAW=$SRC/configs/policies/niger/law_2015_36.yaml
# Smaller flows keep the runs short; the shares and the network are the files'.
NIGER_SMALL=(--set parameters.flows.niger_route.annual_migrants=20000)
SAHEL_SMALL=(--set parameters.flows.niger_east.annual_migrants=20000)

# metric FILE NAME: the mean of a metric over the replications.
metric() {
  "$PASSAGE" report "$1" --json | /usr/bin/python3 -c \
    'import json, sys; print(json.load(sys.stdin)["metrics"][sys.argv[1]]["mean"])' "$2"
}
# check TEXT PYTHON-EXPRESSION: a test on numbers taken from the runs.
check() {
  if /usr/bin/python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then echo "ok: $1"; else fail "$1 ($2)"; fi
}

# The three files (and the overlay on niger-2016) validate.
expect 0 "OK: scenario 'niger-2016'" -- "$PASSAGE" validate "$NIGER"
expect 0 "OK: scenario 'niger-2016'" -- "$PASSAGE" validate "$NIGER" --policy "$LAW"
expect 0 "OK: scenario 'sahel-2016'" -- "$PASSAGE" validate "$SAHEL"
# sahel-2016 holds both corridors' parts: the overlays of both apply to it.
for policy in "$SRC"/configs/policies/*.yaml "$LAW"; do
  expect 0 "OK: scenario 'sahel-2016'" -- "$PASSAGE" validate "$SAHEL" --policy "$policy"
done
# sahel-2016 is what scripts/make_sahel.py writes from mali-2016 and niger-2016.
expect 0 "is up to date" -- /usr/bin/python3 "$SRC/scripts/make_sahel.py" --check

# niger-2016: the journey goes on past the Libyan border at Toummo to Sabha.
expect 0 "wrote n.h5" -- "$PASSAGE" run "$NIGER" "${NIGER_SMALL[@]}" -r 4 -j 2 -o n.h5
libya=$(metric n.h5 arrived_libya)
sabha=$(metric n.h5 flow_toummo_sabha)
algeria=$(metric n.h5 arrived_algeria)
abducted=$(metric n.h5 abducted)
remote=$(metric n.h5 flow_agadez_toummo_remote)
check "niger-2016: migrants ride on from Toummo ($sabha) and arrive in Sabha ($libya)" "$sabha > 0 and $libya > 0 and $libya <= $sabha"
check "niger-2016: the Arlit branch reaches Tamanrasset ($algeria)" "$algeria > 0"
check "niger-2016: kidnappings at Sabha ($abducted)" "$abducted > 0"
check "niger-2016: the remote track is closed in the baseline ($remote)" "$remote == 0"

# Law 2015-36 (from day 182): the remote track opens, the Dirkou road loses traffic.
expect 0 "wrote l.h5" -- "$PASSAGE" run "$NIGER" "${NIGER_SMALL[@]}" -r 4 -j 2 -o l.h5 --policy "$LAW"
remote_law=$(metric l.h5 flow_agadez_toummo_remote)
dirkou=$(metric n.h5 flow_agadez_dirkou)
dirkou_law=$(metric l.h5 flow_agadez_dirkou)
check "law_2015_36: pickups take the remote track ($remote_law) and fewer the Dirkou road ($dirkou_law < $dirkou)" "$remote_law > 0 and $dirkou_law < $dirkou"

# sahel-2016: both routes carry migrants; closing the Mali road north sends the
# migrants who may go either way along the road through Burkina Faso into Niger.
expect 0 "wrote s.h5" -- "$PASSAGE" run "$SAHEL" "${SAHEL_SMALL[@]}" -r 4 -j 2 -o s.h5
cat > close_mali_north.yaml <<'YAML'
policy: close_mali_north
title: The roads north from Bamako closed
changes:
  - close: [bamako_gao, bamako_timbuktu]
YAML
expect 0 "wrote c.h5" -- "$PASSAGE" run "$SAHEL" "${SAHEL_SMALL[@]}" -r 4 -j 2 -o c.h5 --policy close_mali_north.yaml
gao=$(metric s.h5 flow_bamako_gao)
gao_closed=$(metric c.h5 flow_bamako_gao)
east=$(metric s.h5 flow_bamako_benena)
east_closed=$(metric c.h5 flow_bamako_benena)
arlit=$(metric s.h5 flow_agadez_arlit)
arlit_closed=$(metric c.h5 flow_agadez_arlit)
check "sahel-2016: both routes are used (Bamako-Gao $gao, Bamako-Benena $east)" "$gao > 0 and $east > 0"
check "sahel-2016: with the Mali road north closed nobody takes it ($gao_closed)" "$gao_closed == 0"
# Closing the road north moves every migrant bound for Algeria who would have taken
# it to the road east: the rise is of the order of Bamako-Gao's baseline flow, far
# beyond the replications' noise (a few per cent).
check "sahel-2016: the road east carries more ($east -> $east_closed)" "$east_closed > $east + 0.5 * $gao"
check "sahel-2016: and so does the Arlit branch of the Niger route ($arlit -> $arlit_closed)" "$arlit_closed > $arlit"
# The same with --set instead of an overlay.
expect 0 "wrote d.h5" -- "$PASSAGE" run "$SAHEL" "${SAHEL_SMALL[@]}" -r 4 -j 2 -o d.h5 \
  --set parameters.segments.bamako_gao.closed=true --set parameters.segments.bamako_timbuktu.closed=true
east_set=$(metric d.h5 flow_bamako_benena)
check "sahel-2016: --set ...closed=true does the same ($east_set)" "$east_set > $east + 0.5 * $gao"

finish
