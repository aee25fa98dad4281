"""Small passage results files written with h5py, in the layout the engine writes
(docs/results-format.md), for the tests of passage.plot; and python/ on sys.path."""

import os
import sys

import numpy as np
import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")


def _strings(values):
    import h5py

    return np.array([v.encode() for v in values], dtype=h5py.string_dtype())


@pytest.fixture
def write_run(tmp_path):
    """write_run(places, segments, flows) -> path of a run file with a network.
    places: [(id, name, lat, lon)] (NaN for none); segments: [(id, from, to, mode, km)];
    flows: {segment id: [per-replication migrants]}."""
    import h5py

    def write(places, segments, flows, name="run.h5"):
        path = str(tmp_path / name)
        reps = len(next(iter(flows.values())))
        with h5py.File(path, "w") as f:
            f.attrs["passage_version"] = "0.1.0"
            f.attrs["kind"] = "run"
            f.attrs["scenario_name"] = "test"
            f.attrs["model"] = "mali"
            f.attrs["replications"] = reps
            f.attrs["horizon_days"] = 365.0
            metrics = [f"flow_{s}" for s in flows]
            s = f.create_group("summary")
            s["metric"] = _strings(metrics)
            s["unit"] = _strings(["migrants"] * len(metrics))
            g = f.create_group("replications")
            for seg, x in flows.items():
                ds = g.create_dataset(f"flow_{seg}", data=np.asarray(x, dtype=float))
                ds.attrs["group"] = "Flows"
                ds.attrs["unit"] = "migrants"
            p = f.create_group("network/places")
            p["id"] = _strings([x[0] for x in places])
            p["name"] = _strings([x[1] for x in places])
            p["lat"] = np.array([x[2] for x in places], dtype=float)
            p["lon"] = np.array([x[3] for x in places], dtype=float)
            g = f.create_group("network/segments")
            g["id"] = _strings([x[0] for x in segments])
            g["from"] = _strings([x[1] for x in segments])
            g["to"] = _strings([x[2] for x in segments])
            g["mode"] = _strings([x[3] for x in segments])
            g["distance_km"] = np.array([x[4] for x in segments], dtype=float)
            f["network/truck_lines"] = _strings([])
        return path

    return write


@pytest.fixture
def write_compare(tmp_path):
    """write_compare({policy: {metric: (diff, low, high)}}) -> path of a compare file."""
    import h5py

    def write(effects, name="cmp.h5"):
        path = str(tmp_path / name)
        with h5py.File(path, "w") as f:
            f.attrs["passage_version"] = "0.1.0"
            f.attrs["kind"] = "compare"
            f.attrs["scenario_name"] = "test"
            f.attrs["model"] = "mali"
            f.attrs["replications"] = 8
            f.attrs["seed"] = 1
            f.attrs["policies"] = "\n".join(effects)
            cmp = f.create_group("comparison")
            cmp.attrs["common_random_numbers"] = 1
            for pol, rows in effects.items():
                g = cmp.create_group(pol)
                g.attrs["title"] = pol.replace("_", " ")
                metrics = list(rows)
                g["metric"] = _strings(metrics)
                g["unit"] = _strings(["migrants"] * len(metrics))
                d = np.array([rows[m][0] for m in metrics], dtype=float)
                g["diff_mean"] = d
                g["diff_ci95_low"] = np.array([rows[m][1] for m in metrics], dtype=float)
                g["diff_ci95_high"] = np.array([rows[m][2] for m in metrics], dtype=float)
                g["base_mean"] = np.full(len(metrics), 2000.0)
                g["policy_mean"] = 2000.0 + d
                g["ratio_mean"] = (2000.0 + d) / 2000.0
                g["variance_reduction"] = np.full(len(metrics), 3.0)
        return path

    return write


@pytest.fixture
def write_sweep(tmp_path):
    """write_sweep(inputs (points x parameters), {output: (points x replications)}) -> path
    of a sweep file over uniform parameters p0, p1, ..."""
    import h5py

    def write(inputs, outputs, name="sweep.h5"):
        path = str(tmp_path / name)
        inputs = np.asarray(inputs, dtype=float)
        reps = next(iter(outputs.values())).shape[1]
        with h5py.File(path, "w") as f:
            f.attrs["passage_version"] = "0.1.0"
            f.attrs["kind"] = "sweep"
            f.attrs["method"] = "lhs"
            f.attrs["scenario_name"] = "test"
            f.attrs["model"] = "test"
            f.attrs["seed"] = 1
            f.attrs["replications"] = reps
            f.attrs["points"] = inputs.shape[0]
            d = f.create_group("design")
            names = [f"p{j}" for j in range(inputs.shape[1])]
            d["parameters"] = _strings(names)
            d["paths"] = _strings(names)
            d["distributions"] = _strings(["uniform"] * len(names))
            d["outputs"] = _strings(list(outputs))
            d["inputs"] = inputs
            for o, y in outputs.items():
                ds = f.create_dataset(f"outputs/{o}", data=np.asarray(y, dtype=float))
                ds.attrs["unit"] = ""
        return path

    return write


@pytest.fixture
def tick_texts():
    """tick_texts(fig) -> {(axes index, 'x' or 'y'): [visible tick labels within the view]}
    after drawing."""
    return _tick_texts


def _tick_texts(fig):
    from passage.plot._common import renderer

    renderer(fig)
    fig.canvas.draw()
    out = {}
    for k, ax in enumerate(fig.axes):
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            lo, hi = sorted(axis.get_view_interval())
            span = hi - lo
            labels = [t.get_text() for t, v in zip(axis.get_ticklabels(), axis.get_ticklocs())
                      if t.get_visible() and t.get_text()
                      and lo - 1e-9 * span <= v <= hi + 1e-9 * span]
            out[(k, name)] = labels
    return out
