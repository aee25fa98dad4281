#!/usr/bin/env bash
# Nothing a user ran is lost, and no file the run did not create is deleted or
# replaced (issue 18, items 1-6, 9-11, 16): checkpoint paths, output paths,
# signals, damaged checkpoints, failing checkpoint writes, stdout errors.
# Usage: test_safety.sh PASSAGE_BINARY SOURCE_DIR
set -u
PASSAGE=$(realpath "$1")
SRC=$(realpath "$2")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
source "$SRC/tests/cli/lib.sh"
MM1=$SRC/configs/verification/mm1.yaml
SHORT=(--set parameters.customers=200)
# About 5 s of work on 2 cores, stopped long before it ends.
LONG=(--set parameters.customers=20000 -r 2000)

no_temp_files() {
  if ls ./*.tmp-* ./*/*.tmp-* >/dev/null 2>&1; then fail "$1: a temporary file was left: $(ls ./*.tmp-* ./*/*.tmp-* 2>/dev/null)"; else echo "ok: $1: no temporary file left"; fi
}
# Start a run in the background and wait until it is running (its temporary
# results file exists).
start() {  # OUT -- command...
  local out=$1
  shift 2
  "$@" &
  pid=$!
  for _ in $(seq 1 200); do ls "$out".tmp-* >/dev/null 2>&1 && break; sleep 0.05; done
}
# Wait for $pid at most N seconds; rc is its exit code, or "hung".
wait_for() {
  local n=$1
  for _ in $(seq 1 $((n * 20))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" 2>/dev/null; rc=hung; else wait "$pid"; rc=$?; fi
}

# 1. --checkpoint never deletes or replaces what it did not write.
echo "keep me" >precious.txt
expect 2 "'precious.txt' exists and is not a passage checkpoint" -- \
  "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o a.h5 --checkpoint precious.txt
grep -qx "keep me" precious.txt && echo "ok: precious.txt kept" || fail "precious.txt was changed or deleted"
"$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o results.h5
expect 2 "'results.h5' exists and is not a passage checkpoint" -- \
  "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o b.h5 --checkpoint results.h5
[ -f results.h5 ] && echo "ok: a results file given as --checkpoint is kept" || fail "results.h5 deleted"
cp "$MM1" input.yaml
expect 2 "'input.yaml' exists and is not a passage checkpoint" -- \
  "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o c.h5 --checkpoint input.yaml
cmp -s input.yaml "$MM1" && echo "ok: a scenario given as --checkpoint is kept" || fail "input.yaml deleted"
expect 2 "is not a regular file" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o d.h5 --checkpoint /dev/null
[ -c /dev/null ] && echo "ok: /dev/null is still a device" || fail "/dev/null replaced"
# A checkpoint this run never wrote (the run was too short) is not removed...
expect 0 "" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o e.h5 --checkpoint fresh.ckpt
[ -e fresh.ckpt ] && fail "a checkpoint nobody wrote appeared" || echo "ok: no checkpoint written, none removed"
# ... and one it wrote is removed when it is spent (a checkpoint at every block
# boundary, whatever the machine's speed).
expect 0 "" -- "$PASSAGE" run "$MM1" --set parameters.customers=2000 -r 200 -q -j 2 -o f.h5 \
  --checkpoint spent.ckpt --checkpoint-every 1e-6
[ -e spent.ckpt ] && fail "the run's own spent checkpoint was left" || echo "ok: the run's own checkpoint removed"
# The sensitivity analysis follows the same rule.
ISH=$SRC/configs/verification/ishigami.yaml
expect 2 "'precious.txt' exists and is not a passage checkpoint" -- \
  "$PASSAGE" sensitivity "$ISH" --design "$SRC/configs/sa/ishigami.yaml" --method sobol -n 16 -q \
  -o sa.h5 --checkpoint precious.txt
grep -qx "keep me" precious.txt && echo "ok: precious.txt kept by sensitivity" || fail "sensitivity changed precious.txt"

# 2. The output may not be the checkpoint, the file resumed or an input.
expect 2 "the results file and the checkpoint are the same file" -- \
  "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o x.h5 --checkpoint x.h5
expect 2 "the results file and the checkpoint resumed are the same file" -- \
  "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o results.h5 --resume results.h5 --force
[ -f results.h5 ] && echo "ok: results.h5 kept" || fail "results.h5 deleted by -o = --resume"
cp "$MM1" self.yaml
expect 2 "the results file and the scenario are the same file" -- \
  "$PASSAGE" run self.yaml "${SHORT[@]}" -r 3 -q -o self.yaml --force
cmp -s self.yaml "$MM1" && echo "ok: the scenario is intact" || fail "self.yaml overwritten"
expect 2 "the results file and the scenario are the same file" -- \
  "$PASSAGE" run self.yaml "${SHORT[@]}" -r 3 -q -o ./self.yaml --force
printf 'policy: p\nchanges:\n  - set:\n      parameters.customers: 300\n' >pol.yaml
cp pol.yaml pol.orig
expect 2 "the results file and the policy 'pol.yaml' are the same file" -- \
  "$PASSAGE" compare "$MM1" --policy pol.yaml "${SHORT[@]}" -r 3 -q -o pol.yaml --force
cmp -s pol.yaml pol.orig && echo "ok: the policy is intact" || fail "pol.yaml overwritten"
expect 2 "the checkpoint and the scenario are the same file" -- \
  "$PASSAGE" run self.yaml "${SHORT[@]}" -r 3 -q -o y.h5 --checkpoint self.yaml
no_temp_files "refused paths"

# 3. SIGTERM is honoured when every block ends on a batch boundary (--until).
start u.h5 -- "$PASSAGE" run "$MM1" --set parameters.customers=2000 -r 10 --until mean_wait:rel_ci=1e-5 \
  --max-replications 1000000 -q -o u.h5 --checkpoint u.ckpt
sleep 1
kill -TERM $pid
wait_for 20
[ "$rc" = 75 ] && echo "ok: SIGTERM under --until exits 75" || fail "SIGTERM under --until: exit $rc, expected 75"
[ -f u.ckpt ] && echo "ok: checkpoint written under --until" || fail "no checkpoint under --until"
start cu.h5 -- "$PASSAGE" compare "$SRC/configs/mali-2016.yaml" --policy "$SRC/configs/policies/anti_corruption.yaml" \
  --set parameters.flows.mali_route.annual_migrants=2000 -r 10 --until arrived_algeria:diff_halfwidth=1e-9 \
  --max-replications 1000000 -q -o cu.h5
sleep 1
kill -TERM $pid
wait_for 20
[ "$rc" = 75 ] && echo "ok: SIGTERM under compare --until exits 75" || fail "compare --until: exit $rc, expected 75"
[ -f cu.h5.checkpoint.h5 ] && echo "ok: compare's checkpoint written" || fail "no checkpoint for compare --until"
no_temp_files "--until"

# 4. -o onto anything but a regular file or a new name is refused.
mkfifo fifo
expect 2 "is not a regular file" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o fifo --force
[ -p fifo ] && echo "ok: the FIFO is still a FIFO" || fail "the FIFO was replaced"
expect 2 "is not a regular file" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o /dev/null --force
[ -c /dev/null ] && echo "ok: /dev/null is still a device" || fail "/dev/null replaced"
ln -s results.h5 link.h5
expect 2 "is not a regular file" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o link.h5 --force
[ -L link.h5 ] && echo "ok: the symbolic link is kept" || fail "the link was replaced"

# 5. Two runs with the same -o and no --force: the second to finish does not
#    replace the first's file; its results are kept under another name.
start same.h5 -- "$PASSAGE" run "$MM1" --set parameters.customers=20000 -r 300 -q -o same.h5 --seed 11
expect 0 "" -- "$PASSAGE" run "$MM1" "${SHORT[@]}" -r 3 -q -o same.h5 --seed 22
wait_for 60
[ "$rc" = 1 ] && echo "ok: the later run fails (exit 1)" || fail "the later run exited $rc, expected 1"
h5dump -a /seed same.h5 | grep -q "(0): 22" && echo "ok: same.h5 is the first finished run's" || fail "same.h5 was replaced"
ls same-*.h5 >/dev/null 2>&1 && echo "ok: the later run's results are kept ($(ls same-*.h5))" || fail "the later run's results were lost"
no_temp_files "two runs, one name"

# 6. A second SIGTERM soon after the first, and SIGHUP, are treated like the first.
start t2.h5 -- "$PASSAGE" run "$MM1" "${LONG[@]}" -q -o t2.h5 --checkpoint t2.ckpt
sleep 0.5
kill -TERM $pid
sleep 0.02
kill -TERM $pid 2>/dev/null
wait_for 20
[ "$rc" = 75 ] && echo "ok: two SIGTERMs exit 75" || fail "two SIGTERMs: exit $rc, expected 75"
[ -f t2.ckpt ] && echo "ok: checkpoint after two SIGTERMs" || fail "no checkpoint after two SIGTERMs"
start hup.h5 -- "$PASSAGE" run "$MM1" "${LONG[@]}" -q -o hup.h5 --checkpoint hup.ckpt
sleep 0.5
kill -HUP $pid
wait_for 20
[ "$rc" = 75 ] && echo "ok: SIGHUP exits 75" || fail "SIGHUP: exit $rc, expected 75"
[ -f hup.ckpt ] && echo "ok: checkpoint after SIGHUP" || fail "no checkpoint after SIGHUP"
no_temp_files "signals"

# 9. Damaged checkpoints are refused (exit 2, "damaged"): a Mali checkpoint, which
#    has histograms.
MALI=$SRC/configs/mali-2016.yaml
MSMALL=(--set parameters.flows.mali_route.annual_migrants=2000 -r 4000)
start m.h5 -- "$PASSAGE" run "$MALI" "${MSMALL[@]}" -q -o m.h5 --checkpoint m.ckpt
sleep 1
kill -TERM $pid
wait_for 20
if [ -f m.ckpt ] && /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  cp m.ckpt v99.ckpt
  /usr/bin/python3 -c "import h5py,numpy; f=h5py.File('v99.ckpt','r+'); f.attrs['passage_checkpoint']=numpy.int64(99)"
  expect 2 "v99.ckpt is a checkpoint of format 99" -- "$PASSAGE" run "$MALI" "${MSMALL[@]}" -q -o v.h5 --resume v99.ckpt
  cp m.ckpt hist.ckpt
  /usr/bin/python3 -c "
import h5py, numpy
f = h5py.File('hist.ckpt', 'r+')
d = f['arm0/histograms/h0']
c = d[...]; c[1] = numpy.uint64(2**64 - 1000); d[...] = c"
  expect 2 "hist.ckpt is damaged" -- "$PASSAGE" run "$MALI" "${MSMALL[@]}" -q -o v.h5 --resume hist.ckpt
  cp m.ckpt row.ckpt
  /usr/bin/python3 -c "
import h5py
f = h5py.File('row.ckpt', 'r+')
g = f['arm0/replications']
d = g[sorted(g)[0]]
c = d[...]; c[0] += 1.0; d[...] = c"
  expect 2 "row.ckpt is damaged" -- "$PASSAGE" run "$MALI" "${MSMALL[@]}" -q -o v.h5 --resume row.ckpt
  [ -e v.h5 ] && fail "a results file was written from a damaged checkpoint"
  expect 0 "" -- "$PASSAGE" run "$MALI" "${MSMALL[@]}" -q -o v.h5 --resume m.ckpt
  [ -e m.ckpt ] && fail "the spent checkpoint was not removed" || echo "ok: the spent checkpoint removed"
elif [ -f m.ckpt ]; then
  echo "SKIP: no h5py for the damaged-checkpoint cases"
else
  fail "no checkpoint to damage (exit $rc)"
fi

# 10. A periodic checkpoint that cannot be written is a warning: the run goes on.
mkdir ckdir
start p.h5 -- "$PASSAGE" run "$MM1" --set parameters.customers=20000 -r 400 -q -o p.h5 \
  --checkpoint ckdir/p.ckpt --checkpoint-every 0.1
sleep 0.5
rm -rf ckdir
wait_for 60
[ "$rc" = 0 ] && echo "ok: the run survives a failed checkpoint write" || fail "failed checkpoint write: exit $rc, expected 0"
[ -f p.h5 ] && echo "ok: its results are written" || fail "no results after a failed checkpoint write"

# 11. Errors writing standard output exit 1.
if [ -w /dev/full ]; then
  expect 1 "cannot write to standard output" -- bash -c "'$PASSAGE' report results.h5 --json >/dev/full"
  expect 1 "cannot write to standard output" -- bash -c "'$PASSAGE' validate '$MM1' >/dev/full"
  expect 1 "cannot write to standard output" -- bash -c "'$PASSAGE' report results.h5 >/dev/full"
else
  echo "SKIP: no /dev/full"
fi

# 18 (disk full). HDF5 says only "can't close file" when the disk fills at the
#    end: the message names the full file system. Needs a small tmpfs (root).
mkdir -p small
if mount -t tmpfs -o size=12k tmpfs small 2>/dev/null; then
  expect 1 "the file system of 'small' is full" -- "$PASSAGE" run "$MM1" --set parameters.customers=100 -r 100 -q -o small/x.h5
  [ -z "$(ls small)" ] && echo "ok: nothing left on the full disk" || fail "files left on the full disk: $(ls small)"
  umount small
else
  echo "SKIP: cannot mount a small tmpfs for the disk-full case"
fi

# A temporary name planted beforehand (a symbolic link to a user's file) is
# never followed: the file is created exclusively under the next free name.
echo "victim" >victim.txt
expect 0 "" -- bash -c "ln -s victim.txt planted.h5.tmp-\$\$; exec '$PASSAGE' run '$MM1' --set parameters.customers=200 -r 3 -q -o planted.h5"
grep -qx victim victim.txt && echo "ok: the planted link's target is intact" || fail "victim.txt overwritten through a planted link"
[ -f planted.h5 ] && [ ! -L planted.h5 ] && echo "ok: planted.h5 is a regular file" || fail "planted.h5 is not a regular file"
rm -f planted.h5.tmp-*
# With --force, a name that became a symbolic link during the run is not
# replaced, and the finished results are kept under a spare name.
echo "precious" >precious2.txt
start late.h5 -- "$PASSAGE" run "$MM1" --set parameters.customers=20000 -r 300 -q -o late.h5 --force
ln -s precious2.txt late.h5
wait_for 60
[ "$rc" = 1 ] && echo "ok: --force onto a name that became a link exits 1" || fail "--force onto a new link: exit $rc, expected 1"
grep -qx precious precious2.txt && [ -L late.h5 ] && echo "ok: the link and its target are kept" || fail "the link or its target was replaced"
ls late-*.h5 >/dev/null 2>&1 && echo "ok: the results are kept ($(ls late-*.h5))" || fail "the --force run's results were lost"
# Too many threads is bad input, not a crash.
expect 2 "must be a whole number of threads in [0, 4096]" -- "$PASSAGE" run "$MM1" -r 1 -q -o j.h5 -j 100000

# 10 (full disk). Periodic checkpoints failing on a full disk: warnings, the run
#     finishes and exits 0 (HDF5's exit handlers used to crash on the file it
#     could not close).
mkdir -p tfs
if mount -t tmpfs -o size=64k tmpfs tfs 2>/dev/null; then
  head -c 57344 /dev/zero >tfs/filler
  # A checkpoint is due at every block boundary (every 1e-6 s), whatever the
  # machine's speed: with -j 2 the first block is 4 replications of the 200.
  expect 0 "warning: cannot write the checkpoint" -- "$PASSAGE" run "$MM1" --set parameters.customers=2000 -r 200 -q \
    -j 2 -o full3.h5 --checkpoint tfs/c3.ckpt --checkpoint-every 1e-6
  [ -f full3.h5 ] && echo "ok: results written beside a full checkpoint disk" || fail "no results beside a full checkpoint disk"
  umount tfs
else
  echo "SKIP: cannot mount a small tmpfs for the full checkpoint disk"
fi

# 16. Commands without checkpoints keep the default signal handling: SIGTERM
#     ends `validate` blocked on a FIFO at once.
mkfifo scen.fifo
"$PASSAGE" validate scen.fifo &
pid=$!
sleep 0.3
kill -TERM $pid
wait_for 5
[ "$rc" = 143 ] && echo "ok: SIGTERM ends validate (143)" || fail "validate on a FIFO after SIGTERM: $rc, expected 143"

finish
