"""Figures of the model (chapters 04, 07, 08): one window's gate, models against the oracle,
the padding check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.plots.style import MISSING_COLOR, new_figure


def plot_window_gate(
    gate: np.ndarray,
    mask: np.ndarray,
    *,
    signal_turns: np.ndarray | None = None,
    title: str = "gate of the gated BiGRU+CNN block",
) -> Figure:
    """Per-turn gate values: how much of each turn's output comes from the BiGRU.

    Args:
        gate: (K, d) gate ``G`` of one window (1 = all BiGRU, 0 = all CNN).
        mask: (K,) bool, True where the turn exists.
        signal_turns: optional (K,) bool, True where the turn carries the synthetic signal.
        title: the axes title.
    Returns:
        a Figure: a heat map of ``G`` (turns x channels) above the mean gate per turn.
    """
    gate = np.asarray(gate, dtype=float)
    mask = np.asarray(mask, dtype=bool)
    if gate.ndim != 2 or gate.shape[0] != mask.shape[0]:
        raise ValueError(f"gate must be (K, d) and mask (K,), got {gate.shape} and {mask.shape}")
    fig = new_figure(8, 4.2)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    shown = np.where(mask[:, None], gate, np.nan)
    im = top.imshow(shown.T, aspect="auto", cmap="coolwarm", vmin=0, vmax=1, origin="lower")
    top.set_ylabel("channel of F")
    top.set_title(title)
    fig.colorbar(im, ax=top, label="G (1 = BiGRU, 0 = CNN)")
    turns = np.arange(len(mask))
    means = np.where(mask, gate.mean(axis=1), np.nan)
    colors = ["0.6"] * len(turns)
    if signal_turns is not None:
        colors = ["tab:red" if s else "0.6" for s in np.asarray(signal_turns, bool)]
    bottom.bar(turns, np.nan_to_num(means), color=colors)
    for t in turns[~mask]:
        bottom.axvspan(t - 0.5, t + 0.5, color=MISSING_COLOR, zorder=0)
    bottom.set_ylim(0, 1)
    bottom.set_xlabel("turn in window (grey band: masked)")
    bottom.set_ylabel("mean G")
    if signal_turns is not None:
        bottom.set_title("red: turn answers a mood question (carries signal)", fontsize=9)
    return fig


def plot_baselines(
    results: Mapping[str, Mapping[str, float]],
    *,
    oracle: Mapping[str, float] | None = None,
    metric: str = "balanced_accuracy",
    title: str = "session-level balanced accuracy, test split",
    whisker: str = "95% bootstrap interval",
) -> Figure:
    """Bars with 95 % intervals for several models, and the oracle's value for each.

    The oracle's balanced accuracy (or AUROC) is a ceiling; for other metrics it is a
    reference (see :data:`mimml_edu.evaluate.ORACLE_OPTIMAL`).

    Args:
        results: model name -> ``{"value", "low", "high"}`` of ``metric``.
        oracle: model name -> the Bayes oracle's value given the same inputs.
        metric: the metric's name (for the axis label).  title: the axes title.
        whisker: what ``low``/``high`` are (for the axis label), e.g. ``"mean ± sd"``.
    Returns:
        a Figure with one horizontal bar per model.
    """
    names = list(results)
    if not names:
        raise ValueError("results is empty: nothing to plot")
    fig = new_figure(7, 0.55 * len(names) + 1.4)
    ax = fig.subplots()
    y = np.arange(len(names))[::-1]
    vals = np.array([results[n]["value"] for n in names])
    low = np.array([results[n]["low"] for n in names])
    high = np.array([results[n]["high"] for n in names])
    err = np.vstack([vals - low, high - vals])
    ax.barh(y, vals, xerr=np.nan_to_num(err), color="tab:blue", alpha=0.8, capsize=4)
    if oracle:
        oy = [y[i] for i, n in enumerate(names) if n in oracle]
        ox = [oracle[n] for n in names if n in oracle]
        ax.scatter(ox, oy, marker="|", s=400, color="k", zorder=3, label="oracle (Bayes)")
        fig.legend(loc="outside lower right", fontsize=8)
    ax.axvline(0.5, color="0.5", ls=":", lw=1)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"{metric} (bar: model, whisker: {whisker})")
    ax.set_title(title)
    return fig


def plot_padding_check(
    outputs: Sequence[np.ndarray], labels: Sequence[str], *, title: str = ""
) -> Figure:
    """Overlay several versions of one output vector (e.g. clean vs. garbage in padding).

    Args:
        outputs: each a (d,) vector.  labels: one name each.  title: the axes title.
    Returns:
        a Figure; identical vectors draw on top of each other.
    """
    fig = new_figure(7, 2.6)
    ax = fig.subplots()
    styles = ["-", "--", ":", "-."]
    for i, (o, lab) in enumerate(zip(outputs, labels, strict=True)):
        ax.plot(np.asarray(o), styles[i % 4], lw=2 - 0.4 * i, label=lab)
    ax.set_xlabel("output channel")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig
