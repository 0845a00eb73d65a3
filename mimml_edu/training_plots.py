"""Figures of a training run and its evaluation (static; each returns a Figure).

Kept apart from ``mimml_edu.plots`` so that the model/training figures have one home;
they follow the same rules: matplotlib only, a ``Figure`` returned, ``show()`` never called.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GROUPS = (
    ("task", ("ce", "reg", "uni")),
    ("CPC (z vs each modality)", ("cpc_",)),
    ("Barber-Agakov and entropy", ("lld_", "entropy_")),
)


def plot_history(history: dict[str, Sequence[float]]):
    """Per-term training curves (stage 1 means per epoch) and dev metrics.

    Args:
        history: :attr:`mimml_edu.train.FitResult.history`.
    Returns:
        matplotlib Figure with four panels.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 3.2), layout="constrained")
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
):
    """Each session's P(depressed) from the model, against the oracle's posterior if known.

    Args:
        prob: (N,) model P(depressed) per session.  label: (N,) 0/1.
        oracle_prob: (N,) Bayes posterior of the same sessions, or None.
    Returns:
        matplotlib Figure.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4.5, 4), layout="constrained")
    ax = fig.subplots()
    x = oracle_prob if oracle_prob is not None else np.arange(len(prob))
    for cls, colour, name in ((0, "tab:blue", "not depressed"), (1, "tab:red", "depressed")):
        keep = label == cls
        ax.scatter(x[keep], prob[keep], c=colour, s=18, label=name)
    ax.axhline(0.5, color="grey", lw=0.8, ls="--")
    ax.set(ylabel="model P(depressed), session level", ylim=(0, 1))
    ax.set_xlabel("oracle posterior P(depressed)" if oracle_prob is not None else "session")
    ax.legend(fontsize=8)
    return fig
