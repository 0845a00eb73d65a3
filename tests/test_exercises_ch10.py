"""Chapter 10's checkers reject typical wrong answers: balanced accuracy and macro-F1."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_testing import assert_not_yet, params


def _recalls(labels, predictions, *, drop_unknown=True, raise_empty=True):
    known = labels >= 0 if drop_unknown else np.ones(len(labels), bool)
    y, p = labels[known].clip(0), predictions[known]
    out = []
    for c in (0, 1):
        if raise_empty and not (y == c).any():
            raise ValueError("empty class")
        out.append(float((p[y == c] == c).mean()) if (y == c).any() else 0.0)
    return y, p, out


def _balanced(**kw):
    def balanced(labels, predictions):
        return sum(_recalls(labels, predictions, **kw)[2]) / 2

    return balanced


def _f1(labels, predictions, c, *, drop_unknown=True, zero_division=0.0):
    known = labels >= 0 if drop_unknown else np.ones(len(labels), bool)
    y, p = labels[known].clip(0), predictions[known]
    if not (y == c).any():
        raise ValueError("empty class")
    tp = ((p == c) & (y == c)).sum()
    precision = tp / (p == c).sum() if (p == c).any() else zero_division
    recall = tp / (y == c).sum()
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _macro(**kw):
    def macro(labels, predictions):
        return (_f1(labels, predictions, 0, **kw) + _f1(labels, predictions, 1, **kw)) / 2

    return macro


def _accuracy(labels, predictions):
    known = labels >= 0
    if len(set(labels[known].tolist())) < 2:
        raise ValueError("empty class")
    return float((labels[known] == predictions[known]).mean())


WRONG = {
    "balanced_accuracy": [
        ("plain accuracy", _accuracy, "imbalanced labels, a few errors"),
        (
            "the recall of the depressed only",
            lambda y, p: _recalls(y, p)[2][1],
            "imbalanced labels, a few errors",
        ),
        ("unknown labels counted as 0", _balanced(drop_unknown=False), "unknown labels (-1)"),
        ("0 for an empty class", _balanced(raise_empty=False), "so raise ValueError"),
        (
            "the mean of the two precisions",
            lambda y, p: np.mean(
                [((p == c) & (y == c)).sum() / max((p == c).sum(), 1) for c in (0, 1)]
            ),
            "balanced accuracy: expected",
        ),
        ("an array of the recalls", lambda y, p: np.array(_recalls(y, p)[2]), "return one number"),
    ],
    "macro_f1": [
        ("the F1 of the depressed only", lambda y, p: _f1(y, p, 1), "a few errors"),
        ("plain accuracy (micro-F1)", _accuracy, "imbalanced labels, a few errors"),
        ("unknown labels counted as 0", _macro(drop_unknown=False), "unknown labels (-1)"),
        (
            "NaN for a class never predicted",
            _macro(zero_division=np.nan),
            "always 'not depressed'",
        ),
        (
            "the F1 of the mean precision and mean recall",
            lambda y, p: (lambda pr, rc: 2 * pr * rc / (pr + rc))(
                np.mean([((p == c) & (y == c)).sum() / max((p == c).sum(), 1) for c in (0, 1)]),
                _balanced()(y, p),
            ),
            "macro-F1: expected",
        ),
        (
            "nan for an empty class",
            lambda y, p: float("nan") if (y[y >= 0] == 1).sum() == 0 else _macro()(y, p),
            "so raise ValueError",
        ),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
