"""The route network on a map: each segment between its places' coordinates (from the
scenario's places.<id>.coordinates), line width proportional to the mean flow, coloured
by mode, over the country borders of Natural Earth (geopandas' bundled
naturalearth_lowres; without geopandas the map has no borders and says so)."""

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ._common import NothingToDraw, caption, frame, mean_ci, new_figure, renderer

MODE_COLOURS = {
    "bus": "#1b6ca8",
    "pickup": "#e08a00",
    "truck": "#b3202a",
    "foot": "#4d9221",
}
EARTH_KM = 6371.0
BORDER_COLOUR = "#9e9e9e"
SEA_COLOUR = "#e8f1f8"


def great_circle_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km on a sphere of radius 6,371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def countries():
    """Natural Earth's low-resolution country polygons (a GeoDataFrame with `name` and
    `geometry`), or (None, why) when geopandas or its bundled data is absent."""
    try:
        import geopandas
    except ImportError:
        return None, "geopandas (python3-geopandas) is not installed"
    try:
        return geopandas.read_file(geopandas.datasets.get_path("naturalearth_lowres")), None
    except Exception as e:  # a missing data set only costs the borders
        return None, f"geopandas' naturalearth_lowres data cannot be read ({e})"


def draw_borders(ax, world, extent):
    """Country outlines and names (grey, under the network) within extent = (lon0, lon1,
    lat0, lat1)."""
    from shapely.geometry import box

    view = box(extent[0], extent[2], extent[1], extent[3])
    shown = world[world.intersects(view)]
    ax.set_facecolor(SEA_COLOUR)
    for geom in shown.geometry:
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            x, y = poly.exterior.xy
            ax.fill(x, y, facecolor="#f7f5ef", edgecolor=BORDER_COLOUR, lw=0.8, zorder=0.5)
    for name, geom in zip(shown["name"], shown.geometry):
        part = geom.intersection(view)
        if part.is_empty or part.area < 0.005 * view.area:
            continue
        p = part.representative_point()
        ax.text(p.x, p.y, name.upper(), fontsize=7.5, color="#a0a0a0", ha="center",
                va="center", zorder=0.6, clip_on=True, style="italic")


def exit_names(run):
    """{place id: exit outcome} from the resolved scenario, when PyYAML is here."""
    try:
        import yaml
    except ImportError:
        return {}
    try:
        tree = yaml.safe_load(run.scenario_text) or {}
        places = tree.get("parameters", {}).get("places", {}) or {}
    except Exception:  # a scenario we cannot read only costs the exit names
        return {}
    out = {}
    for pid, p in places.items():
        if not isinstance(p, dict):
            continue
        if isinstance(p.get("exit"), str):
            out[pid] = p["exit"]
        elif isinstance(p.get("crossing"), dict) and isinstance(p["crossing"].get("exit"), str):
            out[pid] = p["crossing"]["exit"]
    return out


def segment_flows(run):
    """The mean over replications of flow_<segment>, per segment (NaN where the file has
    no such metric)."""
    flows = []
    for s in run.network["seg_id"]:
        x = run.reps.get("flow_" + s)
        flows.append(mean_ci(x)[0] if x is not None else float("nan"))
    return np.array(flows)


def zoom_box(lat, lon, known, hubs, edges):
    """(lon0, lon1, lat0, lat1) around the hubs and every place after them (the crowded
    road north), or None when that is most of the network anyway. hubs: place indices;
    edges: (from, to) indices of the drawn segments."""
    downstream = set(hubs)
    frontier = list(downstream)
    while frontier:
        q = frontier.pop()
        for a, b in edges:
            if a == q and b not in downstream:
                downstream.add(b)
                frontier.append(b)
    if len(downstream) < 2:
        return None
    zl = [lon[i] for i in downstream]
    zb = [lat[i] for i in downstream]
    span = max(max(zl) - min(zl), max(zb) - min(zb), 1.0)
    m = 0.12 * span + 0.3
    zoom = (min(zl) - m, max(zl) + m, min(zb) - m, max(zb) + m)
    full = (lon[known].min(), lon[known].max(), lat[known].min(), lat[known].max())
    if (zoom[1] - zoom[0]) > 0.6 * (full[1] - full[0]):
        return None  # the whole network is about as small: one panel is enough
    return zoom


