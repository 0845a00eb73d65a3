"""Chapter 11 (the real corpora): the accuracies a split allows, the majority baseline.

- :func:`check_nearest_accuracies`: ``my_nearest_accuracies(n, target)``, against
  :func:`mimml_edu.reproduce.summary.possible_accuracies`.
- :func:`check_majority_baseline`: ``my_majority_baseline(train_labels, test_labels)``,
  against :func:`mimml_edu.reproduce.summary.baselines`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.exercises.checking import NotYet, call, checker, expect_close
from mimml_edu.reproduce.summary import baselines, possible_accuracies


def solution_nearest_accuracies(n: int, target: float) -> tuple[float, float]:
    """The accuracies ``k / n`` nearest to ``target`` from below and from above (both
    ``target`` itself when some ``k / n`` equals it)."""
    k_low, k_high = math.floor(target * n + 1e-9), math.ceil(target * n - 1e-9)
    return k_low / n, k_high / n


@checker
def check_nearest_accuracies(answer: Callable) -> str:
    """Check ``answer(n, target) -> (below, above)`` on DAIC-WOZ's dev and test sizes, a
    size where the target is reachable, and the edges 0 and 1."""
    cases = [(35, 0.84), (47, 0.84), (25, 0.84), (56, 0.84), (7, 0.5), (10, 0.0), (10, 1.0)]
    for n, target in cases:
        case = f"n = {n}, target {target}"
        got = call(answer, n, target, case=case)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise NotYet(f"{case}: return two numbers (below, above), got {got!r:.60}")
        near = possible_accuracies(n, 0, target=target)["nearest_accuracy"]
        expect_close(np.array(got, dtype=float), np.array([near["below"], near["above"]]),
                     case, atol=1e-12, rtol=0)  # fmt: skip
    return "the two accuracies k/n on either side of the claim (the claim itself if reachable)."


def solution_majority_baseline(train_labels: list[int], test_labels: list[int]) -> tuple:
    """Accuracy and balanced accuracy on ``test_labels`` of always predicting the class
    that is the majority in ``train_labels`` (not depressed on a tie)."""
    majority = int(sum(train_labels) > len(train_labels) / 2)
    y = np.asarray(test_labels)
    accuracy = float((y == majority).mean())
    recalls = [float((y[y == c] == majority).mean()) for c in (0, 1) if (y == c).any()]
    balanced = float(np.mean(recalls)) if len(recalls) == 2 else math.nan
    return accuracy, balanced


def _sessions(labels: list[int]) -> list[Session]:
    return [
        Session(str(i), {m: np.zeros((1, 1), np.float32) for m in MODALITIES},
                {m: np.ones(1, bool) for m in MODALITIES}, phq_score=12.0 * y, label=y)
        for i, y in enumerate(labels)
    ]  # fmt: skip


@checker
def check_majority_baseline(answer: Callable) -> str:
    """Check ``answer(train_labels, test_labels) -> (accuracy, balanced accuracy)`` on
    DAIC-WOZ's proportions, a training set where depressed is the majority, and a test
    set that leans the other way from train."""
    cases = [
        ("DAIC-WOZ's train (30 of 107 depressed) and test (14 of 47)",
         [1] * 30 + [0] * 77, [1] * 14 + [0] * 33),
        ("depressed the majority of train", [1] * 6 + [0] * 2, [1] * 2 + [0] * 5),
        ("a test set leaning the other way from train", [0] * 7 + [1] * 3, [1] * 5 + [0] * 1),
        ("a tie in train (not depressed)", [0, 1, 0, 1], [0, 1, 1]),
    ]  # fmt: skip
    for case, train, test in cases:
        got = call(answer, list(train), list(test), case=case)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise NotYet(f"{case}: return (accuracy, balanced accuracy), got {got!r:.60}")
        rows = {"test": [(y, 12.0 * y, None) for y in test]}
        want = baselines(_sessions(train), rows)["majority_class"]["test"]
        expect_close(np.array(got, dtype=float),
                     np.array([want["accuracy"], want["balanced_accuracy"]]), case,
                     atol=1e-9, rtol=0)  # fmt: skip
    return (
        "the majority class is train's, its accuracy is the test share of that class, and "
        "its balanced accuracy is 0.5."
    )
