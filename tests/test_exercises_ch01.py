"""Chapter 01's checkers reject typical wrong answers: the PHQ-8 total, the nearest accuracy."""

from __future__ import annotations

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


def _ppv(*, validate=True, guard=True, swap=False, fp_with_sensitivity=False):
    def ppv(sens, spec, prev):
        if validate and not all(0 <= v <= 1 for v in (sens, spec, prev)):
            raise ValueError("outside [0, 1]")
        if swap:
            sens, spec = spec, sens
        tp = sens * prev
        fp = (1 - (sens if fp_with_sensitivity else spec)) * (1 - prev)
        if guard and tp + fp == 0:
            raise ValueError("nobody positive")
        return tp / (tp + fp)

    return ppv


def _npv(sens, spec, prev):
    _ppv()(sens, spec, prev)  # the same checks
    tn, fn = spec * (1 - prev), (1 - sens) * prev
    return tn / (tn + fn)


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
    "ppv": [
        ("P(positive | depressed)", lambda sens, spec, prev: sens, "in the population survey"),
        ("sensitivity and specificity swapped", _ppv(swap=True), "(sensitivity and spec"),
        ("false positives from the sensitivity", _ppv(fp_with_sensitivity=True), "differ)"),
        ("the NPV", _npv, "expected PPV"),
        ("no guard: ZeroDivisionError", _ppv(guard=False), "sensitivity=0, specificity=1"),
        ("a percentage accepted", _ppv(validate=False), "sensitivity=88 (a percentage)"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
