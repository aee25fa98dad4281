#!/usr/bin/env bash
# Peak memory is flat in the number of replications: the Mali model (a small
# flow, so that the test is quick) at 10,000 and at 80,000 replications, on one
# thread, peak resident sets within 5% of each other. From about 10,000
# replications on, blocks of rows are at their largest and the writer thread
# has started, so what remains is what grows with the replications (HDF5's chunk
# index: a few bytes each; before it was a version-1 B-tree and the summary read
# whole columns: +11% here). Not run under sanitizers, whose allocators change the
# figures. Usage: test_memory.sh PASSAGE SRC
PASSAGE=$1
SRC=$2
source "$(dirname "$0")/lib.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

peak_kib() {  # peak RSS (KiB) of one run of passage
  /usr/bin/python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}
small=(--set parameters.flows.mali_route.annual_migrants=20 -j1 -q --force)
a=$(peak_kib "$PASSAGE" run "$SRC/configs/mali-2016.yaml" -r 10000 -o "$T/a.h5" "${small[@]}") || fail "the 10,000-replication run failed"
b=$(peak_kib "$PASSAGE" run "$SRC/configs/mali-2016.yaml" -r 80000 -o "$T/b.h5" "${small[@]}") || fail "the 80,000-replication run failed"
echo "peak RSS: 10,000 replications $a KiB, 80,000 replications $b KiB"
if [ -n "$a" ] && [ -n "$b" ] && [ "$((b * 20))" -le "$((a * 21))" ]; then
  echo "ok: within 5%"
else
  fail "peak memory grows with replications: $a KiB -> $b KiB"
fi
finish
