"""Critics: networks that score every (x_i, y_j) pair of a batch into a (B, B) matrix.

The diagonal of the matrix holds the positive pairs (drawn together from p(x, y)); the
off-diagonal entries pair x_i with another sample's y_j and stand in for p(x)p(y).
Every estimator in :mod:`mimml_edu.objectives.mi` takes such a matrix.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

__all__ = ["ConcatCritic", "SeparableCritic", "make_critic", "mlp"]


def mlp(*, d_in: int, hidden: int, d_out: int, layers: int = 2) -> nn.Sequential:
    """ReLU MLP: ``layers`` hidden layers of width ``hidden``, then a linear output.

    Args:
        d_in: input size (keyword-only, like every argument here).
        hidden: width of the hidden layers.
        d_out: output size.
        layers: number of hidden layers (>= 1).
    Returns:
        nn.Sequential mapping (..., d_in) -> (..., d_out).
    """
    if layers < 1:
        raise ValueError(f"mlp: layers must be >= 1, got {layers}")
    modules: list[nn.Module] = [nn.Linear(d_in, hidden), nn.ReLU()]
    for _ in range(layers - 1):
        modules += [nn.Linear(hidden, hidden), nn.ReLU()]
    modules.append(nn.Linear(hidden, d_out))
    return nn.Sequential(*modules)


def _check_pair(x: Tensor, y: Tensor, d_x: int, d_y: int, name: str) -> None:
    if x.dim() != 2 or x.shape[1] != d_x:
        raise ValueError(f"{name}: x must be (B, {d_x}), got {tuple(x.shape)}")
    if y.dim() != 2 or y.shape[1] != d_y or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name}: y must be ({x.shape[0]}, {d_y}), got {tuple(y.shape)}")


class SeparableCritic(nn.Module):
    """score(x, y) = g(x)ᵀ h(y): two MLP encoders and a dot product.

    Cheap (2B network evaluations for B² scores) and the standard choice for
    InfoNCE/CPC; it can only express log-ratios that factor through an embedding
    of size ``embed``.

    Args:
        d_x: size of x (keyword-only, like every argument here).
        d_y: size of y.
        hidden: MLP width (256 in the benchmark).
        embed: embedding size (32 in the benchmark).
        layers: hidden layers per MLP.
    """

    def __init__(
        self, *, d_x: int, d_y: int, hidden: int = 256, embed: int = 32, layers: int = 2
    ) -> None:
        super().__init__()
        self.d_x, self.d_y = d_x, d_y
        self.g = mlp(d_in=d_x, hidden=hidden, d_out=embed, layers=layers)
        self.h = mlp(d_in=d_y, hidden=hidden, d_out=embed, layers=layers)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        """Score every pair.

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            (B, B) scores, entry [i, j] = g(x_i)·h(y_j).
        """
        _check_pair(x, y, self.d_x, self.d_y, "SeparableCritic")
        return self.g(x) @ self.h(y).T  # (B, embed) @ (embed, B) -> (B, B)


class ConcatCritic(nn.Module):
    """score(x, y) = f([x; y]): one MLP applied to all B² concatenated pairs.

    More expressive than the separable critic (any function of the pair), and B/2
    times more network evaluations.

    Args:
        d_x: size of x (keyword-only, like every argument here).
        d_y: size of y.
        hidden: MLP width.
        layers: hidden layers.
    """

    def __init__(self, *, d_x: int, d_y: int, hidden: int = 256, layers: int = 2) -> None:
        super().__init__()
        self.d_x, self.d_y = d_x, d_y
        self.f = mlp(d_in=d_x + d_y, hidden=hidden, d_out=1, layers=layers)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        """Score every pair.

        Args:
            x: (B, d_x).  y: (B, d_y).
        Returns:
            (B, B) scores, entry [i, j] = f([x_i; y_j]).
        """
        _check_pair(x, y, self.d_x, self.d_y, "ConcatCritic")
        b = x.shape[0]
        pairs = cat_pairs(x, y)  # (B, B, d_x + d_y)
        return self.f(pairs).reshape(b, b)


def cat_pairs(x: Tensor, y: Tensor) -> Tensor:
    """All pairs [x_i; y_j] as a (B, B, d_x + d_y) tensor (row i, column j)."""
    b = x.shape[0]
    return torch.cat([x.unsqueeze(1).expand(b, b, -1), y.unsqueeze(0).expand(b, b, -1)], dim=-1)


def make_critic(
    kind: str, *, d_x: int, d_y: int, hidden: int = 256, embed: int = 32, layers: int = 2
) -> nn.Module:
    """Build a critic by name: ``"separable"`` or ``"concat"``.

    Returns:
        an nn.Module mapping (x (B, d_x), y (B, d_y)) -> (B, B) scores.
    """
    if kind == "separable":
        return SeparableCritic(d_x=d_x, d_y=d_y, hidden=hidden, embed=embed, layers=layers)
    if kind == "concat":
        return ConcatCritic(d_x=d_x, d_y=d_y, hidden=hidden, layers=layers)
    raise ValueError(f"make_critic: unknown critic {kind!r}; choose 'separable' or 'concat'")
