"""Chapter 03's checkers reject typical wrong answers: token pooling and voiced pooling."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_testing import assert_not_yet, params


def _masked_sum(hidden, mask):
    return (hidden * mask[..., None]).sum(axis=1)


def _voiced(*, stop_inclusive=False, voiced_only=True, ratio_of="turn", none_if="no voice"):
    def pool(features, times, voiced, start, stop):
        inside = (times >= start) & ((times <= stop) if stop_inclusive else (times < stop))
        chosen = inside & voiced if voiced_only else inside
        if none_if == "no voice" and not (inside & voiced).any():
            return None
        if none_if == "no frame" and not inside.any():
            return None
        if none_if == "never" and not (inside & voiced).any():
            return np.zeros(features.shape[1]), 0.0
        mean = features[chosen].mean(axis=0)
        total = {"turn": inside.sum(), "recording": len(times)}[ratio_of]
        return mean, float((inside & voiced).sum() / total)

    return pool


WRONG = {
    "mean_pooling": [
        ("padding counted", lambda h, m: h.mean(axis=1), "sentence 0 (3 tokens, 2 padding)"),
        ("divided by the length", lambda h, m: _masked_sum(h, m) / m.shape[1], "sentence 0"),
        (
            "no guard for an empty sentence",
            lambda h, m: _masked_sum(h, m) / m.sum(1)[:, None],
            "got nan",
        ),
        ("mask not broadcast", lambda h, m: (h * m).sum(1) / m.sum(1), "raised ValueError"),
        ("mean over the channels", lambda h, m: (h * m[..., None]).mean(axis=2), "expected shape"),
        ("a string", lambda h, m: "pooled", "expected an array of numbers"),
    ],
    "voiced_pooling": [
        ("stop included", _voiced(stop_inclusive=True), "turn [0, 1) s"),
        ("unvoiced frames in the mean", _voiced(voiced_only=False), "mean of the voiced frames"),
        ("ratio over the recording", _voiced(ratio_of="recording"), "voiced ratio"),
        ("zeros instead of None", _voiced(none_if="never"), "so return None"),
        ("None only without frames", _voiced(none_if="no frame"), "turn [2, 3) s"),
        ("a bare mean", lambda f, t, v, a, b: f[(t >= a) & (t < b) & v].mean(0), "return (mean"),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
