"""Paired differences with intervals over training seeds and test sessions, and verdicts.

The interval of a difference between two variants (or a variant and the oracle) is a
**hierarchical paired bootstrap**: each draw resamples the training seeds (the pairs
``(variant run s, reference run s)``, with replacement) and, independently, the fresh test
sessions (with replacement, the same draw for both sides, so the comparison is paired by
person); the statistic is the mean over the drawn seeds of the balanced-accuracy
difference on the drawn sessions. The 2.5 and 97.5 percentiles of the draws give the 95 %
interval. It covers both what the training seed and which people were tested do to a
difference.

Verdicts of a prediction on ``variant - reference``: ``"<"`` / ``">"``: *confirmed* when the
interval lies entirely on the predicted side of 0, *contradicted* when it lies entirely on
the other side, *not confirmed* when it includes 0. ``"="`` (no difference, within a margin
stated with the prediction): *confirmed* when the interval lies inside ``(-margin,
margin)``, *contradicted* when it excludes 0 and reaches beyond the margin, *not
confirmed* otherwise (it includes 0 but is too wide to call the two equal).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VERDICTS = ("confirmed", "not confirmed", "contradicted")


def balanced_accuracy_weighted(
    correct: np.ndarray, labels: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Balanced accuracy of several runs under several session weightings.

    Args:
        correct: ``(S, n)`` bool, run ``s`` decided session ``i`` right.
        labels: ``(n,)`` 0/1.  weights: ``(B, n)`` non-negative weights (bootstrap counts).
    Returns:
        ``(B, S)``; NaN where a weighting gives a class no weight.
    """
    pos = np.asarray(labels) == 1
    correct = np.asarray(correct, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr = weights[:, pos] @ correct[:, pos].T / weights[:, pos].sum(1, keepdims=True)
        tnr = weights[:, ~pos] @ correct[:, ~pos].T / weights[:, ~pos].sum(1, keepdims=True)
    return (tpr + tnr) / 2


@dataclass(frozen=True)
class Interval:
    """A difference with its bootstrap interval.

    Attributes:
        value: the mean over seeds of the difference on all sessions.
        low, high: the interval.  p_not_above: share of draws where the difference <= 0
            (a one-sided bootstrap p-value for "the difference is > 0").
        draws: how many draws were defined.
    """

    value: float
    low: float
    high: float
    p_not_above: float
    draws: int


def paired_interval(
    decisions: np.ndarray,
    reference: np.ndarray,
    labels: np.ndarray,
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    sessions: np.ndarray | None = None,
) -> Interval:
    """Hierarchical paired bootstrap of a balanced-accuracy difference (module docstring).

    Args:
        decisions: ``(S, n)`` 0/1 decisions of the variant, one row per training seed.
        reference: ``(S, n)`` the reference's decisions for the same seeds, or ``(n,)`` a
            fixed reference (the oracle).
        labels: ``(n,)`` 0/1.  n_boot: draws.  level: interval level.  seed: of the draws.
        sessions: optional ``(n,)`` bool, the sessions to use (e.g. those with a modality).
    Returns:
        :class:`Interval` of ``BA(variant) - BA(reference)``.
    """
    decisions = np.atleast_2d(np.asarray(decisions))
    reference, labels = np.asarray(reference), np.asarray(labels)
    fits = reference.shape in (decisions.shape, decisions.shape[1:])
    if not fits or labels.shape != decisions.shape[1:]:
        raise ValueError(
            f"decisions {decisions.shape}, reference {reference.shape} and labels "
            f"{labels.shape} do not fit"
        )
    reference = np.broadcast_to(reference, decisions.shape)
    if sessions is not None:
        keep = np.asarray(sessions, bool)
        decisions, reference, labels = decisions[:, keep], reference[:, keep], labels[keep]
    n_seeds, n = decisions.shape
    correct_a, correct_b = decisions == labels, reference == labels
    ones = np.ones((1, n))
    point = float(
        np.mean(
            balanced_accuracy_weighted(correct_a, labels, ones)
            - balanced_accuracy_weighted(correct_b, labels, ones)
        )
    )
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(np.float64)
    diff = balanced_accuracy_weighted(correct_a, labels, weights) - balanced_accuracy_weighted(
        correct_b, labels, weights
    )  # (B, S)
    picks = rng.integers(0, n_seeds, size=(n_boot, n_seeds))
    draws = np.take_along_axis(diff, picks, axis=1).mean(1)
    draws = draws[np.isfinite(draws)]
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail]) if len(draws) else (math.nan,) * 2
    return Interval(point, float(low), float(high), float(np.mean(draws <= 0)), len(draws))


def seed_interval(
    values: np.ndarray,
    reference: float | np.ndarray,
    *,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Bootstrap over seeds of ``mean(values - reference)`` (e.g. a gate mean against 0.5).

    Args:
        values: ``(S,)`` one value per seed.  reference: a number or ``(S,)`` paired values.
    """
    d = np.asarray(values, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
    d = d[np.isfinite(d)]
    if not len(d):
        return Interval(math.nan, math.nan, math.nan, math.nan, 0)
    rng = np.random.default_rng(seed)
    draws = d[rng.integers(0, len(d), size=(n_boot, len(d)))].mean(1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return Interval(float(d.mean()), float(low), float(high), float(np.mean(draws <= 0)), n_boot)


def verdict(expect: str, low: float, high: float, *, margin: float = 0.0) -> str:
    """``confirmed``, ``not confirmed`` or ``contradicted`` (rules in the module docstring).

    Args:
        expect: ``"<"``, ``">"`` or ``"="`` for the sign of ``variant - reference``.
        low, high: the interval.  margin: the equivalence margin of ``"="`` (> 0).
    """
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"not an interval: [{low}, {high}]")
    if expect == "<":
        return "confirmed" if high < 0 else "contradicted" if low > 0 else "not confirmed"
    if expect == ">":
        return "confirmed" if low > 0 else "contradicted" if high < 0 else "not confirmed"
    if expect == "=":
        if not margin > 0:
            raise ValueError(f"an '=' prediction needs a margin > 0, got {margin}")
        if -margin < low and high < margin:
            return "confirmed"
        return "contradicted" if (low > 0 or high < 0) else "not confirmed"
    raise ValueError(f"expect must be '<', '>' or '=', got {expect!r}")
