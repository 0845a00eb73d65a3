"""The Gaussian conditional model q(y|x): the Barber–Agakov heads of MIMML.

``q(y|x) = N(mu(x), diag sigma^2(x))`` with a bounded log-variance, and the full diagonal
Gaussian log-density. MIMML holds one such head per Barber–Agakov pair (text->audio,
text->video, *from MMIM*); the MI estimators that use a conditional model (Barber–Agakov,
CLUB) are in :mod:`mimml_edu.objectives.mi_variational`.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

_LOG_2PI = math.log(2 * math.pi)


def gaussian_log_prob(y: Tensor, mean: Tensor, logvar: Tensor) -> Tensor:
    """Full diagonal-Gaussian log-density, summed over the last dimension.

    ``log N(y; μ, diag e^{logvar}) = −½ Σ_k [ (y_k − μ_k)² e^{−logvar_k} + logvar_k + log 2π ]``.

    Args:
        y, mean, logvar: broadcastable tensors (..., d).
    Returns:
        (...) tensor of log-densities in nats.
    """
    return -0.5 * (((y - mean) ** 2) * torch.exp(-logvar) + logvar + _LOG_2PI).sum(dim=-1)


class GaussianConditional(nn.Module):
    """q(y|x) = N(μ(x), diag σ²(x)): the conditional model of Barber–Agakov and CLUB.

    Two MLPs (Linear → ReLU → Linear) give the mean and the raw log-variance; the
    log-variance is squashed with tanh into ``[logvar_min, logvar_max]``
    (default [−10, 5], i.e. σ² between 4.5e−5 and 148) so that the likelihood cannot be
    driven to infinity by a collapsing or exploding variance.

    Args:
        d_x: size of the conditioning input x (keyword-only, like every argument here).
        d_y: size of the predicted variable y.
        hidden: width of the hidden layer of each MLP.
        logvar_min: lower end of the log-variance range (nats).
        logvar_max: upper end of the log-variance range (nats), > logvar_min.
    """

    def __init__(
        self,
        *,
        d_x: int,
        d_y: int,
        hidden: int,
        logvar_min: float = -10.0,
        logvar_max: float = 5.0,
    ) -> None:
        super().__init__()
        for name, value in (("d_x", d_x), ("d_y", d_y), ("hidden", hidden)):
            if int(value) != value or value < 1:
                raise ValueError(
                    f"GaussianConditional: {name} must be a positive int, got {value}"
                )
        if not logvar_min < logvar_max:
            raise ValueError(
                "GaussianConditional: need logvar_min < logvar_max, "
                f"got {logvar_min}, {logvar_max}"
            )
        self.d_x, self.d_y = d_x, d_y
        self.logvar_min, self.logvar_max = float(logvar_min), float(logvar_max)
        self.mean_net = nn.Sequential(nn.Linear(d_x, hidden), nn.ReLU(), nn.Linear(hidden, d_y))
        self.logvar_net = nn.Sequential(nn.Linear(d_x, hidden), nn.ReLU(), nn.Linear(hidden, d_y))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and bounded log-variance of q(y|x).

        Args:
            x: (B, d_x).
        Returns:
            (mean, logvar), each (B, d_y); logvar lies in [logvar_min, logvar_max].
        """
        if x.dim() != 2 or x.shape[1] != self.d_x:
            raise ValueError(
                f"GaussianConditional: x must be (B, {self.d_x}), got {tuple(x.shape)}"
            )
        half = 0.5 * (self.logvar_max - self.logvar_min)
        logvar = self.logvar_min + half * (torch.tanh(self.logvar_net(x)) + 1.0)
        return self.mean_net(x), logvar

    def log_prob(self, x: Tensor, y: Tensor) -> Tensor:
        """Full Gaussian log-likelihood log q(y_i | x_i) of the B paired samples.

        Includes the −½·logvar and −½·log 2π terms (dropping −½·logvar, as some
        reference code does, lets the variance grow without bound).

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            (B,) log-densities in nats.
        """
        if y.dim() != 2 or y.shape != (x.shape[0], self.d_y):
            raise ValueError(
                f"GaussianConditional: y must be ({x.shape[0]}, {self.d_y}), got {tuple(y.shape)}"
            )
        mean, logvar = self(x)
        return gaussian_log_prob(y, mean, logvar)

    def log_prob_matrix(self, x: Tensor, y: Tensor) -> Tensor:
        """log q(y_j | x_i) for every pair: a (B, B) score matrix, diagonal = positives.

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            (B, B) tensor, entry [i, j] = log q(y_j | x_i).
        """
        mean, logvar = self(x)
        return gaussian_log_prob(y.unsqueeze(0), mean.unsqueeze(1), logvar.unsqueeze(1))
