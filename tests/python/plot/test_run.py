"""The run figures: a journey-time histogram marks each hub's max_work_days, read
from the parameters as run (parameters.hubs.ID.max_work_days)."""

import types

import numpy as np

from passage.plot import run as plot_run


def a_run(parameters):
    edges = np.arange(0.0, 370.0, 10.0)
    counts = np.ones(len(edges) - 1)
    return types.SimpleNamespace(
        histograms={"journey_days": {"edges": edges, "counts": counts, "unit": "days",
                                     "description": "days from entering the route to the outcome"}},
        parameters={p: str(v) for p, v in parameters.items()},
        number=lambda p: float(parameters[p]) if p in parameters else None,
        network=None, scenario="test", file="run.h5", replications=1,
        reps_text=lambda: "1 replication", subtitle=lambda: "test")


def legend_texts(fig):
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def test_journey_days_marks_each_hubs_max_work_days():
    run = a_run({"parameters.hubs.gao_hub.max_work_days": 180,
                 "parameters.hubs.agadez_hub.max_work_days": 120,
                 "parameters.hubs.kidal_hub.max_work_days": 180,
                 "parameters.hubs.gao_hub.passeur_fee": 25000})
    texts = legend_texts(plot_run.histogram(run, "journey_days"))
    assert "parameters.hubs.agadez_hub.max_work_days = 120" in texts
    assert ("parameters.hubs.gao_hub.max_work_days, parameters.hubs.kidal_hub.max_work_days = 180"
            in texts)
    assert not any("passeur_fee" in t for t in texts)


def test_journey_days_without_a_hub_marks_no_limit():
    texts = legend_texts(plot_run.histogram(a_run({}), "journey_days"))
    assert not any("max_work_days" in t for t in texts)
