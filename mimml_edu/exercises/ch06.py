"""Chapter 06 (MI for fusion): the CPC loss, and the full Gaussian log-density.

- :func:`check_cpc`: ``my_cpc(h, p)``, against
  :func:`mimml_edu.objectives.mimml_loss.cpc_term` with an identity predictor.
- :func:`check_gaussian_log_prob`: ``my_gaussian_log_prob(y, mean, logvar)``, against
  :func:`mimml_edu.model.conditional.gaussian_log_prob`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from mimml_edu.exercises.checking import call, checker, expect_close, scalar_tensor
from mimml_edu.model.conditional import gaussian_log_prob
from mimml_edu.objectives.mimml_loss import cpc_term


def solution_cpc(h: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """MMIM's CPC loss between ``h (B, d)`` and its prediction ``p (B, d)``: cosine scores
    ``s_ij`` of ``h_i`` against every ``p_j``, cross-entropy of picking ``j = i`` per row."""
    h = torch.nn.functional.normalize(h, dim=-1)
    p = torch.nn.functional.normalize(p, dim=-1)
    scores = h @ p.T  # (B, B), positives on the diagonal
    return torch.nn.functional.cross_entropy(scores, torch.arange(len(scores)))


@checker
def check_cpc(answer: Callable) -> str:
    """Check ``answer(h (B, d), p (B, d)) -> scalar tensor``: both normalised (so the
    size of the vectors does not matter), rows of ``h @ p.T`` classified, a loss (not
    the estimate ``log B - loss``)."""
    gen = torch.Generator().manual_seed(6)
    cases = []
    for b in (2, 8, 32):
        h, p = torch.randn(b, 5, generator=gen), torch.randn(b, 5, generator=gen)
        cases.append((f"random h and p, B = {b}", h, p))
    h = torch.randn(16, 5, generator=gen)
    p = h + 0.3 * torch.randn(16, 5, generator=gen)
    cases.append(("p close to h, B = 16", h, p))
    cases.append(("the same vectors 100 times longer, B = 16", h * 100, p * 100))
    for case, h, p in cases:
        got = scalar_tensor(call(answer, h, p, case=case), case)
        expect_close(got, cpc_term(h, p, torch.nn.Identity()), case)
    return f"your CPC loss matches the package's on {len(cases)} batches."


def solution_gaussian_log_prob(
    y: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    """``log N(y; mean, diag exp(logvar))`` summed over the last dimension: (B, d) -> (B,)."""
    log_2pi = torch.log(torch.tensor(2 * torch.pi, dtype=y.dtype))
    return -0.5 * ((y - mean) ** 2 / logvar.exp() + logvar + log_2pi).sum(dim=-1)


@checker
def check_gaussian_log_prob(answer: Callable) -> str:
    """Check ``answer(y, mean, logvar)`` (all (B, d)) ``-> (B,)``: the full density, with
    ``-1/2 logvar`` and ``-1/2 log 2 pi``, summed over the d dimensions, for variances
    around 1, large and small."""
    gen = torch.Generator().manual_seed(7)
    y, mean = torch.randn(6, 4, generator=gen), torch.randn(6, 4, generator=gen)
    cases = [
        ("variances around 1 (logvar about 0)", y, mean, torch.randn(6, 4, generator=gen)),
        ("large variances (logvar about +2)", y, mean, torch.randn(6, 4, generator=gen) + 2),
        ("small variances (logvar about -3)", y, mean, torch.randn(6, 4, generator=gen) - 3),
        ("d = 1, variance 1 (logvar = 0)", y[:, :1], mean[:, :1], torch.zeros(6, 1)),
    ]
    for case, yy, mu, logvar in cases:
        got = call(answer, yy, mu, logvar, case=case)
        expect_close(got, gaussian_log_prob(yy, mu, logvar), case)
    return "the full log-density, -1/2 logvar included, summed over the dimensions."
