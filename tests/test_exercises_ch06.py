"""Chapter 06's checkers reject typical wrong answers: the CPC loss, the Gaussian density."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from exercise_testing import assert_not_yet, params


def _cpc(*, norm_h=True, norm_p=True, dim=1, estimate=False):
    def cpc(h, p):
        h = F.normalize(h, dim=-1) if norm_h else h
        p = F.normalize(p, dim=-1) if norm_p else p
        s = h @ p.T
        loss = -(s.diagonal() - torch.logsumexp(s, dim=dim)).mean()
        return math.log(len(s)) - loss if estimate else loss

    return cpc


def _log_prob(*, logvar_term=True, log_2pi=True, var=lambda lv: lv.exp(), reduce="sum"):
    def log_prob(y, mean, logvar):
        terms = (y - mean) ** 2 / var(logvar)
        if logvar_term:
            terms = terms + logvar
        if log_2pi:
            terms = terms + math.log(2 * math.pi)
        return -0.5 * getattr(terms, reduce)(dim=-1)

    return log_prob


WRONG = {
    "cpc": [
        ("no normalisation", _cpc(norm_h=False, norm_p=False), "random h and p, B = 2"),
        ("p not normalised", _cpc(norm_p=False), "random h and p, B = 2"),
        ("columns, not rows", _cpc(dim=0), "random h and p, B = 2"),
        ("the estimate log B - loss", _cpc(estimate=True), "random h and p, B = 2"),
        (
            "no contrast",
            lambda h, p: -(F.normalize(h, dim=-1) * F.normalize(p, dim=-1)).sum(1).mean(),
            "B = 2",
        ),
        (
            "one loss per row",
            lambda h, p: F.cross_entropy(
                F.normalize(h, dim=-1) @ F.normalize(p, dim=-1).T,
                torch.arange(len(h)),
                reduction="none",
            ),
            "got shape (2,)",
        ),
    ],
    "gaussian_log_prob": [
        ("MMIM's missing -1/2 logvar", _log_prob(logvar_term=False), "variances around 1"),
        ("no log 2 pi", _log_prob(log_2pi=False), "variances around 1"),
        ("logvar taken as the variance", _log_prob(var=lambda lv: lv), "variances around 1"),
        (
            "standard deviation for variance",
            _log_prob(var=lambda lv: (lv / 2).exp()),
            "variances around 1",
        ),
        ("mean over the dimensions", _log_prob(reduce="mean"), "variances around 1"),
        (
            "not summed",
            lambda y, m, lv: -0.5 * ((y - m) ** 2 / lv.exp() + lv + math.log(2 * math.pi)),
            "expected shape (6,)",
        ),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
