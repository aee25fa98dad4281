"""Figures of a `passage sensitivity` file, one per output: Sobol' indices (S1 and ST) or
the Morris screening (mu*, sigma), ranked, with their 95% intervals and the
convergence check."""

import math
import os

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from ._common import (DECREASE_COLOUR, INCREASE_COLOUR, NULL_COLOUR, NothingToDraw, caption,
                      display_for, frame, human, label_width_in, new_figure, renderer, signed,
                      tick, wrap_lines, wrap_name)

TOP_PARAMETERS = 15
S1_COLOUR = "#6baed6"
ST_COLOUR = "#08519c"


def ranking(key):
    """Indices by key, largest first, NaN last; ties keep design order."""
    import numpy as np

    k = np.where(np.isfinite(key), key, -np.inf)
    return list(np.argsort(-k, kind="stable"))



def noise_text(sa, ix):
    a = ix["attrs"]
    share = float(a.get("noise_share", float("nan")))
    if sa.replications < 2 or not math.isfinite(share):
        return ("Noise: not estimated (1 replication per point; use -r 2 or more for a "
                "stochastic model).")
    return (f"Noise share: {human(100 * share, 3)}% of the variance of single runs is "
            "run-to-run noise" + (" (indices corrected for it)." if sa.kind == "sensitivity"
                                  else "."))


def left_out_text(sa, order, shown, key_name, key):
    n = len(order) - shown
    if n <= 0:
        return ""
    return (f"{n} more parameter{'s' if n > 1 else ''} with {key_name} <= "
            f"{human(float(key[order[shown]]), 3)} left out; `passage report "
            f"{os.path.basename(sa.path)} --all` lists them.")


