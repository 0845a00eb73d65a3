"""Chapter 01's checkers reject typical wrong answers: the PHQ-8 total, the nearest accuracy."""

from __future__ import annotations

import math

import pytest
from exercise_testing import assert_not_yet, params


def _phq8(*, threshold=10, strict=False, n_items=(8,), low=0, high=3, missing=None, whole=True):
    def phq8(items):
        items = list(items)
        if len(items) not in n_items:
            raise ValueError("wrong number of items")
        if any(v is None or v != v for v in items):
            if missing is None:
                raise ValueError("a missing item")
            items = [missing if v is None or v != v else v for v in items]
        for v in items:
            if not low <= v <= high or (whole and int(v) != v):
                raise ValueError("bad item")
        score = sum(items)
        return score, (score > threshold if strict else score >= threshold)

    return phq8


def _mean_items(items):
    score, _ = _phq8()(items)
    return score / 8, score >= 10


def _nearest(rule, *, validate=True, percent=False):
    def nearest(n, target):
        if validate and (n < 1 or not 0 <= target <= 1):
            raise ValueError("bad input")
        k = rule(n, target)
        return k, (100 * k / n if percent else k / n)

    return nearest


def _float_min(n, target):
    return min(range(n + 1), key=lambda k: abs(k / n - target))


WRONG = {
    "phq8": [
        ("score > 10 instead of >= 10", _phq8(strict=True), "a score of exactly 10"),
        ("threshold 9", _phq8(threshold=9), "a score of 9"),
        ("a ninth item accepted", _phq8(n_items=(8, 9)), "9 items"),
        ("seven items accepted", _phq8(n_items=(7, 8)), "7 items"),
        ("an item of 4 accepted", _phq8(high=4), "an item of 4"),
        ("a missing item counted as 0", _phq8(missing=0), "a missing item (None)"),
        ("a fractional item accepted", _phq8(whole=False), "an item of 1.5"),
        ("the mean instead of the sum", _mean_items, "expected the score 10"),
        ("the label as 0/1", lambda items: (sum(items), int(sum(items) >= 10)), "True or False"),
        ("no validation at all", lambda items: (sum(items), sum(items) >= 10), "raise ValueError"),
    ],
    "nearest_accuracy": [
        ("banker's rounding", _nearest(lambda n, t: round(t * n)), "n=2, target=0.75"),
        ("floor of target * n", _nearest(lambda n, t: math.floor(t * n)), "n=35, target=0.85"),
        ("ties rounded up", _nearest(lambda n, t: math.floor(t * n + 0.5)), "n=2, target=0.25"),
        ("a percentage returned", _nearest(_float_min, percent=True), "expected the accuracy"),
        ("n=0 not refused", _nearest(_float_min, validate=False), "n=0"),
        ("target outside [0, 1] clipped", lambda n, t: _nearest(_float_min)(n, min(max(t, 0), 1)),
         "target=1.2"),
        ("k counted from 1", _nearest(lambda n, t: max(1, _float_min(n, t))), "n=2, target=0.25"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
