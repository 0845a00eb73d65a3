"""Figures of the component-effect map (chapter 08): every regime at a glance, or one in
detail, from the map's rows and verdicts (:func:`mimml_edu.component_map.load_map`).

- :func:`plot_component_map`: ``regime="all"``: a heat map, one row per regime and test
  condition, one column per variant, of the difference to full MIMML (or the gap to the
  oracle), bold where its 95 % interval excludes 0, with the verdict of each prediction;
  a regime's name: that regime's differences with their intervals, one panel per
  condition. The static twin of :func:`mimml_edu.widgets.regimes.regime_browser`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mimml_edu.plots.style import new_figure

#: measure -> (value, low, high) columns of the map's rows
MEASURES: dict[str, tuple[str, str, str]] = {
    "difference to full MIMML": ("diff_to_full", "diff_low", "diff_high"),
    "gap to the oracle": ("vs_oracle", "vs_oracle_low", "vs_oracle_high"),
}
#: what a measure's numbers are, for the colour bar and axis labels
MEANING: dict[str, str] = {
    "difference to full MIMML": "variant minus full MIMML",
    "gap to the oracle": "variant minus the oracle with the variant's modalities",
}
#: verdict -> the mark drawn beside a predicted cell
MARKS: dict[str, str] = {"confirmed": "✓", "not confirmed": "○", "contradicted": "✗"}
FULL = "MIMML (full)"


def _records(table: Any) -> list[dict[str, Any]]:
    if table is None:
        return []
    if hasattr(table, "to_dict"):
        return table.to_dict("records")
    return [dict(r) for r in table]


def _predicted(verdicts: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(regime, condition, variant) -> the verdict row of its balanced-accuracy prediction."""
    return {
        (v["regime"], v["condition"], v["variant"]): v
        for v in verdicts
        if v.get("quantity") == "balanced_accuracy"
    }