def sobol(sa, name):
    """S1 and ST of one output, ranked by ST, with 95% intervals and the estimates at N/2."""
    if name not in sa.indices:
        raise NothingToDraw(f"no /indices/{name}")
    ix = sa.indices[name]
    if "S1" not in ix or "ST" not in ix:
        raise NothingToDraw(f"no S1/ST in /indices/{name}")
    params = ix["parameter"]
    st, s1 = ix["ST"].astype(float), ix["S1"].astype(float)
    get = lambda k: ix[k].astype(float) if k in ix else np.full(len(params), np.nan)  # noqa
    st_lo, st_hi, s1_lo, s1_hi = (get("ST_ci95_low"), get("ST_ci95_high"),
                                  get("S1_ci95_low"), get("S1_ci95_high"))
    st_half, s1_half = get("ST_half"), get("S1_half")
    if not (np.isfinite(st).any() or np.isfinite(s1).any()):
        return None, (f"no finite S1 or ST for {name} (too few base samples, or the points "
                      "failed)")
    order = ranking(st)
    shown = min(TOP_PARAMETERS, len(order))
    top = order[:shown]
    labels = [f"{r + 1}. {wrap_name(params[i])}" for r, i in enumerate(top)]
    n_lines = sum(lab.count("\n") + 1 for lab in labels)

    a = ix["attrs"]
    ch1 = float(a.get("max_change_S1", float("nan")))
    cht = float(a.get("max_change_ST", float("nan")))
    stable = bool(int(a.get("stable", 0))) if "stable" in a else (
        max(ch1, cht) <= 0.05 if math.isfinite(ch1) and math.isfinite(cht) else False)
    unit = sa.unit.get(name, "")
    sum_s1 = float(np.nansum(s1))
    lines = [
        noise_text(sa, ix),
        f"Convergence: max |S1(N) - S1(N/2)| = {human(ch1, 2)}, max |ST(N) - ST(N/2)| = "
        f"{human(cht, 2)}: " + ("stable (both <= 0.05)." if stable else
                                "not yet stable, increase -n."),
        "S1: share of the output's variance due to the parameter alone; ST: including its "
        f"interactions. Sum of S1 = {human(sum_s1, 3)}"
        + ("; 1 - sum: the share due to interactions." if -0.05 <= sum_s1 <= 1.05 else
           ", outside [0, 1]: the estimates are still noisy."),
        "Whiskers: 95% bootstrap intervals over base samples (conservative for scrambled "
        "Sobol' points); ticks: estimates on the first N/2 base samples.",
    ]
    rows_dropped = int(a.get("rows_dropped", 0))
    if rows_dropped:
        lines.append(f"{rows_dropped} of {rows_dropped + int(a.get('rows_used', 0))} base "
                     "samples dropped: a point of theirs failed.")
    more = left_out_text(sa, order, shown, "ST", st)
    if more:
        lines.append(more)
    if sa.failures:
        lines.append(sa.failed_note())

    fig_w = 12.0
    lines = wrap_lines(lines, fig_w)
    fig = new_figure(figsize=(fig_w, 4))
    label_w = label_width_in(fig, labels, 9) + 0.3
    top_in = 1.15
    bottom_in = 0.08 + 0.165 * len(lines) + 0.2 + 0.45
    plot_h = 0.22 * n_lines + 0.3 * shown + 0.2
    fig_h = top_in + plot_h + bottom_in
    fig.set_size_inches(fig_w, fig_h)
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, 1 - (label_w + 0.3) / fig_w,
                       plot_h / fig_h])
    # Rows spaced by their number of text lines.
    heights = [lab.count("\n") + 1 for lab in labels]
    y, pos = [], 0.0
    for h in heights:
        y.append(-(pos + 0.5 * (h - 1) * 0.4))
        pos += 1 + 0.4 * (h - 1)
    y = np.array(y)
    bh = 0.36
    vals = []
    for yi, i in zip(y, top):
        for v, l, h, half, dy, col in ((st[i], st_lo[i], st_hi[i], st_half[i], +bh / 2,
                                        ST_COLOUR),
                                       (s1[i], s1_lo[i], s1_hi[i], s1_half[i], -bh / 2,
                                        S1_COLOUR)):
            ax.barh(yi + dy, v, height=bh, color=col, zorder=2)
            if math.isfinite(l) and math.isfinite(h):
                ax.errorbar([v], [yi + dy], xerr=[[v - l], [h - v]], fmt="none",
                            ecolor="black", capsize=2.5, lw=0.9, zorder=3)
            if math.isfinite(half):
                ax.plot([half], [yi + dy], marker="|", ms=9, mew=1.6, color="#e6550d",
                        zorder=4)
            vals += [v, l, h, half]
    vals = np.array(vals, dtype=float)
    vmin = min(0.0, float(np.nanmin(vals)))
    vmax = max(float(np.nanmax(vals)), 0.05)
    span = vmax - vmin
    ax.set_xlim(vmin - 0.03 * span, vmax + 0.32 * span)
    for yi, i in zip(y, top):
        right = np.nanmax([st[i], st_hi[i], s1[i], s1_hi[i]])
        ax.text(right + 0.02 * span, yi + bh / 2, f"ST {human(st[i], 3)} "
                f"[{human(st_lo[i], 2)}, {human(st_hi[i], 2)}]", va="center", fontsize=7.5)
        ax.text(right + 0.02 * span, yi - bh / 2, f"S1 {human(s1[i], 3)} "
                f"[{human(s1_lo[i], 2)}, {human(s1_hi[i], 2)}]", va="center", fontsize=7.5,
                color="#333333")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y.min() - 0.6 - 0.2 * (heights[-1] - 1), 0.6 + 0.2 * (heights[0] - 1))
    ax.set_xlabel("Sobol' index (share of the variance of the output)")
    ax.xaxis.set_major_formatter(FuncFormatter(tick))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=ST_COLOUR, label="ST (total)"),
               Patch(color=S1_COLOUR, label="S1 (first order)"),
               Line2D([], [], color="black", lw=0.9, label="95% interval"),
               Line2D([], [], color="#e6550d", marker="|", ls="", ms=9, mew=1.6,
                      label="estimate at N/2")]
    fig.legend(handles=handles, loc="upper right", ncol=4, fontsize=8.5, frameon=False,
               bbox_to_anchor=(1 - 0.2 / fig_w, 1 - 0.62 / fig_h))
    frame(fig, f"Sobol' indices of {name}" + (f" ({unit})" if unit else "")
          + f": {len(params)} parameters", sa,
          caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    return fig


def label_points(fig, ax, xs, ys, texts, fontsize=8):
    """Label points, each at the first of a few offsets that does not overlap a label
    already placed or another point; the least crowded one otherwise."""
    r = renderer(fig)
    marks = [ax.transData.transform((x, y)) for x, y in zip(xs, ys)]
    taken = []
    axes_box = ax.get_window_extent(r)
    for k, (x, y, s) in enumerate(zip(xs, ys, texts)):
        tried = []
        for dx, dy in ((5, 4), (5, -4), (-5, 4), (-5, -4), (9, 0), (-9, 0), (0, 9), (0, -9),
                       (14, 10), (-14, 10), (14, -10), (-14, -10)):
            t = ax.annotate(s, (x, y), xytext=(dx, dy), textcoords="offset points",
                            fontsize=fontsize, ha="left" if dx > 0 else
                            ("right" if dx < 0 else "center"),
                            va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                            color="#08306b", zorder=6)
            box = t.get_window_extent(r)
            clashes = sum(box.overlaps(o) for o in taken) + sum(
                box.contains(*marks[j]) for j in range(len(marks)) if j != k)
            outside = (box.x0 < axes_box.x0 or box.x1 > axes_box.x1 or
                       box.y0 < axes_box.y0 or box.y1 > axes_box.y1)
            tried.append((clashes + 10 * outside, len(tried), t))
            if clashes == 0 and not outside:
                break
        best = min(tried, key=lambda c: (c[0], c[1]))[2]
        for _, _, t in tried:
            if t is not best:
                t.remove()
        taken.append(best.get_window_extent(r))
    return taken


def morris(sa, name):
    """mu* of one output ranked, with its interval, sigma and the sign of mu; beside it mu*
    against sigma."""
    if name not in sa.indices:
        raise NothingToDraw(f"no /indices/{name}")
    ix = sa.indices[name]
    if "mu_star" not in ix:
        raise NothingToDraw(f"no mu_star in /indices/{name}")
    params = ix["parameter"]
    k = len(params)
    get = lambda key: ix[key].astype(float) if key in ix else np.full(k, np.nan)  # noqa
    mus, mu, sigma = get("mu_star"), get("mu"), get("sigma")
    lo, hi, half = get("mu_star_ci95_low"), get("mu_star_ci95_high"), get("mu_star_half")
    if not np.isfinite(mus).any():
        raise NothingToDraw(f"no finite mu* for {name} (the points failed)")
    a = ix["attrs"]
    noise_sd = float(a.get("ee_noise_sd", float("nan")))
    change = float(a.get("max_change", float("nan")))
    stable = bool(int(a.get("stable", 0))) if "stable" in a else change <= 0.1
    unit = sa.unit.get(name, "")
    factor, shown_unit = display_for(unit, float(np.nanmax(np.abs(mus))) if k else 0.0)
    mus, mu, sigma, lo, hi, half = (v / factor for v in (mus, mu, sigma, lo, hi, half))
    noise_sd /= factor
    order = ranking(mus)
    shown = min(TOP_PARAMETERS, k)
    top = order[:shown]
    labels = [f"{r + 1}. {wrap_name(params[i])}" for r, i in enumerate(top)]
    heights = [lab.count("\n") + 1 for lab in labels]
    u = f" ({shown_unit})" if shown_unit else ""

    lines = [
        noise_text(sa, ix) + (f" An effect's sd from noise alone: {human(noise_sd, 3)}"
                              f"{' ' + shown_unit if shown_unit else ''} "
                              "(dotted line: a mu* near it is noise)."
                              if math.isfinite(noise_sd) else ""),
        f"Convergence: max |mu*(r) - mu*(r/2)| = {human(100 * change, 3)}% of the largest mu*: "
        + ("stable (<= 10%)." if stable else "not yet stable, increase -n.")
        + " Orange ticks: mu* on the first r/2 trajectories.",
        "mu*: mean |elementary effect|, the change of the output when the parameter moves "
        "across its whole range (importance); colour: the sign of mu, the mean effect (grey: "
        "|mu| < mu*/2, the effect's sign varies).",
        "sigma: sd of the effects (non-linearity, interactions). Whiskers: 95% bootstrap "
        "interval of mu* over trajectories. Label: mu* (mu).",
        "Right: every parameter; the ranked ones numbered. Lines sigma/mu* = 0.1, 0.5, 1 "
        "(Garcia Sanchez et al. 2014): linear below 0.1, monotonic below 0.5,",
        "almost monotonic below 1, non-linear or non-monotonic above.",
    ]
    more = left_out_text(sa, order, shown, "mu*", mus)
    if more:
        lines.append(more)
    if sa.failures:
        lines.append(sa.failed_note())

    fig_w = 15.0
    lines = wrap_lines(lines, fig_w)
    fig = new_figure(figsize=(fig_w, 4))
    label_w = label_width_in(fig, labels, 9) + 0.3
    top_in = 1.15
    bottom_in = 0.08 + 0.165 * len(lines) + 0.2 + 0.45
    plot_h = max(0.3 * shown + 0.2 * sum(h - 1 for h in heights) + 0.3, 4.2)
    fig_h = top_in + plot_h + bottom_in
    fig.set_size_inches(fig_w, fig_h)
    scatter_w = 4.6
    bars_w = fig_w - label_w - scatter_w - 1.3 - 0.3
    ax = fig.add_axes([label_w / fig_w, bottom_in / fig_h, bars_w / fig_w, plot_h / fig_h])
    sx = fig.add_axes([(fig_w - scatter_w - 0.3) / fig_w, bottom_in / fig_h,
                       scatter_w / fig_w, plot_h / fig_h])

    # Left: ranked bars of mu* with sigma.
    y, pos = [], 0.0
    for h in heights:
        y.append(-(pos + 0.5 * (h - 1) * 0.4))
        pos += 1 + 0.4 * (h - 1)
    y = np.array(y)
    pos_col, neg_col = INCREASE_COLOUR, DECREASE_COLOUR

    def colour(i):
        """The sign of the effect: mu against mu* (mixed when |mu| < mu*/2)."""
        if not (math.isfinite(mu[i]) and math.isfinite(mus[i])) or abs(mu[i]) < 0.5 * mus[i]:
            return NULL_COLOUR
        return pos_col if mu[i] > 0 else neg_col

    for yi, i in zip(y, top):
        col = colour(i)
        ax.barh(yi, mus[i], height=0.62, color=col, alpha=0.85, zorder=2)
        if math.isfinite(lo[i]) and math.isfinite(hi[i]):
            ax.errorbar([mus[i]], [yi], xerr=[[mus[i] - lo[i]], [hi[i] - mus[i]]], fmt="none",
                        ecolor="black", capsize=2.5, lw=0.9, zorder=3)
        ax.plot([sigma[i]], [yi], marker="D", ms=5, mfc="white", mec="black", mew=1.0,
                ls="", zorder=4)
        if math.isfinite(half[i]):
            ax.plot([half[i]], [yi], marker="|", ms=11, mew=1.6, color="#e6550d", zorder=4)
    vals = np.concatenate([mus[top], hi[top], sigma[top], half[top]])
    vmax = float(np.nanmax(vals)) if np.isfinite(vals).any() else 1.0
    vmax = vmax or 1.0
    ax.set_xlim(0, vmax * 1.36)
    for yi, i in zip(y, top):
        right = np.nanmax([mus[i], hi[i], sigma[i]])
        ax.text(right + 0.02 * vmax, yi, f"{human(mus[i])} (mu {signed(mu[i])})",
                va="center", fontsize=7.5)
    if math.isfinite(noise_sd) and noise_sd > 0:
        ax.axvline(noise_sd, color="#555555", ls=":", lw=1.2, zorder=1)
    ax.set_yticks(y, labels, fontsize=9)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y.min() - 0.6 - 0.2 * (heights[-1] - 1), 0.6 + 0.2 * (heights[0] - 1))
    ax.set_xlabel(f"mu* and sigma{u}: per whole range of the parameter")
    ax.xaxis.set_major_formatter(FuncFormatter(tick))
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    # Right: mu* against sigma, every parameter.
    ok = np.isfinite(mus) & np.isfinite(sigma)
    sx.scatter(mus[ok], sigma[ok], s=14, color="#bdbdbd", edgecolor="none", zorder=2)
    tcol = [colour(i) for i in top]
    sx.scatter(mus[top], sigma[top], s=26, color=tcol, edgecolor="black", lw=0.5, zorder=3)
    xm = float(np.nanmax(mus[ok])) * 1.12 if ok.any() else 1.0
    ym = float(np.nanmax(sigma[ok])) * 1.12 if ok.any() else 1.0
    xm, ym = xm or 1.0, ym or 1.0
    sx.set_xlim(0, xm)
    sx.set_ylim(0, ym)
    for ratio in (0.1, 0.5, 1.0):
        xe = min(xm, ym / ratio)
        sx.plot([0, xe], [0, ratio * xe], color="#999999", lw=0.8, ls="--", zorder=1)
        sx.text(xe, ratio * xe, f" sigma/mu* = {ratio:g}", fontsize=7.5, color="#777777",
                ha="right" if xe >= xm * 0.99 else "left",
                va="bottom" if xe >= xm * 0.99 else "top")
    if math.isfinite(noise_sd) and noise_sd > 0 and noise_sd < xm:
        sx.axvline(noise_sd, color="#555555", ls=":", lw=1.2, zorder=1)
    sx.set_xlabel(f"mu*{u}")
    sx.set_ylabel(f"sigma{u}")
    sx.xaxis.set_major_formatter(FuncFormatter(tick))
    sx.yaxis.set_major_formatter(FuncFormatter(tick))
    sx.set_title("mu* against sigma", fontsize=10, loc="left")
    sx.grid(color="#f0f0f0")
    sx.set_axisbelow(True)
    for side in ("top", "right"):
        sx.spines[side].set_visible(False)
    renderer(fig)
    fig.canvas.draw()
    label_points(fig, sx, mus[top], sigma[top], [str(r + 1) for r in range(shown)])

    handles = [Patch(color=pos_col, alpha=0.85, label="mu*: rises with the parameter"),
               Patch(color=neg_col, alpha=0.85, label="mu*: falls"),
               Patch(color=NULL_COLOUR, alpha=0.85, label="mu*: sign varies (|mu| < mu*/2)"),
               Line2D([], [], color="black", lw=0.9, label="95% interval of mu*"),
               Line2D([], [], marker="D", ms=5, mfc="white", mec="black", ls="",
                      label="sigma"),
               Line2D([], [], color="#e6550d", marker="|", ls="", ms=9, mew=1.6,
                      label="mu* at r/2")]
    if math.isfinite(noise_sd) and noise_sd > 0:
        handles.append(Line2D([], [], color="#555555", ls=":", lw=1.2, label="noise sd"))
    fig.legend(handles=handles, loc="upper right", ncol=len(handles), fontsize=8.5,
               frameon=False, bbox_to_anchor=(1 - 0.2 / fig_w, 1 - 0.62 / fig_h))
    frame(fig, f"Morris screening of {name}" + (f" ({shown_unit})" if shown_unit else ""),
          sa, caption_lines=len(lines), top_in=top_in)
    caption(fig, "\n".join(lines))
    return fig


