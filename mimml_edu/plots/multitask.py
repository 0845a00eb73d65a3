"""Figures for chapter 07 (multi-task): the generated unimodal labels and their weights."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.plots.style import CLASS_COLORS, MODALITY_COLORS, new_figure


def plot_label_trajectories(
    snapshots: Mapping[str, np.ndarray],
    y_m: np.ndarray,
    *,
    n_show: int = 40,
    seed: int = 0,
) -> Figure:
    """Generated unimodal labels of some training windows, epoch by epoch.

    Args:
        snapshots: modality -> (E, N) labels ``y_s`` after each of E epochs.
        y_m: (N,) the fusion label (scaled PHQ-8) each window starts from.
        n_show: how many windows to draw (random, fixed by ``seed``).
    Returns:
        a Figure with one panel per modality; epoch 0 is ``y_m``; red lines are depressed
        windows (``y_m > 0``), blue the others.
    """
    if not snapshots:
        raise ValueError("snapshots is empty: was the model trained with multitask?")
    y_m = np.asarray(y_m, dtype=float)
    mods = list(snapshots)
    fig = new_figure(4 * len(mods), 3.4)
    axes = np.atleast_1d(fig.subplots(1, len(mods), sharey=True))
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(y_m), size=min(n_show, len(y_m)), replace=False)
    for ax, m in zip(axes, mods, strict=True):
        labels = np.asarray(snapshots[m], dtype=float)
        if labels.ndim != 2 or labels.shape[1] != len(y_m):
            raise ValueError(f"snapshots[{m!r}] must be (E, {len(y_m)}), got {labels.shape}")
        path = np.vstack([y_m[None], labels])  # (E + 1, N)
        epochs = np.arange(path.shape[0])
        for i in pick:
            ax.plot(epochs, path[:, i], color=CLASS_COLORS[int(y_m[i] > 0)], alpha=0.45, lw=1)
        ax.axhline(0, color="k", lw=0.8)
        ax.set_title(f"{m}: generated label y_s")
        ax.set_xlabel("epoch (0 = start, y_s = y_m)")
    axes[0].set_ylabel("label (scaled PHQ-8; > 0 = depressed)")
    return fig


def plot_label_shift(snapshots: Mapping[str, np.ndarray], y_m: np.ndarray) -> Figure:
    """How far the unimodal labels moved from the fusion label, and the loss weights.

    Args:
        snapshots: modality -> (E, N) labels after each epoch.  y_m: (N,) fusion labels.
    Returns:
        a Figure: mean ``|y_s - y_m|`` per epoch, and the histogram of the final weights
        ``tanh(|y_s - y_m|)`` per modality.
    """
    if not snapshots:
        raise ValueError("snapshots is empty: was the model trained with multitask?")
    y_m = np.asarray(y_m, dtype=float)
    fig = new_figure(10, 3.3)
    left, right = fig.subplots(1, 2)
    for m, labels in snapshots.items():
        gap = np.abs(np.asarray(labels, dtype=float) - y_m[None])  # (E, N)
        color = MODALITY_COLORS.get(m)
        left.plot(np.arange(1, gap.shape[0] + 1), gap.mean(1), marker=".", color=color, label=m)
        right.hist(
            np.tanh(gap[-1]), bins=30, range=(0, 1), histtype="step", lw=1.5, color=color, label=m
        )
    left.set(xlabel="epoch", ylabel="mean |y_s − y_m|", title="labels drift from y_m")
    right.set(
        xlabel="weight tanh(|y_s − y_m|)",
        ylabel="training windows",
        title="unimodal loss weights, last epoch",
    )
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return fig
