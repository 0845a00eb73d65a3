"""Unimodal encoders: standardize, project, then one gated block per modality.

1. Standardize each feature with the training set's mean and standard deviation
   (buffers saved with the model, so a checkpoint is self-contained; *our choice*),
   then optionally (``center_turns``, off by default) subtract the window's own mean over
   its present turns: a per-speaker normalisation, common in paralinguistics, that removes
   constant per-person offsets, but also any signal carried by the session-level mean
   (*our choice*; see :class:`~mimml_edu.config.ModelConfig`).
2. Project: Linear(d_m -> d_proj) + LayerNorm + dropout (*our choice*, ``docs/reconstruction.md``).
3. Encode: :class:`~mimml_edu.model.blocks.GatedBiGRUCNN` (d_proj -> d_h), pooled over
   the modality's present turns.

Masked turns are zero after every step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.model.blocks import GatedBiGRUCNN, masked_mean


class Projection(nn.Module):
    """Standardize and project one modality's turn features.

    Args:
        d_in: feature width d_m.  d_out: projection width.  dropout: after the LayerNorm.
        center: subtract each window's mean over its present turns, per feature (a
            per-speaker normalisation: it removes offsets that identify the person).
    """

    def __init__(self, *, d_in: int, d_out: int, dropout: float = 0.1, center: bool = True):
        super().__init__()
        self.center = center
        self.register_buffer("mean", torch.zeros(d_in))
        self.register_buffer("std", torch.ones(d_in))
        self.linear = nn.Linear(d_in, d_out)
        self.norm = nn.LayerNorm(d_out)
        self.dropout = nn.Dropout(dropout)

    def set_statistics(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        """Store the training set's per-feature mean and std (std below 1e-6 becomes 1)."""
        std = torch.where(std < 1e-6, torch.ones_like(std), std)
        self.mean.copy_(mean.to(self.mean))
        self.std.copy_(std.to(self.std))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Args: x (B, K, d_in), mask (B, K) bool. Returns: (B, K, d_out), zero where masked."""
        keep = mask.unsqueeze(-1).to(x.dtype)
        x = (x - self.mean) / self.std * keep
        if self.center:  # per-window centering: removes who-the-person-is offsets
            x = (x - masked_mean(x, mask).unsqueeze(1)) * keep
        return self.dropout(self.norm(self.linear(x))) * keep


class UnimodalEncoder(nn.Module):
    """Projection and gated block for one modality.

    Args:
        d_in: feature width.  d_proj: projection width.  d_h: output width.
        kernel: CNN kernel.  dropout: projection dropout.
        kind: the block, ``gated`` (default), ``gru`` or ``cnn`` (one view, no gate).
    """

    def __init__(
        self,
        *,
        d_in: int,
        d_proj: int,
        d_h: int,
        kernel: int = 3,
        dropout: float = 0.1,
        center: bool = True,
        kind: str = "gated",
    ):
        super().__init__()
        self.projection = Projection(d_in=d_in, d_out=d_proj, dropout=dropout, center=center)
        self.block = GatedBiGRUCNN(d_in=d_proj, d_out=d_h, kernel=kernel, kind=kind)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Args: x (B, K, d_in), mask (B, K).

        Returns:
            projected sequence (B, K, d_proj) and pooled representation h (B, d_h).
        """
        p = self.projection(x, mask)
        return p, self.block(p, mask)


def unimodal_encoders(config) -> nn.ModuleDict:
    """One :class:`UnimodalEncoder` per modality of a ``ModelConfig``.

    Args:
        config: a :class:`~mimml_edu.config.ModelConfig` (``modalities``, ``input_dims``,
            ``d_proj``, ``d_h``, ``kernel``, ``dropout``, ``center_turns``, ``encoder_block``).
    Returns:
        ``nn.ModuleDict`` modality -> encoder, ``(B, K, d_m) -> (B, d_h)``.
    """
    return nn.ModuleDict(
        {
            m: UnimodalEncoder(
                d_in=config.input_dims[m],
                d_proj=config.d_proj,
                d_h=config.d_h,
                kernel=config.kernel,
                dropout=config.dropout,
                center=config.center_turns,
                kind=config.encoder_block,
            )
            for m in config.modalities
        }
    )


def input_statistics(sessions: Sequence[Session]) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """modality -> (mean, std) per feature over the present turns of the sessions."""
    stats = {}
    for m in MODALITIES:
        rows = [s.features[m][s.masks[m]] for s in sessions]
        x = np.concatenate(rows) if rows else np.zeros((0, 1))
        if len(x) == 0:
            d = sessions[0].dims()[m]
            stats[m] = (torch.zeros(d), torch.ones(d))
        else:
            stats[m] = (
                torch.from_numpy(x.mean(0, dtype=np.float64)).float(),
                torch.from_numpy(x.std(0, dtype=np.float64)).float(),
            )
    return stats
