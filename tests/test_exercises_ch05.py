"""Chapter 05's checkers reject typical wrong answers: InfoNCE, NWJ and MI to correlation."""

from __future__ import annotations

import math

import pytest
import torch
from exercise_testing import assert_not_yet, params


def _off(s):
    return s[~torch.eye(len(s), dtype=torch.bool)]


WRONG = {
    "infonce": [
        ("no log B", lambda s: (s.diagonal() - torch.logsumexp(s, 1)).mean(), "B = 2"),
        (
            "columns, not rows",
            lambda s: (s.diagonal() - torch.logsumexp(s, 0)).mean() + math.log(len(s)),
            "B = 2",
        ),
        (
            "overflowing log-sum-exp",
            lambda s: (s.diagonal() - s.exp().sum(1).log()).mean() + math.log(len(s)),
            "scores of size about 30",
        ),
        (
            "off-diagonal only in the sum",
            lambda s: (
                (s.diagonal() - _off(s).reshape(len(s), -1).logsumexp(1)).mean() + math.log(len(s))
            ),
            "B = 2",
        ),
        (
            "one value per row",
            lambda s: s.diagonal() - torch.logsumexp(s, 1) + math.log(len(s)),
            "expected a scalar tensor",
        ),
    ],
    "nwj": [
        (
            "all entries in the mean",
            lambda s: s.diagonal().mean() - math.exp(-1) * s.exp().mean(),
            "B = 2",
        ),
        ("no e^-1", lambda s: s.diagonal().mean() - _off(s).exp().mean(), "B = 2"),
        (
            "divided by B squared",
            lambda s: s.diagonal().mean() - math.exp(-1) * _off(s).exp().sum() / len(s) ** 2,
            "B = 2",
        ),
        (
            "a Python float",
            lambda s: float(s.diagonal().mean() - math.exp(-1) * _off(s).exp().mean()),
            "expected a scalar tensor",
        ),
    ],
    "mi_to_rho": [
        ("no square root", lambda i, d: 1 - math.exp(-2 * i / d), "mi = 0.3 nats over dim = 3"),
        (
            "dim ignored",
            lambda i, d: math.sqrt(1 - math.exp(-2 * i)),
            "mi = 0.3 nats over dim = 3",
        ),
        ("2 lost", lambda i, d: math.sqrt(1 - math.exp(-i / d)), "mi = 0.3 nats over dim = 3"),
        ("rho squared is not rho", lambda i, d: math.exp(-2 * i / d), "mi = 0 nats over dim = 1"),
        ("a string", lambda i, d: "0.5", "expected a number"),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
