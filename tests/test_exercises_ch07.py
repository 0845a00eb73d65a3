"""Chapter 07's checkers reject typical wrong answers: the generated label, the momentum."""

from __future__ import annotations

import pytest
import torch
from exercise_testing import assert_not_yet, params


def _label(*, eps=1e-8, nan_guard=True, clamp=True, half=0.5, denominator=None):
    def label(ds, dm, y, h):
        below = dm + eps if denominator is None else denominator(dm)
        out = half * ds / below * y + 0.5 * (y + ds - dm)
        if nan_guard:
            out = torch.where(torch.isnan(out), y, out)
        return out.clamp(-h, h) if clamp else out

    return label


WRONG = {
    "generated_label": [
        (
            "no zero-denominator guard",
            _label(eps=0.0, nan_guard=False),
            "delta_m = 0 (zero denominator)",
        ),
        ("no eps, NaN replaced by y_m", _label(eps=0.0), "delta_m = 0 (zero denominator)"),
        ("eps but no NaN guard", _label(nan_guard=False), "delta_m + 1e-8 is exactly 0"),
        (
            "denominator clamped to >= eps",
            _label(denominator=lambda dm: dm.clamp_min(1e-8)),
            "negative delta_m",
        ),
        ("no clamp", _label(clamp=False), "random delta_s"),
        (
            "clamped to [0, H]",
            lambda ds, dm, y, h: _label()(ds, dm, y, h).clamp(0, h),
            "random delta_s",
        ),
        ("the ratio not halved", _label(half=1.0), "random delta_s"),
    ],
    "momentum": [
        ("a plain average", lambda old, new, n: 0.5 * old + 0.5 * new, "epoch 2"),
        (
            "weights swapped",
            lambda old, new, n: 2 / (n + 1) * old + (n - 1) / (n + 1) * new,
            "epoch 2",
        ),
        ("epoch counted from 0", lambda old, new, n: (n - 2) / n * old + 2 / n * new, "epoch 2"),
        ("only the new label", lambda old, new, n: new, "epoch 2"),
        (
            "a list",
            lambda old, new, n: ((n - 1) / (n + 1) * old + 2 / (n + 1) * new).tolist(),
            "torch.Tensor",
        ),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
