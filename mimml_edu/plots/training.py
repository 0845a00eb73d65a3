"""Figures of a training run and its evaluation (chapter 08, ``mimml-edu demo --out``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.plots.style import CLASS_COLORS, CLASS_NAMES, new_figure

GROUPS = (
    ("task", ("ce", "reg", "uni")),
    ("CPC (z vs each modality)", ("cpc_",)),
    ("Barber-Agakov and entropy", ("lld_", "entropy_")),
)


def plot_history(history: dict[str, Sequence[float]]) -> Figure:
    """Per-term training curves (stage 1 means per epoch) and dev metrics.

    Args:
        history: :attr:`mimml_edu.train.FitResult.history`.
    Returns:
        a Figure with four panels.
    """
    fig = new_figure(12, 3.2)
    axes = fig.subplots(1, 4)
    for ax, (title, prefixes) in zip(axes, GROUPS, strict=False):
        for key, values in history.items():
            if not key.startswith("stage1/"):
                continue
            name = key.split("/", 1)[1]
            if any(name == p or (p.endswith("_") and name.startswith(p)) for p in prefixes):
                ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=name)
        ax.set(title=title, xlabel="epoch")
        if ax.lines:
            ax.legend(fontsize=7)
    ax = axes[3]
    for key in ("dev/macro_f1", "dev/balanced_accuracy"):
        if key in history:
            ax.plot(np.arange(1, len(history[key]) + 1), history[key], marker=".", label=key)
    ax.set(title="dev (session level)", xlabel="epoch", ylim=(0, 1))
    ax.legend(fontsize=7)
    return fig


def plot_session_scores(
    prob: np.ndarray, label: np.ndarray, oracle_prob: np.ndarray | None = None
) -> Figure:
    """Each session's P(depressed) from the model, against the oracle's posterior if known.

    Args:
        prob: (N,) model P(depressed) per session.  label: (N,) 0/1.
        oracle_prob: (N,) Bayes posterior of the same sessions, or None.
    Returns:
        a Figure.
    """
    fig = new_figure(4.5, 4)
    ax = fig.subplots()
    x = oracle_prob if oracle_prob is not None else np.arange(len(prob))
    for cls in (0, 1):
        keep = label == cls
        ax.scatter(x[keep], prob[keep], c=CLASS_COLORS[cls], s=18, label=CLASS_NAMES[cls])
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set(ylabel="model P(depressed), session level", ylim=(0, 1))
    ax.set_xlabel("oracle posterior P(depressed)" if oracle_prob is not None else "session")
    ax.legend(fontsize=8)
    return fig
