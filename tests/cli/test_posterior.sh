#!/usr/bin/env bash
# End-to-end tests of `passage run --posterior` and `passage compare --posterior`
# (issue 16 item 4). The calibration files are written here with h5py, in the
# layout of the calibration contract: root attributes kind = "calibration" and
# method, /parameters/{names,paths}, /posterior/{values (n x p), weights}.
# Usage: test_posterior.sh PASSAGE_BINARY SOURCE_DIR
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
MM1=$SRC/configs/verification/mm1.yaml
SMALL=(--set parameters.flows.mali_route.annual_migrants=3000 --set warmup_days=60)
COV=parameters.monitoring_points.gao_fmp.coverage
HAZ=parameters.bandits.hazard_scale

# calibration FILE KIND "path,path" "v,v;v,v" "w,w": a calibration results file.
calibration() {
  /usr/bin/python3 - "$@" <<'PY'
import sys, h5py, numpy as np
path, kind, paths, values, weights = sys.argv[1:6]
paths = paths.split(",")
values = np.array([[float(x) for x in row.split(",")] for row in values.split(";")])
weights = np.array([float(x) for x in weights.split(",")])
with h5py.File(path, "w") as f:
    f.attrs["kind"] = kind
    f.attrs["method"] = "abc-smc"
    g = f.create_group("parameters")
    g["names"] = np.array([p.rsplit(".", 1)[-1] for p in paths], dtype=h5py.string_dtype())
    g["paths"] = np.array(paths, dtype=h5py.string_dtype())
    p = f.create_group("posterior")
    p["values"] = values
    p["weights"] = weights
PY
}

# 1. One particle of weight 1 is the plain run with those values set: every
#    replication, bit for bit.
calibration one.h5 calibration "$COV,$HAZ" "0.4,1.7" "1"
expect 0 "wrote post1.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 4 -j 2 -o post1.h5 --posterior one.h5
expect 0 "wrote plain1.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 4 -j 2 -o plain1.h5 --set "$COV=0.4" --set "$HAZ=1.7"
/usr/bin/python3 - <<'PY' && echo "ok: one particle = --set, bit for bit" || fail "one particle differs from --set"
import h5py, numpy as np
a, b = h5py.File("post1.h5"), h5py.File("plain1.h5")
ra, rb = a["replications"], b["replications"]
assert set(ra) - set(rb) == {"posterior_particle"}, set(ra) ^ set(rb)
assert (ra["posterior_particle"][...] == 0).all()
for k in rb:
    assert np.array_equal(ra[k][...], rb[k][...]), k
for k in b["series"]:
    if k != "edges":
        assert np.array_equal(a["series"][k][...], b["series"][k][...]), k
# The file records the posterior it drew from.
p = a["posterior"]
assert p.attrs["file"] == "one.h5" and p.attrs["particles"] == 1
assert list(p["paths"].asstr()[...]) == ["parameters.monitoring_points.gao_fmp.coverage",
                                         "parameters.bandits.hazard_scale"]
assert p["values"].shape == (1, 2) and p["weights"][0] == 1.0
PY

# 2. Three particles: -j1 = -j2, and each replication is the plain run of the
#    particle it drew (the same replication index of that scenario).
calibration three.h5 calibration "$COV,$HAZ" "0.1,0.5;0.4,1.7;0.7,3.0" "0.5,0.3,0.2"
expect 0 "wrote j1.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 8 -j 1 -o j1.h5 --posterior three.h5
expect 0 "wrote j2.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 8 -j 2 -o j2.h5 --posterior three.h5
same j1.h5 j2.h5 /replications
same j1.h5 j2.h5 /series
"$PASSAGE" run "$MALI" "${SMALL[@]}" -r 8 -q -o k0.h5 --set "$COV=0.1" --set "$HAZ=0.5"
"$PASSAGE" run "$MALI" "${SMALL[@]}" -r 8 -q -o k2.h5 --set "$COV=0.7" --set "$HAZ=3"
/usr/bin/python3 - <<'PY' && echo "ok: replication r runs the particle it drew" || fail "replications do not match their particles"
import h5py, numpy as np
run = h5py.File("j1.h5")["replications"]
k = run["posterior_particle"][...]
assert set(k) == {0.0, 1.0, 2.0}, k  # 8 draws at 0.5/0.3/0.2 meet all three here
plain = {0: h5py.File("k0.h5")["replications"], 1: h5py.File("post1.h5")["replications"],
         2: h5py.File("k2.h5")["replications"]}
for r, kr in enumerate(k.astype(int)):
    if kr == 1 and r >= 4:
        continue  # post1.h5 has 4 replications
    for name in plain[kr]:
        if name != "posterior_particle":
            assert run[name][r] == plain[kr][name][r], (r, kr, name)
PY
expect 0 "posterior_particle" -- "$PASSAGE" report j1.h5

# 3. compare --posterior: both arms run replication r at the same particle (the
#    pairing of common random numbers is kept): each arm equals the run of its
#    scenario under the posterior.
POLICY=$SRC/configs/policies/peace_settlement.yaml
expect 0 "wrote c.h5" -- "$PASSAGE" compare "$MALI" "${SMALL[@]}" -r 8 -o c.h5 --policy "$POLICY" --posterior three.h5
expect 0 "wrote pol.h5" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 8 -o pol.h5 --policy "$POLICY" --posterior three.h5
/usr/bin/python3 - <<'PY' && echo "ok: compare's arms are paired on the particle" || fail "compare arms not paired"
import h5py, numpy as np
c = h5py.File("c.h5")["arms"]
names = sorted(c)
assert len(names) == 2 and "baseline" in names, names
base, pol = c["baseline"], c[[n for n in names if n != "baseline"][0]]
kb = base["replications/posterior_particle"][...]
assert np.array_equal(kb, pol["replications/posterior_particle"][...])
for arm, f in ((base, "j1.h5"), (pol, "pol.h5")):
    run = h5py.File(f)["replications"]
    for name in run:
        assert np.array_equal(arm["replications"][name][...], run[name][...]), (f, name)
    assert arm["posterior"].attrs["particles"] == 3
PY

# 4. Checkpoint and resume: an interrupted run resumed equals the uninterrupted
#    one; a checkpoint is refused under another posterior or none.
calibration mm1post.h5 calibration "parameters.arrival_rate" "0.3;0.5;0.6" "0.2,0.5,0.3"
MM=(--set parameters.customers=3000 -j 2)
"$PASSAGE" run "$MM1" "${MM[@]}" -r 30000 -q -o whole.h5 --posterior mm1post.h5 ||
  fail "uninterrupted mm1 run"
"$PASSAGE" run "$MM1" "${MM[@]}" -r 30000 -q -o part.h5 --posterior mm1post.h5 --checkpoint p.ckpt --checkpoint-every 0.2 &
pid=$!
sleep 1.5
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ "$rc" = 75 ] && [ -f p.ckpt ]; then
  echo "ok: interrupted (75) with a checkpoint"
  calibration other.h5 calibration "parameters.arrival_rate" "0.3;0.5;0.6" "0.3,0.4,0.3"
  expect 2 "belongs to a different posterior" -- "$PASSAGE" run "$MM1" "${MM[@]}" -r 30000 -q -o r.h5 --posterior other.h5 --resume p.ckpt
  expect 2 "belongs to a different posterior (checkpoint: " -- "$PASSAGE" run "$MM1" "${MM[@]}" -r 30000 -q -o r.h5 --resume p.ckpt
  expect 0 "" -- "$PASSAGE" run "$MM1" "${MM[@]}" -r 30000 -q -o part.h5 --posterior mm1post.h5 --resume p.ckpt
  same whole.h5 part.h5 /replications
elif [ "$rc" = 0 ]; then
  echo "SKIP: the run finished before SIGTERM (a fast machine); resume not exercised"
else
  fail "interrupted run exited $rc, expected 75"
fi

# 5. Errors: exit 2, a clear message, no output.
expect 2 "plain1.h5: not a calibration results file (its kind is 'run')" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior plain1.h5
calibration light.h5 calibration "$COV" "0.2;0.3" "0.5,0.4"
expect 2 "light.h5: the posterior's weights sum to 0.9, not 1" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior light.h5
calibration neg.h5 calibration "$COV" "0.2;0.3" "1.5,-0.5"
expect 2 "neg.h5: /posterior/weights[1] is -0.5; weights are >= 0" -- "$PASSAGE" compare "$MALI" --policy "$POLICY" -r 2 -o never.h5 --posterior neg.h5
calibration lacks.h5 calibration "parameters.monitoring_points.gao_fmp.coverag" "0.2" "1"
expect 2 "the posterior's parameter 'parameters.monitoring_points.gao_fmp.coverag' is not a value of the scenario" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior lacks.h5
expect 2 "hint: did you mean 'parameters.monitoring_points.gao_fmp.coverage'?" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior lacks.h5
calibration bad.h5 calibration "$COV" "0.2;7" "0.5,0.5"
expect 2 "particle 1 of the posterior bad.h5 (parameters.monitoring_points.gao_fmp.coverage=7) makes an invalid scenario" -- "$PASSAGE" run "$MALI" "${SMALL[@]}" -r 6 -o never.h5 --posterior bad.h5
expect 2 "cannot read the posterior: nothing.h5: no such file" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior nothing.h5
echo "not hdf5" > text.h5
expect 2 "text.h5: not an HDF5 file" -- "$PASSAGE" run "$MALI" -r 2 -o never.h5 --posterior text.h5
expect 2 "and the posterior are the same file" -- "$PASSAGE" run "$MALI" -r 2 -o one.h5 --force --posterior one.h5
[ -e never.h5 ] && fail "an output was written on an error"
ls ./*.tmp-* 2>/dev/null && fail "temporary files left"
finish
