"""The network map: every place of the Mali scenario at real coordinates, no position
made up, country borders under the network."""

import math
import os

import numpy as np
import pytest

from passage import plot
from passage.plot.network import great_circle_km

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def mali():
    yaml = pytest.importorskip("yaml")
    with open(os.path.join(ROOT, "configs", "mali-2016.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)["parameters"]


def value(v):
    return v["value"] if isinstance(v, dict) else v


def test_every_mali_place_has_coordinates_with_their_source():
    places = mali()["places"]
    assert len(places) == 17
    for pid, p in places.items():
        lat, lon = p.get("coordinates", (None, None))
        assert lat is not None, f"{pid} has no coordinates"
        assert -90 <= lat <= 90 and -180 <= lon <= 180


# The places FabFlee has (../shared/data/fabflee-mali/key-places.csv), by id.
FABFLEE = {"bamako": "Bamako", "gao": "Gao", "kidal": "Kidal", "ber": "Ber",
           "timbuktu": "Timbuktu", "tin_zaouatene": "Tin Zaouatene", "labbezanga": "Labbezanga"}


def test_coordinates_are_fabflee_s_where_it_has_the_place_and_tagged_where_not():
    places = mali()["places"]
    for pid, p in places.items():
        if pid not in FABFLEE:
            assert p.get("note", "").startswith("coordinates:"), \
                f"{pid}: coordinates not from FabFlee, and no note says where they come from"
    csv_path = os.path.join(ROOT, "..", "shared", "data", "fabflee-mali", "key-places.csv")
    if not os.path.exists(csv_path):
        pytest.skip(f"{csv_path} is not here")
    import csv

    with open(csv_path, encoding="utf-8") as f:
        rows = {r["name"]: r for r in csv.DictReader(f)}
    for pid, name in FABFLEE.items():
        assert places[pid]["coordinates"] == [float(rows[name]["lat"]), float(rows[name]["lon"])]
        assert "note" not in places[pid]


def test_the_places_are_where_they_are():
    at = {pid: p["coordinates"] for pid, p in mali()["places"].items()}
    # What a reader saw on the old map: Nouakchott drawn at 24.6 N, Dakar south of Conakry.
    assert 17.5 < at["nouakchott"][0] < 18.5
    assert at["nouakchott"][0] > at["dakar"][0] > at["banjul"][0] > at["conakry"][0]
    assert at["abidjan"][0] < at["conakry"][0]
    assert at["dakar"][1] < at["banjul"][1] < at["conakry"][1] < at["bamako"][1]


def test_each_segment_is_at_least_as_long_as_the_great_circle_between_its_ends():
    par = mali()
    at = {pid: p["coordinates"] for pid, p in par["places"].items()}
    for sid, s in par["segments"].items():
        road = value(s["distance_km"])
        high = s["distance_km"]["range"][1] if isinstance(s["distance_km"], dict) else road
        straight = great_circle_km(*at[s["from"]], *at[s["to"]])
        # A road is longer than the straight line, but not by more than a detour of 2.
        assert straight <= high, f"{sid}: {straight:.0f} km straight, at most {high} by road"
        assert road <= 2.0 * straight, f"{sid}: {road} km by road, {straight:.0f} straight"


NETWORK = dict(
    places=[("a", "Alpha", 12.0, -8.0), ("b", "Beta", 16.0, 0.0), ("c", "Gamma", math.nan,
                                                                   math.nan),
            ("d", "Delta", 19.0, 1.0)],
    segments=[("a_b", "a", "b", "bus", 1000.0), ("b_c", "b", "c", "truck", 300.0),
              ("b_d", "b", "d", "truck", 400.0)],
    flows={"a_b": [100.0, 120.0], "b_c": [40.0, 50.0], "b_d": [60.0, 70.0]})


def test_a_place_without_coordinates_is_left_off_and_named(write_run):
    res = plot.open_results(write_run(**NETWORK))
    fig = plot.network.route_map(res)
    ax = fig.axes[0]
    shown = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    # Markers only at the coordinates of the file: none placed by rule.
    assert sorted(map(tuple, shown)) == sorted([(-8.0, 12.0), (0.0, 16.0), (1.0, 19.0)])
    caption = "\n".join(t.get_text() for t in fig.texts)
    assert "Left off, having no coordinates in the scenario (with their segments): Gamma." \
        in caption
    names = [t.get_text().split("\n")[0] for t in ax.texts]
    assert "Gamma" not in names and "Delta" in names


def test_country_borders_under_the_network(write_run):
    pytest.importorskip("geopandas")
    fig = plot.network.route_map(plot.open_results(write_run(**NETWORK)))
    ax = fig.axes[0]
    assert len(ax.patches) > 5  # country polygons
    assert all(p.get_zorder() < 1 for p in ax.patches)
    assert "MALI" in [t.get_text() for t in ax.texts]
    assert "Country borders: Natural Earth" in "\n".join(t.get_text() for t in fig.texts)


def test_without_geopandas_the_map_says_it_has_no_borders(write_run, monkeypatch):
    monkeypatch.setattr(plot.network, "countries",
                        lambda: (None, "geopandas (python3-geopandas) is not installed"))
    fig = plot.network.route_map(plot.open_results(write_run(**NETWORK)))
    assert not fig.axes[0].patches
    assert "No country borders: geopandas (python3-geopandas) is not installed." in \
        "\n".join(t.get_text() for t in fig.texts)


def test_no_coordinates_at_all_is_nothing_to_draw(write_run):
    net = dict(NETWORK, places=[(p, n, math.nan, math.nan) for p, n, _, _ in
                                NETWORK["places"]])
    with pytest.raises(plot.NothingToDraw, match="no place has coordinates"):
        plot.network.route_map(plot.open_results(write_run(**net)))
