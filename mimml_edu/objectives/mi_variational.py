"""Variational MI estimators with a conditional model q(y|x): Barber–Agakov and CLUB.

Both take any conditional model with ``log_prob(x, y) -> (B,)`` and
``log_prob_matrix(x, y) -> (B, B)`` (entry [i, j] = log q(y_j | x_i)), normally a
:class:`~mimml_edu.objectives.mi.GaussianConditional`.

* **Barber–Agakov** (2003): I(X; Y) ≥ H(Y) + E_p[log q(y|x)], a **lower bound** for
  any q when H(Y) is exact; tight when q = p(y|x). H(Y) is given, or estimated from the
  batch as a Gaussian's entropy (the maximum-entropy value for the batch covariance, so
  an over-estimate of H(Y) and then no longer a guaranteed bound).
* **CLUB** (Cheng et al. 2020): E_p[log q(y|x)] − E_{p(x)p(y)}[log q(y|x)], an **upper
  bound** when q is close to p(y|x) (precisely, when KL(p(x,y)‖q) ≤ KL(p(x)p(y)‖q));
  with a poor q it can fall below the truth. Used to *minimize* MI.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from mimml_edu.objectives.mi import GaussianConditional, _check_scores

__all__ = [
    "CLUB",
    "BarberAgakov",
    "club",
    "gaussian_entropy_estimate",
]


def gaussian_entropy_estimate(y: Tensor, *, ridge: float = 1e-4) -> Tensor:
    """Entropy of a Gaussian with the batch covariance: ½·logdet(2πe·Σ̂) nats.

    Σ̂ is the unbiased sample covariance plus ``ridge``·I (guards against a singular
    matrix when B ≤ d or features are collinear). It is the largest entropy any
    distribution with that covariance can have.

    Args:
        y: (B, d) samples, B >= 2.
    Returns:
        scalar tensor (differentiable in y).
    """
    if y.dim() != 2 or y.shape[0] < 2:
        raise ValueError(f"gaussian_entropy_estimate: y must be (B>=2, d), got {tuple(y.shape)}")
    d = y.shape[1]
    centred = y - y.mean(dim=0, keepdim=True)
    cov = centred.T @ centred / (y.shape[0] - 1) + ridge * torch.eye(d, device=y.device)
    return 0.5 * (torch.logdet(cov) + d * math.log(2.0 * math.pi * math.e))


def club(scores: Tensor) -> Tensor:
    """CLUB from a (B, B) matrix of log q(y_j | x_i): mean of the diagonal minus the
    mean of the B·(B−1) off-diagonal entries (an unbiased estimate of the product-of-
    marginals term; the CLUB paper's code also averages the diagonal in, which shrinks
    the value by a factor (B−1)/B).

    Args:
        scores: (B, B) conditional log-likelihoods, diagonal = positive pairs.
    Returns:
        scalar tensor, the estimate in nats (an upper bound only for a good q).
    """
    b = _check_scores(scores, "club")
    eye = torch.eye(b, dtype=torch.bool, device=scores.device)
    return scores.diagonal().mean() - scores[~eye].mean()


class BarberAgakov(nn.Module):
    """Barber–Agakov lower bound H(Y) + E_p[log q(y|x)] with a conditional model q.

    Args:
        conditional (keyword-only): q(y|x), e.g. a
            :class:`~mimml_edu.objectives.mi.GaussianConditional`.
        entropy_y (keyword-only): H(Y) in nats if known; None estimates it per batch
            with :func:`gaussian_entropy_estimate`.
    """

    def __init__(self, *, conditional: nn.Module, entropy_y: float | None = None) -> None:
        super().__init__()
        self.conditional = conditional
        self.entropy_y = entropy_y

    @classmethod
    def gaussian(
        cls, *, d_x: int, d_y: int, hidden: int, entropy_y: float | None = None
    ) -> BarberAgakov:
        """BA with a fresh :class:`~mimml_edu.objectives.mi.GaussianConditional` q."""
        return cls(
            conditional=GaussianConditional(d_x=d_x, d_y=d_y, hidden=hidden), entropy_y=entropy_y
        )

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        """The estimate; maximizing it trains q by maximum likelihood.

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            scalar tensor, nats.
        """
        log_q = self.conditional.log_prob(x, y)  # (B,)
        h = gaussian_entropy_estimate(y) if self.entropy_y is None else self.entropy_y
        return h + log_q.mean()

    def learning_loss(self, x: Tensor, y: Tensor) -> Tensor:
        """Loss that trains q: −E_p[log q(y|x)] (scalar)."""
        return -self.conditional.log_prob(x, y).mean()


class CLUB(nn.Module):
    """CLUB upper-bound estimator (and its sampled variant, CLUB-S).

    Train q with :meth:`learning_loss` (maximum likelihood on the positive pairs);
    read the estimate from :meth:`forward`, whose gradient w.r.t. x and y is what an
    encoder follows to *reduce* the MI.

    Args:
        conditional (keyword-only): q(y|x) with ``log_prob`` and ``log_prob_matrix``.
        sampled: if True, use one negative per sample (a random permutation of y),
            O(B) instead of O(B²) and noisier.
        generator: optional ``torch.Generator`` for the sampled negatives.
    """

    def __init__(
        self,
        *,
        conditional: nn.Module,
        sampled: bool = False,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        self.conditional = conditional
        self.sampled = sampled
        self.generator = generator

    @classmethod
    def gaussian(cls, *, d_x: int, d_y: int, hidden: int, sampled: bool = False) -> CLUB:
        """CLUB with a fresh :class:`~mimml_edu.objectives.mi.GaussianConditional` q."""
        return cls(
            conditional=GaussianConditional(d_x=d_x, d_y=d_y, hidden=hidden), sampled=sampled
        )

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        """The CLUB estimate.

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            scalar tensor, nats (an upper bound on I(X; Y) when q ≈ p(y|x)).
        """
        if not self.sampled:
            return club(self.conditional.log_prob_matrix(x, y))
        b = x.shape[0]
        if b < 2:
            raise ValueError(f"CLUB: needs a batch of at least 2 pairs, got B={b}")
        # a derangement: shift a random permutation so that no sample meets itself
        perm = torch.randperm(b, generator=self.generator, device=x.device)
        negatives = y[perm.roll(1)][torch.argsort(perm)]
        positive = self.conditional.log_prob(x, y)
        negative = self.conditional.log_prob(x, negatives)
        return (positive - negative).mean()

    def learning_loss(self, x: Tensor, y: Tensor) -> Tensor:
        """Loss that trains q: −E_p[log q(y|x)] (scalar)."""
        return -self.conditional.log_prob(x, y).mean()
