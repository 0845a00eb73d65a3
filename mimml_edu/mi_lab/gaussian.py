"""Correlated Gaussians with a known mutual information: the estimators' test bench.

``x ~ N(0, I_d)`` and ``y = ρ·x + √(1−ρ²)·ε`` with ``ε ~ N(0, I_d)``: each of the d
coordinate pairs is a bivariate Gaussian with correlation ρ, so

    I(X; Y) = −d/2 · log(1 − ρ²)   nats.

The *cubic* variant returns ``y³`` instead of ``y``; an invertible map of y leaves the
MI unchanged, but the dependence is no longer linear (harder for critics and for a
Gaussian q(y|x)). Also here: the exact log density ratio (the optimal critic), the true
conditional p(y|x), H(Y), and CLUB's closed form, so estimators can be checked with no
training at all.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from mimml_edu.objectives.mi import gaussian_log_prob

__all__ = [
    "TrueGaussianConditional",
    "club_closed_form",
    "entropy_y",
    "mi_to_rho",
    "rho_to_mi",
    "sample_correlated_gaussian",
    "true_log_ratio",
]

_EULER_GAMMA = 0.5772156649015329


def _check_dim(dim: int) -> None:
    if int(dim) != dim or dim < 1:
        raise ValueError(f"dim must be a positive int, got {dim}")


def mi_to_rho(mi: float, dim: int) -> float:
    """Correlation ρ per coordinate that gives a total MI of ``mi`` nats over ``dim`` pairs."""
    _check_dim(dim)
    if not (math.isfinite(mi) and mi >= 0):
        raise ValueError(f"mi_to_rho: mi must be a finite number >= 0 nats, got {mi}")
    return math.sqrt(1.0 - math.exp(-2.0 * mi / dim))


def rho_to_mi(rho: float, dim: int) -> float:
    """I = −d/2 · log(1 − ρ²) nats, for abs(ρ) < 1."""
    _check_dim(dim)
    if not abs(rho) < 1:
        raise ValueError(f"rho_to_mi: need |rho| < 1, got {rho}")
    return -0.5 * dim * math.log(1.0 - rho * rho)


def sample_correlated_gaussian(
    *,
    batch_size: int,
    dim: int,
    mi: float,
    cubic: bool = False,
    generator: torch.Generator | None = None,
    device: torch.device | str = "cpu",
) -> tuple[Tensor, Tensor]:
    """Draw B pairs with I(X; Y) = ``mi`` nats.

    Args:
        batch_size: B (keyword-only, like every argument here).
        dim: d.
        mi: target MI in nats.
        cubic: return y³ (same MI, non-linear dependence).
        generator: a seeded ``torch.Generator`` (on ``device``) for reproducible draws.
        device: where the tensors live.
    Returns:
        (x, y), each (B, d) float32.
    """
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size}")
    rho = mi_to_rho(mi, dim)
    x = torch.randn(batch_size, dim, generator=generator, device=device)
    eps = torch.randn(batch_size, dim, generator=generator, device=device)
    y = rho * x + math.sqrt(1.0 - rho * rho) * eps
    return x, (y**3 if cubic else y)


def entropy_y(dim: int, *, cubic: bool = False) -> float:
    """Differential entropy H(Y) in nats of the benchmark's y (or of y³ for ``cubic``).

    For Y ~ N(0, I_d): d/2·log(2πe). For Y³: H(Y) + E log(3Y²) per coordinate, with
    E log abs(Y) = −(γ + log 2)/2 for a standard normal (γ: Euler's constant).
    """
    _check_dim(dim)
    per_dim = 0.5 * math.log(2.0 * math.pi * math.e)
    if cubic:
        per_dim += math.log(3.0) - (_EULER_GAMMA + math.log(2.0))
    return dim * per_dim


def club_closed_form(mi: float, dim: int) -> float:
    """CLUB's value with the true conditional: d·ρ²/(1−ρ²) = d·(e^{2I/d} − 1) nats (≥ I)."""
    _check_dim(dim)
    return dim * math.expm1(2.0 * mi / dim)


class TrueGaussianConditional(nn.Module):
    """The exact p(y|x) = N(ρx, (1−ρ²)I) of the (non-cubic) benchmark.

    Same interface as :class:`~mimml_edu.objectives.mi.GaussianConditional`, no
    parameters: use it to check BA and CLUB against their closed forms.

    Args:
        dim: d (keyword-only).
        mi: the MI in nats the data was drawn with (keyword-only).
    """

    def __init__(self, *, dim: int, mi: float) -> None:
        super().__init__()
        self.d_x = self.d_y = dim
        self.rho = mi_to_rho(mi, dim)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Args: x (B, d). Returns: (mean, logvar), each (B, d)."""
        logvar = torch.full_like(x, math.log(1.0 - self.rho**2))
        return self.rho * x, logvar

    def log_prob(self, x: Tensor, y: Tensor) -> Tensor:
        """Args: x, y (B, d). Returns: (B,) log p(y_i | x_i)."""
        mean, logvar = self(x)
        return gaussian_log_prob(y, mean, logvar)

    def log_prob_matrix(self, x: Tensor, y: Tensor) -> Tensor:
        """Args: x, y (B, d). Returns: (B, B), entry [i, j] = log p(y_j | x_i)."""
        mean, logvar = self(x)
        return gaussian_log_prob(y.unsqueeze(0), mean.unsqueeze(1), logvar.unsqueeze(1))


def true_log_ratio(x: Tensor, y: Tensor, *, mi: float, cubic: bool = False) -> Tensor:
    """The optimal critic: log p(y_j | x_i) − log p(y_j) for every pair.

    For the cubic data the ratio is computed on the cube root of y (the Jacobians of
    the invertible map cancel in the ratio).

    Args:
        x, y: (B, d) benchmark samples.
        mi: the MI in nats the data was drawn with.  cubic: whether y was cubed.
    Returns:
        (B, B) scores, diagonal = positive pairs.
    """
    if cubic:
        y = torch.sign(y) * y.abs().pow(1.0 / 3.0)
    conditional = TrueGaussianConditional(dim=x.shape[1], mi=mi).log_prob_matrix(x, y)
    marginal = gaussian_log_prob(y, torch.zeros_like(y), torch.zeros_like(y))  # (B,)
    return conditional - marginal.unsqueeze(0)
