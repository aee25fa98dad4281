"""The engine runs with the GIL released: Python threads run beside it, and two
threads calling passage.run at once run at the same time instead of one after
the other."""

import os
import threading
import time

import pytest

import passage
from support import MALI

# About 0.3 s of one core per call (half the baseline's flow, 8 replications).
WORK = dict(replications=8, threads=1, seed=3,
            set={"parameters.flows.mali_route.annual_migrants": 18000})


def test_python_runs_while_the_engine_does():
    # While a run holds no GIL, this thread keeps counting. With the GIL held
    # for the whole call it could not count at all until the call returned.
    done = threading.Event()
    ticks = []

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    t = threading.Thread(target=count)
    t0 = time.perf_counter()
    t.start()
    passage.run(MALI, **WORK)
    t1 = time.perf_counter()
    done.set()
    t.join()
    during = [x for x in ticks if t0 + 0.05 < x < t1 - 0.05]
    # At least a quarter of the ticks an unhindered thread would make (the sleep
    # is 5 ms; a loaded machine stretches it).
    assert len(during) >= 0.25 * (t1 - t0 - 0.1) / 0.005, (len(during), t1 - t0)


def two_calls():
    """Two threads calling passage.run at once: the pair's wall seconds, and the
    engine's own wall seconds of each run (the file's wall_seconds)."""
    runs = [None, None]

    def one(i):
        runs[i] = passage.run(MALI, **WORK)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return wall, [r.attrs["wall_seconds"] for r in runs]


def series():
    t0 = time.perf_counter()
    passage.run(MALI, **WORK)
    passage.run(MALI, **WORK)
    return time.perf_counter() - t0


def test_two_runs_in_threads_run_at_the_same_time():
    passage.run(MALI, **WORK)  # warm up
    # Held, the GIL would put one engine run after the other: the pair would take
    # at least the sum of their own times. Released, they share the wall clock:
    # about half of it on two cores, and still about half on a machine so busy
    # that the two together get one core's share (each then takes twice as long,
    # but at the same time). This is a measure of concurrency, not of speed.
    wall, own = two_calls()
    assert wall < 0.8 * sum(own), (wall, own)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_two_runs_in_parallel_beat_two_in_series():
    # With the GIL held, parallel takes as long as series (ratio about 1);
    # released, about 0.5 on two idle cores. On a machine busy with other work
    # (load above the cores we would use) the scheduler gives this process's
    # threads one share together, and wall time shows nothing either way: then
    # the overlap test above is the check.
    if os.getloadavg()[0] > (os.cpu_count() or 1) - 1.5:
        pytest.skip(f"machine busy (load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    passage.run(MALI, **WORK)  # warm up
    ratios = []
    for _ in range(3):
        s = series()
        p, _ = two_calls()
        ratios.append(p / s)
        if ratios[-1] < 0.85:
            break
    assert min(ratios) < 0.85, ratios
