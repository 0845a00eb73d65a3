"""Chapter 05 (mutual information): InfoNCE and NWJ from a score matrix, MI to correlation.

- :func:`check_infonce`: ``my_infonce(scores)``, against :func:`mimml_edu.objectives.mi.infonce`.
- :func:`check_nwj`: ``my_nwj(scores)``, against :func:`mimml_edu.objectives.mi.nwj`.
- :func:`check_mi_to_rho`: ``my_mi_to_rho(mi, dim)``, against
  :func:`mimml_edu.mi_lab.gaussian.mi_to_rho`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from mimml_edu.exercises.checking import NotYet, call, checker, expect_close, scalar_tensor
from mimml_edu.mi_lab.gaussian import mi_to_rho
from mimml_edu.objectives import mi


def _score_matrices(scales: tuple[float, ...]) -> list[tuple[str, torch.Tensor]]:
    """Random (B, B) scores, not symmetric, with positives larger on average."""
    g = torch.Generator().manual_seed(2025)
    out = []
    for b in (2, 7, 64):
        for scale in scales:
            scores = torch.randn(b, b, generator=g) * scale + torch.eye(b) * scale
            out.append((f"B = {b}, scores of size about {scale:g}", scores))
    return out


def _check_scalar_estimate(answer: Callable, reference: Callable, scales: tuple) -> int:
    cases = _score_matrices(scales)
    for case, scores in cases:
        got = scalar_tensor(call(answer, scores, case=case), case)
        expect_close(got, reference(scores), case, atol=1e-4, rtol=1e-4)
    return len(cases)


def solution_infonce(scores: torch.Tensor) -> torch.Tensor:
    """InfoNCE from ``scores (B, B)`` (diagonal = positives): the mean over rows of
    (positive score - logsumexp of the row), plus log B."""
    b = scores.shape[0]
    return (scores.diagonal() - torch.logsumexp(scores, dim=1)).mean() + math.log(b)


@checker
def check_infonce(answer: Callable) -> str:
    """Check ``answer(scores (B, B)) -> scalar tensor``: rows are the classification of the
    positive (logsumexp over a row, not a column), plus log B; scores up to about 30, where
    ``log(sum(exp(...)))`` overflows and ``torch.logsumexp`` does not."""
    n = _check_scalar_estimate(answer, mi.infonce, (0.5, 5.0, 30.0))
    return f"InfoNCE matches the package on {n} score matrices (B from 2 to 64)."


def solution_nwj(scores: torch.Tensor) -> torch.Tensor:
    """NWJ from ``scores (B, B)``: mean of the diagonal minus e^-1 times the mean of
    exp(score) over the B (B - 1) off-diagonal entries."""
    b = scores.shape[0]
    off = ~torch.eye(b, dtype=torch.bool)  # (B, B), True off the diagonal
    return scores.diagonal().mean() - math.exp(-1) * scores[off].exp().mean()


@checker
def check_nwj(answer: Callable) -> str:
    """Check ``answer(scores (B, B)) -> scalar tensor``: the exponential term averages the
    B (B - 1) off-diagonal entries only, and carries the factor e^-1."""
    n = _check_scalar_estimate(answer, mi.nwj, (0.5, 3.0))
    return f"NWJ matches the package on {n} score matrices (B from 2 to 64)."


def solution_mi_to_rho(mi: float, dim: int) -> float:
    """The correlation per coordinate, inverting ``I = -dim/2 log(1 - rho^2)``."""
    return math.sqrt(1.0 - math.exp(-2.0 * mi / dim))


@checker
def check_mi_to_rho(answer: Callable) -> str:
    """Check ``answer(mi, dim) -> rho``: 0 for no information, close to 1 for much,
    and the MI is spread over ``dim`` coordinate pairs."""
    cases = ((0.0, 1), (0.3, 3), (2.0, 20), (10.0, 20), (5.0, 1), (40.0, 2))
    for value, dim in cases:
        case = f"mi = {value:g} nats over dim = {dim}"
        got = call(answer, value, dim, case=case)
        if isinstance(got, str | bytes) or np.ndim(got) != 0:
            raise NotYet(f"{case}: expected a number, got {got!r:.60}")
        expect_close(got, mi_to_rho(value, dim), case, atol=1e-9, rtol=1e-7)
    return f"rho matches the package on {len(cases)} cases, from 0 nats to 40."
