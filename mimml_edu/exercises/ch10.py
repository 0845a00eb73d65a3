"""Chapter 10 (evaluating honestly): balanced accuracy and macro-F1 by hand.

- :func:`check_balanced_accuracy`: ``my_balanced_accuracy(labels, predictions)``, against
  :func:`mimml_edu.metrics.balanced_accuracy` on the known labels.
- :func:`check_macro_f1`: ``my_macro_f1(labels, predictions)``, against the ``macro_f1``
  of :func:`mimml_edu.evaluate.compute_metrics`.

Both take ``labels`` with ``-1`` for an unknown label (left out) and raise ``ValueError``
when a class has no known label (the metric is undefined then).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mimml_edu.evaluate import Predictions, compute_metrics
from mimml_edu.exercises.checking import NotYet, call, checker, expect_close, expect_raises
from mimml_edu.metrics import balanced_accuracy

#: (what the case is, labels, predictions); -1 = unknown label
_CASES = [
    ("a perfect rule", [0, 0, 1, 1, 0], [0, 0, 1, 1, 0]),
    ("imbalanced labels, a few errors", [0, 0, 0, 0, 0, 0, 1, 1], [0, 1, 0, 0, 0, 0, 1, 0]),
    ("always 'not depressed'", [0, 0, 0, 1, 1, 0], [0, 0, 0, 0, 0, 0]),
    ("always 'depressed'", [0, 1, 0, 0, 1], [1, 1, 1, 1, 1]),
    ("unknown labels (-1) among them", [0, -1, 1, 1, -1, 0, 0], [1, 1, 1, 0, 0, 0, 0]),
]
_EMPTY = [
    ("no depressed session", [0, 0, -1, 0], [0, 1, 1, 0]),
    ("no known label of class 0", [1, -1, 1], [1, 0, 0]),
]


def _random_cases() -> list[tuple[str, list[int], list[int]]]:
    rng = np.random.default_rng(10)
    labels = rng.choice([-1, 0, 0, 0, 1, 1], size=40)
    labels[:2] = [0, 1]  # both classes known
    flip = rng.random(40) < 0.3
    predictions = np.where(flip, 1 - labels.clip(0), labels.clip(0))
    return [("40 random sessions", labels.tolist(), predictions.tolist())]


def solution_balanced_accuracy(labels: np.ndarray, predictions: np.ndarray) -> float:
    """The mean of the two recalls over the sessions whose label is known."""
    known = labels >= 0
    y, p = labels[known], predictions[known]
    recalls = []
    for c in (0, 1):
        if not (y == c).any():
            raise ValueError(f"class {c} has no known label: balanced accuracy is undefined")
        recalls.append(float((p[y == c] == c).mean()))  # the share of class c predicted as c
    return (recalls[0] + recalls[1]) / 2


def solution_macro_f1(labels: np.ndarray, predictions: np.ndarray) -> float:
    """The mean of the two classes' F1 = 2 TP / (2 TP + FP + FN), over the known labels."""
    known = labels >= 0
    y, p = labels[known], predictions[known]
    f1 = []
    for c in (0, 1):
        if not (y == c).any():
            raise ValueError(f"class {c} has no known label: macro-F1 is undefined")
        tp = float(((p == c) & (y == c)).sum())
        f1.append(2 * tp / ((y == c).sum() + (p == c).sum()))  # never 0/0: class c is there
    return (f1[0] + f1[1]) / 2


def _reference_balanced_accuracy(labels: np.ndarray, predictions: np.ndarray) -> float:
    known = labels >= 0
    return balanced_accuracy(labels[known], predictions[known])


def _reference_macro_f1(labels: np.ndarray, predictions: np.ndarray) -> float:
    n = len(labels)
    zeros = np.zeros(n)
    p = Predictions([str(i) for i in range(n)], predictions.astype(float), zeros, labels,
                    zeros, zeros)  # fmt: skip
    return compute_metrics(p)["macro_f1"]


def _check(answer: Callable, reference: Callable, what: str) -> None:
    for case, labels, predictions in _CASES + _random_cases():
        y, p = np.array(labels), np.array(predictions)
        got = call(answer, y, p, case=f"{case} (labels {labels}, predictions {predictions})")
        if not np.isscalar(got) and np.ndim(got) != 0:
            raise NotYet(f"{case}: return one number, got {type(got).__name__}")
        expect_close(np.float64(float(got)), np.float64(reference(y, p)), f"{case}, {what}")
    for case, labels, predictions in _EMPTY:
        expect_raises(
            answer,
            np.array(labels),
            np.array(predictions),
            error=ValueError,
            case=f"{case} (labels {labels})",
            why=f"a class without any known label leaves {what} undefined",
        )


@checker
def check_balanced_accuracy(answer: Callable) -> str:
    """Check ``answer(labels (N,), predictions (N,)) -> float`` on perfect, imbalanced and
    constant rules, with unknown labels (-1) left out, and raising ValueError for a class
    without a known label."""
    _check(answer, _reference_balanced_accuracy, "balanced accuracy")
    return "the mean of the two recalls over the known labels, and an error for an empty class."


@checker
def check_macro_f1(answer: Callable) -> str:
    """Check ``answer(labels (N,), predictions (N,)) -> float`` on the same cases as
    :func:`check_balanced_accuracy` (a constant rule has F1 = 0 for the class it never
    predicts: no division by zero), raising ValueError for a class without a known label."""
    _check(answer, _reference_macro_f1, "macro-F1")
    return (
        "the mean of the two classes' F1 over the known labels, and an error for an empty class."
    )
