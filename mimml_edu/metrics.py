"""Classification and ranking metrics: one place, scikit-learn and SciPy where they have them.

Public API:

- :func:`balanced_accuracy` mean recall of the two classes (0.5 = chance).
- :func:`auroc` area under the ROC curve (ties count one half).
- :func:`average_ranks` 1-based ranks, ties averaged.
- :func:`spearman` rank correlation (NaN when either side is constant).

Every function takes plain sequences or arrays and returns a float (or an array of
ranks); none needs torch. scikit-learn and SciPy are imported on first use.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _both_classes(labels: np.ndarray, what: str) -> None:
    for cls in (0, 1):
        if not (labels == cls).any():
            raise ValueError(f"{what} needs both classes; class {cls} is empty")


def balanced_accuracy(labels: Sequence[int] | np.ndarray, predictions: Sequence[int]) -> float:
    """Mean of the recall of each class (0.5 = chance). Both classes must be present.

    Args:
        labels: (N,) true 0/1 labels.  predictions: (N,) predicted 0/1 labels.
    """
    from sklearn.metrics import balanced_accuracy_score

    labels = np.asarray(labels, dtype=int)
    predictions = np.asarray(predictions, dtype=int)
    if labels.shape != predictions.shape:
        raise ValueError(f"{labels.shape[0]} labels but {predictions.shape[0]} predictions")
    _both_classes(labels, "balanced accuracy")
    return float(balanced_accuracy_score(labels, predictions))


def auroc(labels: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve: P(score of a random positive > a random negative), ties 1/2.

    Args:
        labels: (N,) 0/1, both classes present.  scores: (N,) higher = more likely 1.
    """
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(labels, dtype=int)
    scores = np.asarray(scores, dtype=np.float64)
    if labels.shape != scores.shape:
        raise ValueError(f"{labels.shape[0]} labels but {scores.shape[0]} scores")
    _both_classes(labels, "AUROC")
    return float(roc_auc_score(labels, scores))


def average_ranks(x: Sequence[float] | np.ndarray) -> np.ndarray:
    """(N,) 1-based ranks of ``x``; tied values get the mean of their ranks."""
    from scipy.stats import rankdata

    return rankdata(np.asarray(x, dtype=np.float64), method="average")


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Spearman rank correlation (ties averaged); NaN when either side is constant."""
    rx, ry = average_ranks(x), average_ranks(y)
    if rx.shape != ry.shape:
        raise ValueError(f"{rx.shape[0]} values against {ry.shape[0]}")
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])
