"""What the Python tests share: the source tree, the `passage` binary the API is
checked against, and an h5 comparison that ignores only what differs between two
runs of the same command (times, the command line itself).

Run by ctest (`python_tests`) with PYTHONPATH=<build>/python, PASSAGE_BINARY and
PASSAGE_SOURCE_DIR set; by hand: PYTHONPATH=build/python python3 -m pytest tests/python
"""

import os
import pathlib
import subprocess

import h5py
import numpy as np

SRC = pathlib.Path(os.environ.get("PASSAGE_SOURCE_DIR",
                                  pathlib.Path(__file__).resolve().parents[2]))
BINARY = pathlib.Path(os.environ.get("PASSAGE_BINARY", SRC / "build" / "app" / "passage")).resolve()

MALI = str(SRC / "configs" / "mali-2016.yaml")
MM1 = str(SRC / "configs" / "verification" / "mm1.yaml")
ISHIGAMI = str(SRC / "configs" / "verification" / "ishigami.yaml")
ISHIGAMI_DESIGN = str(SRC / "configs" / "sa" / "ishigami.yaml")
POLICIES = SRC / "configs" / "policies"
CONJUGATE = str(SRC / "configs" / "verification" / "conjugate.yaml")
CONJUGATE_DESIGN = str(SRC / "configs" / "sa" / "conjugate.yaml")
CONJUGATE_OBSERVATIONS = str(SRC / "configs" / "observations" / "conjugate.yaml")
#: A tenth of the baseline's flow: a replication in about 10 ms.
SMALL = "parameters.flows.mali_route.annual_migrants=3000"

#: Attributes that differ between two runs of the same command.
VOLATILE = {"command", "started", "finished", "wall_seconds", "write_seconds",
            "write_behind_seconds"}


def passage_cli(*args, check=True):
    """Run the passage executable; the CompletedProcess (text)."""
    p = subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"passage {' '.join(map(str, args))} exited {p.returncode}:\n"
                             f"{p.stdout}{p.stderr}")
    return p


def _same_value(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        # Bit for bit: the same bytes (NaN where NaN, -0.0 where -0.0).
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def assert_same_file(a, b, volatile=VOLATILE):
    """Every group, dataset and attribute of two results files equal, bit for
    bit, except the attributes named in `volatile` (which must exist in both)."""
    problems = []
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        names_a, names_b = [], []
        fa.visit(names_a.append)
        fb.visit(names_b.append)
        if names_a != names_b:
            problems.append(f"objects differ: {sorted(set(names_a) ^ set(names_b))[:10]}")
        for name in ["/"] + [n for n in names_a if n in fb]:
            oa, ob = fa[name], fb[name]
            if set(oa.attrs) != set(ob.attrs):
                problems.append(f"{name}: attributes {sorted(set(oa.attrs) ^ set(ob.attrs))}")
            for k in oa.attrs:
                if k in volatile or k not in ob.attrs:
                    continue
                if not _same_value(oa.attrs[k], ob.attrs[k]):
                    problems.append(f"{name}@{k}: {oa.attrs[k]!r} != {ob.attrs[k]!r}")
            if isinstance(oa, h5py.Dataset) and not _same_value(oa[()], ob[()]):
                problems.append(f"{name}: values differ")
    assert not problems, "\n".join(problems[:20])