def map_caption(zoomed, no_borders, missing):
    """The map's caption lines: how widths are made, where places stand, the borders
    (no_borders: why there are none, or None), the places left off."""
    return [
        "Line width proportional to the mean over replications of flow_<segment>, the "
        "migrants who set off on the segment (not all arrive); colour: mode; arrows: direction "
        "of travel." + (" Widths in the left panel are 0.6 times those in the zoom."
                        if zoomed else ""),
        "Places at their coordinates from the scenario (places.<id>.coordinates, latitude and "
        "longitude in degrees); segments drawn as straight lines between their ends (their "
        "length in the model is distance_km).",
        (f"No country borders: {no_borders}." if no_borders else
         "Country borders: Natural Earth 1:110m (geopandas' naturalearth_lowres), for "
         "orientation."),
        ("Left off, having no coordinates in the scenario (with their segments): "
         + ", ".join(missing) + "." if missing else "Every place has coordinates."),
    ]


def route_map(run):
    """The route network at the places' coordinates over country borders, line width
    proportional to the mean flow on each segment; a zoom on the hubs and the road north.
    Places without coordinates, and their segments, are left off and named in the
    caption (no position is made up)."""
    net = run.network
    if net is None:
        raise NothingToDraw("no /network group (places and segments)")
    ids, names = net["place_id"], net["place_name"]
    index = {p: i for i, p in enumerate(ids)}
    lat, lon = net["lat"].astype(float), net["lon"].astype(float)
    known = np.isfinite(lat) & np.isfinite(lon)
    if not known.any():
        raise NothingToDraw("no place has coordinates (places.<id>.coordinates in the "
                            "scenario)")
    flows = segment_flows(run)
    have_flows = bool(np.isfinite(flows).any())
    fmax = float(np.nanmax(flows)) if have_flows and np.nanmax(flows) > 0 else 1.0
    hubs = {line.split(">")[0] for line in net["lines"]}
    exits = [p for p in ids if p not in set(net["seg_from"])]
    exit_outcome = exit_names(run)
    seg_ends = [(index[a], index[b]) for a, b in zip(net["seg_from"], net["seg_to"])]
    drawn_seg = [bool(known[a] and known[b]) for a, b in seg_ends]

    zoom = zoom_box(lat, lon, known,
                    [index[h] for h in hubs if h in index and known[index[h]]],
                    [e for e, ok in zip(seg_ends, drawn_seg) if ok])

    lat0 = float(np.mean(lat[known]))
    aspect = 1.0 / math.cos(math.radians(lat0))
    world, no_borders = countries()
    if zoom:
        fig = new_figure(figsize=(16, 9.6))
        ax, az = fig.subplots(1, 2, gridspec_kw=dict(width_ratios=[1.0, 1.0]))
        fig.subplots_adjust(left=0.045, right=0.99, wspace=0.12)
        panels = [(ax, "whole network", False), (az, "the hubs and the road north (zoom)", True)]
    else:
        fig = new_figure(figsize=(12, 9.6))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.07, right=0.98)
        panels = [(ax, None, True)]
    max_width = 15.0

    def width_of(f):
        """Line width in points, proportional to the flow (a hairline at least)."""
        return max(0.6, max_width * f / fmax)

    def inside(i):
        return zoom is not None and (zoom[0] <= lon[i] <= zoom[1] and zoom[2] <= lat[i] <= zoom[3])

    def draw(ax, detailed, width_scale):
        """Segments, flow labels and markers; returns the flow labels (obstacles)."""
        obstacles = []
        order = np.argsort(-np.nan_to_num(flows, nan=0.0))
        for k in order:
            if not drawn_seg[k]:
                continue
            a, b = seg_ends[k]
            colour = MODE_COLOURS.get(net["seg_mode"][k], "#555555")
            f = flows[k]
            if not np.isfinite(f) or f <= 0:
                ax.plot([lon[a], lon[b]], [lat[a], lat[b]], color=colour, lw=0.8, ls=":",
                        zorder=2)
                continue
            ax.plot([lon[a], lon[b]], [lat[a], lat[b]], color=colour,
                    lw=width_scale * width_of(f), alpha=0.7,
                    solid_capstyle="butt", zorder=2)
            if not detailed and inside(a) and inside(b):
                continue  # labelled in the zoom
            mid = (lon[a] + 0.5 * (lon[b] - lon[a]), lat[a] + 0.5 * (lat[b] - lat[a]))
            ahead = (lon[a] + 0.62 * (lon[b] - lon[a]), lat[a] + 0.62 * (lat[b] - lat[a]))
            ax.annotate("", xy=ahead, xytext=mid, zorder=4, annotation_clip=True,
                        arrowprops=dict(arrowstyle="-|>", color="black", lw=0.6,
                                        mutation_scale=10))
            label = f"{f / 1000:.1f}k" if f >= 1000 else f"{f:.0f}"
            obstacles.append(ax.text(
                lon[a] + 0.38 * (lon[b] - lon[a]), lat[a] + 0.38 * (lat[b] - lat[a]), label,
                fontsize=8, ha="center", va="center", zorder=5, clip_on=True,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=colour, lw=0.7)))
        for i, p in enumerate(ids):
            if not known[i]:
                continue
            marker = "s" if p in hubs else ("^" if p in exits else "o")
            size = 80 if p in hubs or p in exits else 45
            ax.scatter([lon[i]], [lat[i]], s=size, marker=marker, zorder=6, clip_on=True,
                       facecolor="black", edgecolor="black", lw=1.3)
        ax.set_aspect(aspect, adjustable="datalim")
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        ax.grid(color="#e4e4e4", lw=0.6, zorder=0.4)
        return obstacles

    def place_labels(ax, detailed, obstacles):
        """Name every place, on the side away from its segments, avoiding other labels."""
        r = renderer(fig)
        taken = [t.get_window_extent(r).expanded(1.05, 1.1) for t in obstacles]
        marks = [ax.transData.transform((lon[i], lat[i])) if known[i] else
                 np.array([np.nan, np.nan]) for i in range(len(ids))]
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        for i, p in enumerate(ids):
            if not (known[i] and x0 <= lon[i] <= x1 and y0 <= lat[i] <= y1):
                continue
            if not detailed and inside(i) and p not in hubs:
                continue
            v = np.zeros(2)
            for (a, b), ok in zip(seg_ends, drawn_seg):
                j = b if a == i else (a if b == i else None)
                if ok and j is not None:
                    d = ax.transData.transform((lon[j], lat[j])) - marks[i]
                    v -= d / (np.hypot(*d) or 1.0)
            norm = float(np.hypot(*v))
            v = v / norm if norm > 1e-6 else np.array([0.0, 1.0])
            label = names[i]
            if detailed and p in exits:
                label += "\nexit" + (f": {exit_outcome[p]}" if p in exit_outcome else "")
                inflow = sum(fl for fl, t in zip(flows, net["seg_to"])
                             if t == p and np.isfinite(fl))
                if have_flows:
                    label += f"\n{inflow:,.0f} set off towards it"
            elif p in hubs and detailed:
                label += " (hub)"
            base = math.atan2(v[1], v[0])
            axes_box = ax.get_window_extent(r)
            tried = []
            for k in (0, 1, -1, 2, -2, 3, -3, 4):
                angle = base + k * math.pi / 4
                u = np.array([math.cos(angle), math.sin(angle)])
                t = ax.annotate(
                    label, (lon[i], lat[i]), xytext=(14 * u[0], 14 * u[1]),
                    textcoords="offset points", fontsize=8.5, zorder=7, annotation_clip=True,
                    arrowprops=dict(arrowstyle="-", lw=0.6, color="#777777", shrinkA=0,
                                    shrinkB=4),
                    ha="left" if u[0] > 0.35 else ("right" if u[0] < -0.35 else "center"),
                    va="bottom" if u[1] > 0.35 else ("top" if u[1] < -0.35 else "center"),
                    fontweight="bold" if p in hubs else "normal",
                    bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
                box = t.get_window_extent(r)
                clashes = sum(box.overlaps(o) for o in taken) + sum(
                    box.contains(*marks[j]) for j in range(len(ids)) if j != i and known[j])
                outside = (box.x0 < axes_box.x0 or box.x1 > axes_box.x1
                           or box.y0 < axes_box.y0 or box.y1 > axes_box.y1)
                tried.append((clashes + 10 * outside, k != 0, t))
                if clashes == 0 and not outside:
                    break
            # The first candidate that fits, or else the one with the fewest clashes.
            best = min(tried, key=lambda c: (c[0], c[1]))[2]
            for _, _, t in tried:
                if t is not best:
                    t.remove()
            taken.append(best.get_window_extent(r))

    drawn = []
    for panel, title, detailed in panels:
        is_zoom = zoom is not None and panel is not ax
        obstacles = draw(panel, detailed, 1.0 if is_zoom or zoom is None else 0.6)
        if title:
            panel.set_title(title, fontsize=10, loc="left")
        if is_zoom:
            extent = zoom
        else:
            pad = 1.0
            extent = (lon[known].min() - 2.2 * pad, lon[known].max() + 2.2 * pad,
                      lat[known].min() - pad, lat[known].max() + pad)
        panel.set_xlim(extent[0], extent[1])
        panel.set_ylim(extent[2], extent[3])
        if world is not None:
            # The view grows to the figure's aspect (adjustable="datalim"): borders for
            # twice the span, clipped by the axes.
            cx, cy = (extent[0] + extent[1]) / 2, (extent[2] + extent[3]) / 2
            wx, wy = extent[1] - extent[0], extent[3] - extent[2]
            draw_borders(panel, world, (cx - wx, cx + wx, cy - wy, cy + wy))
            panel.set_xlim(extent[0], extent[1])
            panel.set_ylim(extent[2], extent[3])
        if not is_zoom:
            if zoom:
                panel.add_patch(Rectangle((zoom[0], zoom[2]), zoom[1] - zoom[0],
                                          zoom[3] - zoom[2], fill=False, ls="--", lw=0.9,
                                          ec="#555555", zorder=8))
                panel.text(zoom[0], zoom[3], "zoom, right ", ha="right", va="bottom",
                           fontsize=8, color="#555555")
        drawn.append((panel, detailed, obstacles))

    modes = [m for m in MODE_COLOURS if m in set(net["seg_mode"])]
    handles = [Line2D([], [], color=MODE_COLOURS[m], lw=5, alpha=0.7, label=m) for m in modes]
    if have_flows:
        for v in (1000, 10000, 30000):
            if v <= fmax * 1.05:
                handles.append(Line2D([], [], color="#777777", lw=width_of(v),
                                      alpha=0.7, label=f"{v:,} migrants" + (" (zoom)" if zoom
                                                                          else "")))
    if have_flows and (np.nan_to_num(flows, nan=0.0) <= 0).any():
        handles.append(Line2D([], [], color="#777777", lw=1.0, ls=":",
                              label="no migrants (closed or unused)"))
    handles += [
        Line2D([], [], ls="", marker="o", ms=8, mfc="black", mec="black", label="place"),
        Line2D([], [], ls="", marker="s", ms=8, mfc="black", mec="black",
               label="hub (trucks leave from it)"),
        Line2D([], [], ls="", marker="^", ms=8, mfc="black", mec="black", label="exit"),
    ]
    if world is not None:
        handles.append(Line2D([], [], color=BORDER_COLOUR, lw=0.8,
                              label="country border (Natural Earth)"))
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8.5, frameon=False,
               bbox_to_anchor=(0.5, 0.085), columnspacing=2.0, handlelength=3.2,
               handletextpad=1.2)
    frame(fig, "The route network: mean migrants setting off on each segment", run,
          caption_lines=4, xlabel_rows=3)
    renderer(fig)
    fig.canvas.draw()  # fix the axes' final positions before measuring labels
    for panel, detailed, obstacles in drawn:
        place_labels(panel, detailed, obstacles)
    caption(fig, "\n".join(map_caption(bool(zoom), no_borders if world is None else None,
                                        [names[i] for i in range(len(ids)) if not known[i]])))
    return fig

