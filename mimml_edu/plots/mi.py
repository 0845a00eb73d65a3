"""Figures for chapter 05 (mutual information).

Computation lives in :mod:`~mimml_edu.mi_lab.staircase`,
:mod:`~mimml_edu.mi_lab.optimal_critics` and :mod:`~mimml_edu.mi_lab.gaussian`;
these functions only draw (except :func:`plot_playground`, the static twin of
:func:`mimml_edu.widgets.mi.mi_playground`, which trains one estimator and draws it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.mi_lab.gaussian import club_closed_form, sample_correlated_gaussian
from mimml_edu.mi_lab.staircase import StaircaseResult, train_staircase
from mimml_edu.plots.style import new_figure

__all__ = [
    "estimator_label",
    "plot_club",
    "plot_estimate_trace",
    "plot_gaussian_pairs",
    "plot_optimal_critic",
    "plot_playground",
    "plot_smile_tradeoff",
    "plot_staircase",
    "plot_variance_vs_mi",
]

LABELS = {
    "infonce": "InfoNCE",
    "nwj": "NWJ",
    "dv": "DV",
    "mine": "MINE",
    "js": "JS",
    "ba": "BA",
    "club": "CLUB",
}


def estimator_label(name: str) -> str:
    """The printed name of an estimator: ``smile_5`` -> ``SMILE τ=5``, ``nwj`` -> ``NWJ``."""
    if name.startswith("smile_"):
        tau = name.removeprefix("smile_")
        return f"SMILE τ={'∞' if tau == 'inf' else tau}"
    return LABELS.get(name, name)


def _trailing_mean(values: np.ndarray, window: int | None = None) -> np.ndarray:
    """Mean of the last ``window`` values at each step (fewer at the start) of a 1-D series.

    Unlike an exponential average, a wild early value leaves the curve after ``window``
    steps. Default window: 2% of the series, at least 5.
    """
    values = np.asarray(values, dtype=float)
    if window is None:
        window = max(5, len(values) // 50)
    if window < 1:
        raise ValueError(f"trailing mean: window must be >= 1, got {window}")
    csum = np.concatenate([[0.0], np.cumsum(values)])
    idx = np.arange(1, len(values) + 1)
    lo = np.maximum(idx - window, 0)
    return (csum[idx] - csum[lo]) / (idx - lo)


def plot_gaussian_pairs(
    mi_values: Sequence[float] = (0.5, 2.0, 6.0), *, dim: int = 20, n: int = 500, seed: int = 0
) -> Figure:
    """Scatter one coordinate pair (x₀, y₀) of the benchmark, plain and cubic, per MI."""
    import torch

    fig = new_figure(3.0 * len(mi_values), 5.4)
    axes = fig.subplots(2, len(mi_values), squeeze=False)
    for k, value in enumerate(mi_values):
        for row, cubic in enumerate((False, True)):
            g = torch.Generator().manual_seed(seed)
            x, y = sample_correlated_gaussian(
                batch_size=n, dim=dim, mi=value, cubic=cubic, generator=g
            )
            ax = axes[row, k]
            ax.scatter(x[:, 0], y[:, 0], s=4, alpha=0.5)
            ax.set_title(
                f"I = {value:g} nats over d={dim}" + (" (y³)" if cubic else ""), fontsize=9
            )
            ax.set_xlabel("x₀")
            ax.set_ylabel("y₀³" if cubic else "y₀")
    return fig


def plot_estimate_trace(result: StaircaseResult, *, ax=None, window: int | None = None) -> Figure:
    """One run: raw estimates per step (light), their trailing mean (dark), the truth (black).

    Args:
        result: a training run.  ax: draw into this Axes (default: a new Figure).
        window: trailing-mean window in steps (default: 2% of the steps, at least 5).
    """
    if ax is None:
        fig = new_figure(6, 3.5)
        ax = fig.subplots()
    else:
        fig = ax.figure
    steps = np.arange(len(result.estimates))
    lo, hi = np.percentile(result.estimates, [0.5, 99.5])
    ax.plot(steps, result.estimates, color="C0", alpha=0.25, lw=0.7, label="estimate")
    ax.plot(steps, _trailing_mean(result.estimates, window), color="C0", lw=1.5, label="mean")
    ax.plot(steps, result.true_mi, color="k", lw=1.2, label="true MI")
    if result.estimator == "infonce":
        batch = result.batch_size
        ax.axhline(
            math.log(batch), color="C3", ls="--", lw=1, label=f"log B = {math.log(batch):.2f}"
        )
    if result.estimator == "club":
        closed = [club_closed_form(v, result.dim) for v in result.true_mi]
        ax.plot(steps, closed, color="C2", ls=":", lw=1.2, label="CLUB with true q")
    top = max(hi, float(result.true_mi.max())) + 1
    ax.set_ylim(min(lo, 0.0) - 0.5, top)
    ax.set_title(estimator_label(result.estimator), fontsize=10)
    ax.set_xlabel("training step")
    ax.set_ylabel("nats")
    return fig


def plot_staircase(results: Sequence[StaircaseResult], *, ncols: int = 5) -> Figure:
    """The staircase figure: one panel per estimator, estimates against the true MI."""
    nrows = math.ceil(len(results) / ncols)
    fig = new_figure(3.2 * ncols, 2.7 * nrows)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    for ax, result in zip(axes.flat, results, strict=False):
        plot_estimate_trace(result, ax=ax)
        ax.set_ylim(-2, max(float(result.true_mi.max()) + 4, 14))
        ax.legend(fontsize=6, loc="upper left")
    for ax in list(axes.flat)[len(results) :]:
        ax.set_visible(False)
    first = results[0]
    fig.suptitle(f"MI staircase, {first.steps_per_stage} steps per stage, {first.data} data")
    return fig


def plot_optimal_critic(
    estimates: Mapping[str, np.ndarray], mi_values: Sequence[float], *, batch_size: int
) -> Figure:
    """Mean ± one std of each estimator with the optimal critic, against the truth."""
    fig = new_figure(7, 4.5)
    ax = fig.subplots()
    x = np.asarray(mi_values, float)
    ax.plot(x, x, color="k", lw=1.5, label="true MI")
    ax.axhline(math.log(batch_size), color="C3", ls="--", lw=1, label=f"log B (B={batch_size})")
    for k, (name, values) in enumerate(estimates.items()):
        mean, std = values.mean(axis=1), values.std(axis=1)
        ax.plot(x, mean, marker="o", ms=3, color=f"C{k}", label=estimator_label(name))
        ax.fill_between(x, mean - std, mean + std, color=f"C{k}", alpha=0.12)
    ax.set_xlabel("true MI (nats)")
    ax.set_ylabel("estimate (nats)")
    ax.set_ylim(-1, 2 * x.max())
    ax.legend(fontsize=7, ncols=2)
    ax.set_title("Estimators with the optimal critic (no training): mean ± std")
    return fig


def plot_variance_vs_mi(estimates: Mapping[str, np.ndarray], mi_values: Sequence[float]) -> Figure:
    """Standard deviation of each estimator across batches against the true MI (log y).

    Args:
        estimates: name -> (len(mi_values), draws) estimates.  mi_values: the truths.
    """
    fig = new_figure(6, 4)
    ax = fig.subplots()
    x = np.asarray(mi_values, float)
    for k, (name, values) in enumerate(estimates.items()):
        ax.semilogy(
            x, values.std(axis=1), marker="o", ms=3, color=f"C{k}", label=estimator_label(name)
        )
    ax.set_xlabel("true MI (nats)")
    ax.set_ylabel("std of the estimate across batches")
    ax.legend(fontsize=7)
    return fig


def plot_smile_tradeoff(taus: Sequence[float], estimates: np.ndarray, *, true_mi: float) -> Figure:
    """SMILE's bias and standard deviation as functions of the clip τ.

    Args:
        taus: the clip values.  estimates: (len(taus), draws) estimates at ``true_mi``.
    """
    fig = new_figure(6, 3.5)
    ax = fig.subplots()
    bias = estimates.mean(axis=1) - true_mi
    std = estimates.std(axis=1)
    ax.plot(taus, bias, marker="o", label="bias (mean − truth)")
    ax.plot(taus, std, marker="s", label="std across batches")
    ax.plot(taus, np.sqrt(bias**2 + std**2), ls="--", color="gray", label="RMSE")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("clip τ")
    ax.set_ylabel("nats")
    ax.set_title(f"SMILE at I = {true_mi:g} nats: clipping trades variance for bias")
    ax.legend(fontsize=8)
    return fig


def plot_club(
    mi_values: Sequence[float], *, dim: int = 20, trained: StaircaseResult | None = None
) -> Figure:
    """CLUB with the true q (closed form) against the truth; optionally a trained run."""
    ncols = 2 if trained is not None else 1
    fig = new_figure(5.5 * ncols, 3.8)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    x = np.linspace(0, max(mi_values), 100)
    axes[0].plot(x, x, color="k", label="true MI")
    axes[0].plot(
        x,
        [club_closed_form(v, dim) for v in x],
        color="C2",
        label="CLUB, true q: d·(exp(2I/d) − 1)",
    )
    axes[0].set_xlabel("true MI (nats)")
    axes[0].set_ylabel("nats")
    axes[0].set_title(f"An upper bound, and a loose one (d = {dim})", fontsize=10)
    axes[0].legend(fontsize=8)
    if trained is not None:
        plot_estimate_trace(trained, ax=axes[1])
        below = trained.estimates < trained.true_mi
        axes[1].fill_between(
            np.arange(len(below)),
            0,
            1,
            where=below,
            color="C3",
            alpha=0.15,
            transform=axes[1].get_xaxis_transform(),
            label="below the truth",
        )
        axes[1].legend(fontsize=7, loc="upper left")
        axes[1].set_title("CLUB while its q is still being fitted", fontsize=10)
    return fig


def plot_playground(
    *,
    estimator: str = "smile_5",
    mi: float = 6.0,
    batch_size: int = 64,
    steps: int = 300,
    seed: int = 0,
    hidden: int = 64,
    lr: float = 2e-3,
) -> Figure:
    """Train one estimator at a fixed MI and draw its estimate converging (or not).

    The static twin of :func:`~mimml_edu.widgets.mi.mi_playground`.

    Args:
        estimator: a benchmark name (:data:`~mimml_edu.mi_lab.staircase.ESTIMATOR_NAMES`)
            or ``smile_<tau>`` for any clip τ > 0.
        mi: the true MI in nats.  batch_size: pairs per step.  steps: Adam steps.
        seed: seed of the data and the critic.  hidden: critic width.  lr: Adam's rate.
    Returns:
        the Figure of :func:`plot_estimate_trace`, titled with the mean ± std of the
        estimate over the last quarter of the steps.
    """
    result = train_staircase(
        estimator,
        mi_values=(mi,),
        steps_per_stage=steps,
        batch_size=batch_size,
        seed=seed,
        hidden=hidden,
        embed=16,
        layers=1,
        lr=lr,
    )
    fig = plot_estimate_trace(result)
    tail = result.stage_stats(window=max(steps // 4, 1))[0]
    fig.axes[0].legend(fontsize=7, loc="lower right")
    fig.axes[0].set_title(
        f"{estimator_label(estimator)}: last {max(steps // 4, 1)} steps "
        f"{tail['mean']:.2f} ± {tail['std']:.2f} vs truth {mi:g} nats (B={batch_size})",
        fontsize=9,
    )
    return fig
