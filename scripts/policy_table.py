#!/usr/bin/python3
"""The policy table (issue 15): baseline against each lever in configs/policies/,
paired differences (policy - baseline, 95% interval) of arrivals, deaths, state and
armed-group revenue, with route choice by utility on (full information), or with
--no-choice off (every branch by the scenario's fixed weights: the table before route
choice).

    scripts/policy_table.py [-r 40] [-j 2] [--passage build/app/passage]
                            [--choice '{weights: {...}} | --no-choice'] [--keep FILE.h5]

One `passage compare` of every policy (common random numbers), then the rows of
`passage report --csv`. The choice weights are this table's assumption
(docs/behaviour.md, "The policy table")."""
import argparse
import csv
import glob
import io
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
METRICS = [("arrived_algeria", "arrivals", 1.0),
           ("died", "deaths", 1.0),
           ("revenue_kind_state", "state M CFA", 1e-6),
           ("revenue_kind_armed_group", "armed groups M CFA", 1e-6)]
CHOICE = "{weights: {attack: 10, death: 10, kidnapping: 10, interception: 10}}"


def fmt(x):
    return f"{x:+,.0f}" if abs(x) >= 100 else f"{x:+,.1f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-r", type=int, default=40, help="paired replications")
    ap.add_argument("-j", type=int, default=2, help="threads")
    ap.add_argument("--passage", default=os.path.join(ROOT, "build/app/passage"))
    how = ap.add_mutually_exclusive_group()
    how.add_argument("--choice", default=CHOICE, help="parameters.choice (YAML flow mapping)")
    how.add_argument("--no-choice", action="store_true",
                     help="route choice off: the scenario's fixed weights (no parameters.choice)")
    ap.add_argument("--keep", help="keep the compare file here")
    a = ap.parse_args()
    policies = sorted(glob.glob(os.path.join(ROOT, "configs/policies/*.yaml")))
    with tempfile.TemporaryDirectory() as tmp:
        out = a.keep or os.path.join(tmp, "policies.h5")
        cmd = [a.passage, "compare", os.path.join(ROOT, "configs/mali-2016.yaml"), "-r", str(a.r),
               "-j", str(a.j), "-q", "--force", "-o", out]
        if not a.no_choice:
            cmd += ["--set", "parameters.choice=" + a.choice]
        for p in policies:
            cmd += ["--policy", p]
        subprocess.run(cmd, check=True)
        rows = subprocess.run([a.passage, "report", out, "--csv"], check=True,
                              capture_output=True, text=True).stdout
    table = {}
    for r in csv.DictReader(io.StringIO(rows)):
        table[(r["policy"], r["metric"])] = r
    if a.no_choice:
        print(f"mali-2016, {a.r} paired replications, route choice off (the scenario's fixed "
              "weights)")
    else:
        print(f"mali-2016, {a.r} paired replications, choice {a.choice} (full information)")
    print("difference = policy - baseline [95% interval], per year")
    names = [os.path.splitext(os.path.basename(p))[0] for p in policies]
    head = ["policy"] + [label for _, label, _ in METRICS]
    base = ["baseline"] + [f"{float(table[(names[0], m)]['baseline_mean']) * s:,.0f}"
                           for m, _, s in METRICS]
    lines = [head, base]
    for n in names:
        cells = [n]
        for m, _, s in METRICS:
            r = table[(n, m)]
            cells.append(f"{fmt(float(r['diff_mean']) * s)} [{fmt(float(r['diff_ci95_low']) * s)}, "
                         f"{fmt(float(r['diff_ci95_high']) * s)}]")
        lines.append(cells)
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    for k, l in enumerate(lines):
        print("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i])
                        for i, c in enumerate(l)))
        if k == 0:
            print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
