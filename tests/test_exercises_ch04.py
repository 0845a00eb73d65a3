"""Chapter 04's checkers reject typical wrong answers: the masked mean and the gate."""

from __future__ import annotations

import pytest
import torch
from exercise_testing import assert_not_yet, params


def _sum(x, mask):
    return (x * mask.unsqueeze(-1)).sum(1)


WRONG = {
    "masked_mean": [
        ("padding counted", lambda x, m: x.mean(1), "window 0 (no turn)"),
        (
            "no guard for a window without turns",
            lambda x, m: _sum(x, m) / m.sum(1, keepdim=True),
            "got nan",
        ),
        ("divided by K", lambda x, m: _sum(x, m) / m.shape[1], "window 2 (only turn 3)"),
        ("pooled over the batch", lambda x, m: x[m].mean(0), "expected shape (5, 3)"),
        (
            "count over the batch",
            lambda x, m: _sum(x, m) / m.sum().clamp_min(1),
            "window 1 (all 7",
        ),
        (
            "a numpy array",
            lambda x, m: (_sum(x, m) / m.sum(1, keepdim=True).clamp_min(1)).numpy(),
            "torch.Tensor",
        ),
    ],
    "gate_combine": [
        ("views swapped", lambda r, c, g: g * c + (1 - g) * r, "G = 1 everywhere"),
        ("gate ignored", lambda r, c, g: (r + c) / 2, "G = 1 everywhere"),
        ("no 1 - G", lambda r, c, g: g * r + c, "G = 1 everywhere"),
        (
            "gate squashed again",
            lambda r, c, g: torch.sigmoid(g) * r + (1 - torch.sigmoid(g)) * c,
            "G = 1",
        ),
        (
            "one gate per turn",
            lambda r, c, g: g.mean(-1, keepdim=True) * (r - c) + c,
            "channels 0-2",
        ),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
