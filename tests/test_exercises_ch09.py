"""Chapter 09's checkers reject typical wrong answers: Shapley values, turn scores."""

from __future__ import annotations

import math

import numpy as np
import pytest
from exercise_testing import assert_not_yet, params

MODS = ("text", "audio", "video")


def _everyone(values):
    return frozenset(MODS)


def _weighted(weight):
    def shapley(values):
        n = len(MODS)
        return {
            m: sum(weight(len(s), n) * (values[s | {m}] - values[s]) for s in values if m not in s)
            for m in MODS
        }

    return shapley


def _median_of_all(a, present):
    return np.abs(a - np.median(a))


WRONG = {
    "shapley": [
        (
            "leave one out",
            lambda v: {m: v[_everyone(v)] - v[_everyone(v) - {m}] for m in MODS},
            "text and audio carry the same evidence",
        ),
        (
            "alone against nothing",
            lambda v: {m: v[frozenset({m})] - v[frozenset()] for m in MODS},
            "text and audio carry the same evidence",
        ),
        (
            "equal weights",
            _weighted(lambda k, n: 1 / 2 ** (n - 1)),
            "all three together add a bonus",
        ),
        (
            "weights off by one",
            _weighted(lambda k, n: math.factorial(k) * math.factorial(n - k) / math.factorial(n)),
            "an additive game",
        ),
        ("a modality missing", lambda v: {m: 1.0 for m in MODS[:2]}, "expected the keys"),
    ],
    "turn_scores": [
        ("the plain attribution", lambda a, present: a, "signal turns go down"),
        ("its absolute value", lambda a, present: np.abs(a), "session 0"),
        ("the attribution against the offset", lambda a, present: -a, "signal turns go up"),
        ("the median of every turn, absent ones too", _median_of_all, "of 30 turns absent"),
        (
            "signed distance to the median",
            lambda a, present: a - np.median(a[present]),
            "signal turns go down",
        ),
        ("every turn tied", lambda a, present: np.zeros_like(a), "AUROC 0.50"),
        (
            "one score too few",
            lambda a, present: np.abs(a - np.median(a[present]))[1:],
            "one per turn",
        ),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
