"""Figures for chapter 06 (MI for fusion): the log-variance pitfall, representation similarity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.plots.style import new_figure


def plot_logvar_pitfall(traces: Mapping[str, Mapping[str, Sequence[float]]]) -> Figure:
    """The Barber-Agakov head trained with and without the ``-1/2 logvar`` term.

    Args:
        traces: run name -> the dict of :func:`mimml_edu.analysis.fit_ba_head`
            (``objective``, ``log_likelihood``, ``logvar`` per step, nats per dimension).
    Returns:
        a Figure with three panels: the mean log-variance, the objective being maximised,
        and the true Gaussian log-likelihood of the same predictions.
    """
    if not traces:
        raise ValueError("traces is empty: nothing to plot")
    fig = new_figure(11, 3.3)
    axes = fig.subplots(1, 3)
    panels = (
        ("logvar", "mean log-variance of q(y|x)"),
        ("objective", "objective maximised (nats / dim)"),
        ("log_likelihood", "true log-likelihood (nats / dim)"),
    )
    for ax, (key, title) in zip(axes, panels, strict=True):
        for name, trace in traces.items():
            ax.plot(np.arange(1, len(trace[key]) + 1), trace[key], label=name)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("training step")
    axes[2].set_ylim(bottom=max(axes[2].get_ylim()[0], -10))
    axes[0].legend(fontsize=8)
    return fig


def plot_representation_similarity(
    matrices: Mapping[str, np.ndarray],
    names: Sequence[str],
    *,
    retrieval: Mapping[str, Mapping[str, float]] | None = None,
    chance: float | None = None,
) -> Figure:
    """Linear CKA between the representations of several models, side by side.

    Args:
        matrices: model name -> (n, n) CKA matrix over ``names``.
        names: the representations (e.g. ``z``, ``h_text``, ``h_audio``, ``h_video``).
        retrieval: optional model name -> modality -> CPC top-1 retrieval accuracy.
        chance: the retrieval accuracy of guessing (1 / batch size).
    Returns:
        a Figure: one heat map per model, and a bar panel for ``retrieval``.
    """
    if not matrices:
        raise ValueError("matrices is empty: nothing to plot")
    n_panels = len(matrices) + (1 if retrieval else 0)
    fig = new_figure(3.8 * n_panels, 3.6)
    axes = np.atleast_1d(fig.subplots(1, n_panels))
    im = None
    for ax, (model, mat) in zip(axes, matrices.items(), strict=False):
        mat = np.asarray(mat, dtype=float)
        im = ax.imshow(mat, vmin=0, vmax=1, cmap="viridis")
        ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
        ax.set_yticks(range(len(names)), names)
        for i in range(len(names)):
            for j in range(len(names)):
                ax.text(
                    j,
                    i,
                    f"{mat[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="w" if mat[i, j] < 0.6 else "k",
                )
        ax.set_title(f"linear CKA: {model}", fontsize=10)
    if im is not None:
        fig.colorbar(im, ax=axes[: len(matrices)].tolist(), shrink=0.8)
    if retrieval:
        ax = axes[-1]
        models = list(retrieval)
        mods = sorted({m for r in retrieval.values() for m in r})
        width = 0.8 / max(len(models), 1)
        for i, model in enumerate(models):
            vals = [retrieval[model].get(m, np.nan) for m in mods]
            ax.bar(np.arange(len(mods)) + i * width, vals, width, label=model)
        if chance is not None:
            ax.axhline(chance, color="k", ls=":", lw=1, label="chance")
        ax.set_xticks(np.arange(len(mods)) + width * (len(models) - 1) / 2, mods)
        ax.set_ylim(0, 1.3)  # headroom: the legend sits above bars that may reach 1
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_title("CPC top-1 retrieval of h_m from G_m(z)", fontsize=10)
        ax.legend(fontsize=8, loc="upper center", ncol=2)
    return fig