def plot_component_map(
    rows: Any,
    verdicts: Any = None,
    *,
    regime: str = "all",
    measure: str = "difference to full MIMML",
) -> Figure:
    """The component-effect map, all regimes or one.

    Args:
        rows: the map's rows (a DataFrame or a list of dicts: ``regime``, ``condition``,
            ``variant``, ``balanced_accuracy_mean``, ``oracle_balanced_accuracy`` and the
            columns of ``measure``).
        verdicts: the verdict rows (``regime``, ``condition``, ``variant``, ``quantity``,
            ``expect``, ``verdict``), or None.
        regime: ``"all"`` or one regime's name.
        measure: a key of :data:`MEASURES`.
    Returns:
        a Figure.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {list(MEASURES)}, got {measure!r}")
    table, marks = _records(rows), _predicted(_records(verdicts))
    if not table:
        raise ValueError("the map has no rows: nothing to plot")
    regimes = list(dict.fromkeys(r["regime"] for r in table))
    if regime != "all" and regime not in regimes:
        raise ValueError(f"regime must be 'all' or one of {regimes}, got {regime!r}")
    if measure != "difference to full MIMML":
        marks = {}  # the predictions are about differences to full MIMML
    if regime == "all":
        return _heat_map(table, marks, measure)
    return _forest(table, marks, regime, measure)


def _cell(r: Mapping[str, Any], measure: str) -> tuple[float, float, float]:
    v, lo, hi = (float(r.get(c, np.nan)) for c in MEASURES[measure])
    return v, lo, hi


def _heat_map(table: list[dict], marks: dict, measure: str) -> Figure:
    cases = list(dict.fromkeys((r["regime"], r["condition"]) for r in table))
    variants = list(dict.fromkeys(r["variant"] for r in table))
    if measure == "difference to full MIMML":
        variants = [v for v in variants if v != FULL]
    index = {(r["regime"], r["condition"], r["variant"]): r for r in table}
    values = np.full((len(cases), len(variants)), np.nan)
    for i, (reg, cond) in enumerate(cases):
        for j, var in enumerate(variants):
            if (reg, cond, var) in index:
                values[i, j] = _cell(index[(reg, cond, var)], measure)[0]
    top = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 0.1
    top = max(0.05, float(top))
    fig = new_figure(1.0 + 0.75 * len(variants) + 2.6, 1.6 + 0.42 * len(cases))
    ax = fig.subplots()
    im = ax.imshow(values, cmap="RdBu", vmin=-top, vmax=top, aspect="auto")
    for i, (reg, cond) in enumerate(cases):
        for j, var in enumerate(variants):
            r = index.get((reg, cond, var))
            if r is None or not np.isfinite(values[i, j]):
                continue
            v, lo, hi = _cell(r, measure)
            shown = lo > 0 or hi < 0
            text = f"{v:+.2f}"
            if (reg, cond, var) in marks:
                text += " " + MARKS.get(marks[(reg, cond, var)]["verdict"], "?")
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, lw=1.6, ec="k"))
            ink = "white" if abs(v) > 0.6 * top else "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color=ink,
                    fontweight="bold" if shown else "normal")  # fmt: skip
    labels = []
    for reg, cond in cases:
        full = index.get((reg, cond, FULL))
        extra = ""
        if full is not None:
            extra = (f"  (MIMML {full['balanced_accuracy_mean']:.2f}, "
                     f"oracle {full['oracle_balanced_accuracy_all']:.2f})")  # fmt: skip
        labels.append(f"{reg} · {cond}{extra}")
    ax.set_yticks(range(len(cases)), labels, fontsize=8)
    ax.set_xticks(range(len(variants)), variants, rotation=35, ha="right", fontsize=8)
    fig.colorbar(im, ax=ax, label=f"{MEANING[measure]} (balanced accuracy)", shrink=0.8)
    ax.set_title(
        f"component-effect map: {measure}, fresh sessions, mean over seeds\n"
        "bold: 95 % interval excludes 0;  framed: a prediction, ✓ confirmed  ○ not confirmed  "
        "✗ contradicted",
        fontsize=9,
    )
    return fig


def _forest(table: list[dict], marks: dict, regime: str, measure: str) -> Figure:
    mine = [r for r in table if r["regime"] == regime]
    conditions = list(dict.fromkeys(r["condition"] for r in mine))
    variants = list(dict.fromkeys(r["variant"] for r in mine))
    if measure == "difference to full MIMML":
        variants = [v for v in variants if v != FULL]
    fig = new_figure(1.5 + 4.2 * len(conditions), 1.4 + 0.34 * len(variants))
    axes = fig.subplots(1, len(conditions), sharex=True, sharey=True, squeeze=False)[0]
    y = np.arange(len(variants))[::-1]
    for ax, cond in zip(axes, conditions, strict=True):
        index = {r["variant"]: r for r in mine if r["condition"] == cond}
        for yi, var in zip(y, variants, strict=True):
            r = index.get(var)
            if r is None:
                continue
            v, lo, hi = _cell(r, measure)
            color = "tab:red" if hi < 0 else "tab:blue" if lo > 0 else "0.4"
            ax.errorbar(v, yi, xerr=[[v - lo], [hi - v]], fmt="o", color=color, capsize=3)
            hit = marks.get((regime, cond, var))
            if hit is not None:
                ax.annotate(f"{hit['expect']} {MARKS.get(hit['verdict'], '?')}", (1.0, yi),
                            xycoords=("axes fraction", "data"), xytext=(4, 0),
                            textcoords="offset points", va="center", fontsize=9)  # fmt: skip
        ax.axvline(0.0, color="k", lw=1)
        full = index.get(FULL)
        head = cond
        if full is not None:
            head += (f"\nMIMML {full['balanced_accuracy_mean']:.3f}, "
                     f"oracle {full['oracle_balanced_accuracy_all']:.3f}")  # fmt: skip
        ax.set_title(head, fontsize=9)
        ax.set_xlabel(f"{MEANING[measure]}, 95 % interval", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(y, variants, fontsize=8)
    fig.suptitle(
        f"regime {regime!r}: {measure} (red: below, blue: above, with its interval); "
        "prediction: expected sign and ✓ / ○ / ✗",
        fontsize=9,
    )
    return fig
