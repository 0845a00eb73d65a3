"""The numbers of a reproduction: metrics over seeds with intervals, baselines, and the
accuracies a split's size allows.

Public API:

- :func:`summarize_runs` per split, session level and window level: each metric's mean
  and standard deviation over seeds, its value per seed, and a 95 % interval
  (:func:`~mimml_edu.evaluate.seed_bootstrap`: percentile bootstrap over *sessions* of the
  mean over seeds, the same resampled sessions for every seed; at window level a
  resampled session brings all its windows); the gender breakdown.
- :func:`baselines` the majority class of train and "always depressed", on each split.
- :func:`possible_accuracies` the accuracies and balanced accuracies that a split of
  ``n`` sessions (``n_depressed`` of them depressed) allows, and the nearest to a claim.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from mimml_edu.data.batch import Session
from mimml_edu.evaluate import (
    METRICS,
    Predictions,
    compute_metrics,
    seed_bootstrap,
    subset,
    to_sessions,
)

GENDERS = {0: "female", 1: "male"}


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return math.nan, math.nan
    sd = float(np.std(finite, ddof=1)) if len(finite) > 1 else 0.0
    return float(np.mean(finite)), sd


def _aggregate(per_seed: Sequence[Predictions], groups, n_boot: int) -> dict:
    point = [compute_metrics(p) for p in per_seed]
    ci = seed_bootstrap(per_seed, groups, n_boot=n_boot) if n_boot else {}
    out: dict = {}
    for m in METRICS:
        mean, sd = _mean_sd([v[m] for v in point])
        low, high, used = ci.get(m, (math.nan, math.nan, 0))
        out[m] = {"mean": mean, "sd": sd, "low": low, "high": high,
                  "per_seed": [v[m] for v in point], "resamples": used}  # fmt: skip
    first = per_seed[0]
    out["n"] = int((first.label >= 0).sum())
    out["n_depressed"] = int((first.label == 1).sum())
    return out


def summarize_runs(runs, splits: Sequence[str], *, n_boot: int) -> dict:
    """``{"session_level", "window_level", "by_gender"}``, each split -> metrics.

    Args:
        runs: :class:`~mimml_edu.reproduce.runs.SeedRun` list (same splits each).
        splits: the evaluated splits.  n_boot: bootstrap resamples.
    """
    session, window, gender = {}, {}, {}
    for split in splits:
        windows = [r.windows[split] for r in runs]
        sessions = [to_sessions(w) for w in windows]
        ids = sessions[0].session_id
        session[split] = _aggregate(sessions, [np.array([i]) for i in range(len(ids))], n_boot)
        rows: dict[str, list[int]] = {}
        for i, sid in enumerate(windows[0].session_id):
            rows.setdefault(sid, []).append(i)
        window[split] = _aggregate(windows, [np.array(rows[sid]) for sid in ids], n_boot)
        window[split].update(  # n counts sessions at both levels
            n=session[split]["n"],
            n_depressed=session[split]["n_depressed"],
            n_windows=len(windows[0].session_id),
        )
        gender[split] = {}
        for code, name in GENDERS.items():
            keep = np.flatnonzero(sessions[0].gender == code)
            if len(keep):
                point = [compute_metrics(subset(p, keep)) for p in sessions]
                gender[split][name] = {
                    m: dict(zip(("mean", "sd"), _mean_sd([v[m] for v in point]), strict=True))
                    for m in METRICS
                }
                gender[split][name]["n"] = len(keep)
                gender[split][name]["n_depressed"] = int((sessions[0].label[keep] == 1).sum())
    return {"session_level": session, "window_level": window, "by_gender": gender}


def difference(a: dict, b: dict) -> dict:
    """split -> metric -> mean of ``a`` minus mean of ``b`` (session level blocks)."""
    return {
        split: {m: a[split][m]["mean"] - b[split][m]["mean"] for m in METRICS}
        for split in a
        if split in b
    }


def baselines(train: Sequence[Session], evaluated: dict[str, Sequence[tuple]]) -> dict:
    """The majority class of train and "always depressed", on each evaluated split.

    Both predict the train split's mean PHQ-8 score for the regression metrics; AUROC of
    a constant score is 0.5.

    Args:
        train: the training sessions.
        evaluated: split -> (label, PHQ-8, gender) per session (the held-out labels).
    """
    labels = [s.label for s in train if s.label is not None]
    scores = [s.phq_score for s in train if s.phq_score is not None]
    majority = int(sum(labels) > len(labels) / 2)
    phq = float(np.mean(scores)) if scores else math.nan
    out = {}
    for name, predicted in (("majority_class", majority), ("always_depressed", 1)):
        block = {"predicts": "depressed" if predicted else "not depressed", "phq_predicted": phq}
        for split, rows in evaluated.items():
            n = len(rows)
            p = Predictions(
                [str(i) for i in range(n)], np.full(n, float(predicted)), np.full(n, phq),
                np.array([-1 if r[0] is None else r[0] for r in rows]),
                np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float),
                np.array([-1 if r[2] is None else r[2] for r in rows]),
            )  # fmt: skip
            block[split] = compute_metrics(p)
        out[name] = block
    return out


def _nearest(values: set[Fraction], target: Fraction) -> dict:
    below = max((v for v in values if v <= target), default=None)
    above = min((v for v in values if v >= target), default=None)
    return {
        "below": None if below is None else float(below),
        "above": None if above is None else float(above),
        "any_rounds_to_target": any(round(100 * v) == round(100 * target) for v in values),
    }


def possible_accuracies(n: int, n_depressed: int, *, target: float = 0.84) -> dict:
    """What accuracies a split of ``n`` sessions allows, and the nearest to ``target``.

    Accuracy on ``n`` sessions is ``k / n``; balanced accuracy is
    ``(a / n_depressed + b / (n - n_depressed)) / 2``.

    Returns:
        ``{"n", "n_depressed", "accuracies" (every k/n), "nearest_accuracy" (k and value
        below and above the target, whether any k/n rounds to it as a whole percent),
        "nearest_balanced_accuracy" (below, above, whether any rounds to it)}``.
    """
    t = Fraction(target).limit_denominator(10_000)
    accuracies = {Fraction(k, n) for k in range(n + 1)} if n else set()
    near = _nearest(accuracies, t)
    for side in ("below", "above"):
        value = near[side]
        near[f"k_{side}"] = None if value is None else round(value * n)
    n_neg = n - n_depressed
    balanced = (
        {(Fraction(a, n_depressed) + Fraction(b, n_neg)) / 2
         for a in range(n_depressed + 1) for b in range(n_neg + 1)}
        if n_depressed and n_neg else set()
    )  # fmt: skip
    return {
        "n": n,
        "n_depressed": n_depressed,
        "target": target,
        "accuracies": [float(v) for v in sorted(accuracies)],
        "nearest_accuracy": near,
        "nearest_balanced_accuracy": _nearest(balanced, t) if balanced else None,
    }
