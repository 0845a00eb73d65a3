"""Fusion of the unimodal sequences and representations into ``z``.

- A gated block over the turn-aligned concatenation of the projected sequences gives
  ``f (B, d_h)`` (the block kind is the ``fusion`` switch: gated, gru or cnn; ``concat``
  skips it). A modality missing for a turn is already zero there and masked.
- ``z = tanh(W2 tanh(W1 [f; h_text; h_audio; h_video]))`` (SubNet shape *from MMIM*).
"""

from __future__ import annotations

import torch
from torch import nn

from mimml_edu.model.blocks import GatedBiGRUCNN


class Fusion(nn.Module):
    """Fuse the modalities.

    Args:
        n_modalities: how many modalities are fused.  d_proj: projected width per modality.
        d_h: width of each h_m and of f.  d_z: width of z.  kernel: CNN kernel.
        kind: ``gated``, ``gru``, ``cnn`` or ``concat``.  dropout: inside the SubNet.
    """

    def __init__(
        self,
        *,
        n_modalities: int,
        d_proj: int,
        d_h: int,
        d_z: int,
        kernel: int = 3,
        kind: str = "gated",
        dropout: float = 0.1,
    ):
        super().__init__()
        self.kind = kind
        self.block = (
            None
            if kind == "concat"
            else GatedBiGRUCNN(d_in=n_modalities * d_proj, d_out=d_h, kernel=kernel, kind=kind)
        )
        d_cat = n_modalities * d_h + (0 if self.block is None else d_h)
        self.subnet = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(d_cat, d_z), nn.Tanh(), nn.Linear(d_z, d_z), nn.Tanh()
        )

    def forward(
        self, sequences: list[torch.Tensor], turn_mask: torch.Tensor, h: list[torch.Tensor]
    ) -> torch.Tensor:
        """Args:
            sequences: per modality (B, K, d_proj), zero where that modality is masked.
            turn_mask: (B, K) True where any fused modality exists.
            h: per modality (B, d_h).
        Returns:
            z (B, d_z).
        """
        parts = list(h)
        if self.block is not None:
            x = torch.cat(sequences, dim=-1)  # (B, K, M * d_proj)
            parts.insert(0, self.block(x, turn_mask))  # f (B, d_h)
        return self.subnet(torch.cat(parts, dim=-1))  # (B, d_z)
