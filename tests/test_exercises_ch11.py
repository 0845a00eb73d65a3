"""Chapter 11's checkers reject typical wrong answers: nearest accuracies, the majority
baseline."""

from __future__ import annotations

import math

import numpy as np
import pytest
from exercise_testing import assert_not_yet, params


def _rounded(n, target):
    k = round(target * n)
    return k / n, k / n


def _majority_of_test(train, test):
    y = np.asarray(test)
    majority = int(y.mean() > 0.5)
    return float((y == majority).mean()), 0.5


def _tie_depressed(train, test):
    majority = int(sum(train) >= len(train) / 2)
    y = np.asarray(test)
    return float((y == majority).mean()), 0.5


WRONG = {
    "nearest_accuracies": [
        ("one k rounded, twice", _rounded, "n = 35"),
        ("k and k + 1 always", lambda n, t: (math.floor(t * n) / n, (math.floor(t * n) + 1) / n),
         "n = 25"),
        ("percent steps instead of 1/n", lambda n, t: (t - 0.01, t + 0.01), "n = 35"),
        ("one number", lambda n, t: math.floor(t * n) / n, "return two numbers"),
        ("k out of range", lambda n, t: ((math.floor(t * n) - 1) / n, math.ceil(t * n) / n),
         "n = 35"),
    ],
    "majority_baseline": [
        ("the majority of the test labels (a leak)", _majority_of_test,
         "depressed the majority of train"),
        ("always not depressed", lambda tr, te: (1 - float(np.mean(te)), 0.5),
         "depressed the majority of train"),
        ("balanced accuracy as accuracy",
         lambda tr, te: (1 - float(np.mean(te)),) * 2, "DAIC-WOZ's train"),
        ("a tie counted as depressed", _tie_depressed, "a tie in train"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
