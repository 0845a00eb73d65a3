"""The MIMML network: encoders, fusion, heads, and the heads the MI terms need.

``MIMML(batch) -> ModelOutput``. Which parts exist follows :class:`~mimml_edu.config.ModelConfig`:
``modalities`` picks the encoders, ``fusion`` the fusion block, ``mi_cpc`` adds the CPC
predictors ``G_m(z) -> h_m``, ``mi_ba`` the Barber-Agakov conditionals ``q(h_y | h_x)``
for text->audio and text->video, ``multitask`` the unimodal heads. The BA conditionals are
:class:`~mimml_edu.objectives.mi.GaussianConditional` (full Gaussian log-likelihood,
log-variance bounded to ``[-logvar_bound, logvar_bound]``).
The BA conditionals form the ``mmilb`` parameter group (stage 0); everything else is
``main`` (stage 1); see :meth:`MIMML.parameter_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from mimml_edu.config import ModelConfig
from mimml_edu.data.batch import Batch, unscale_phq
from mimml_edu.model.conditional import GaussianConditional
from mimml_edu.model.encoders import unimodal_encoders
from mimml_edu.model.fusion import Fusion

#: The Barber-Agakov pairs (x -> y) of MMIM, kept when both modalities are used.
BA_PAIRS: tuple[tuple[str, str], ...] = (("text", "audio"), ("text", "video"))


@dataclass
class ModelOutput:
    """What one forward pass gives.

    Attributes:
        z: (B, d_z) fusion representation.
        h: modality -> (B, d_h) unimodal representation.
        logits: (B, 2) depressed-or-not logits.
        phq_scaled_hat: (B,) prediction of the scaled PHQ-8 score ``(PHQ8 - 9.5) / 4.75``.
        y_hat: modality -> (B,) unimodal prediction (multitask heads), empty without them.
        present: modality -> (B,) bool, the modality exists for at least one turn of the window.
    """

    z: torch.Tensor
    h: dict[str, torch.Tensor]
    logits: torch.Tensor
    phq_scaled_hat: torch.Tensor
    y_hat: dict[str, torch.Tensor] = field(default_factory=dict)
    present: dict[str, torch.Tensor] = field(default_factory=dict)

    @property
    def prob(self) -> torch.Tensor:
        """(B,) P(depressed)."""
        return torch.softmax(self.logits, dim=-1)[:, 1]

    @property
    def phq_points(self) -> torch.Tensor:
        """(B,) the predicted PHQ-8 score in points (not clipped to 0..24)."""
        return unscale_phq(self.phq_scaled_hat)


class MIMML(nn.Module):
    """Multimodal depression recognition by MI maximization joint with multi-task learning.

    Args:
        config: the :class:`~mimml_edu.config.ModelConfig` (fusion must not be a baseline).
    """

    def __init__(self, *, config: ModelConfig):
        super().__init__()
        config.validate()
        if config.fusion in ("early", "late"):
            raise ValueError(f"fusion={config.fusion!r} is a baseline: use build_model()")
        self.config = config
        mods = config.modalities
        self.modalities = mods
        self.encoders = unimodal_encoders(config)
        self.fusion = Fusion(
            n_modalities=len(mods),
            d_proj=config.d_proj,
            d_h=config.d_h,
            d_z=config.d_z,
            kernel=config.kernel,
            kind=config.fusion,
            dropout=config.dropout,
        )
        self.classifier = nn.Linear(config.d_z, 2)
        self.regressor = nn.Linear(config.d_z, 1)
        self.unimodal_heads = nn.ModuleDict(
            {
                m: nn.Sequential(
                    nn.Linear(config.d_h, config.d_h), nn.ReLU(), nn.Linear(config.d_h, 1)
                )
                for m in (mods if config.multitask else ())
            }
        )
        self.cpc = nn.ModuleDict(
            {m: nn.Linear(config.d_z, config.d_h) for m in (mods if config.mi_cpc else ())}
        )
        pairs = [p for p in BA_PAIRS if p[0] in mods and p[1] in mods] if config.mi_ba else []
        self.mmilb = nn.ModuleDict(
            {
                f"{x}_{y}": GaussianConditional(
                    d_x=config.d_h,
                    d_y=config.d_h,
                    hidden=config.d_h,
                    logvar_min=-config.logvar_bound,
                    logvar_max=config.logvar_bound,
                )
                for x, y in pairs
            }
        )
        self.ba_pairs = tuple(pairs)

    def parameter_groups(self) -> dict[str, list[nn.Parameter]]:
        """``mmilb``: the BA conditionals (stage 0); ``main``: everything else (stage 1)."""
        mmilb = list(self.mmilb.parameters())
        ids = {id(p) for p in mmilb}
        return {"mmilb": mmilb, "main": [p for p in self.parameters() if id(p) not in ids]}

    def set_input_statistics(self, stats: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        """modality -> (mean (d_m,), std (d_m,)) of the training turns, for standardization."""
        for m in self.modalities:
            self.encoders[m].projection.set_statistics(*stats[m])

    def encode(self, batch: Batch) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        """Unimodal part: modality -> projected sequence (B, K, d_proj); modality -> h (B, d_h)."""
        seqs, h = {}, {}
        for m in self.modalities:
            seqs[m], h[m] = self.encoders[m](batch.features(m), batch.mask[m])
        return seqs, h

    def forward(self, batch: Batch) -> ModelOutput:
        """Args: batch with ``text/audio/video (B, K, d_m)`` and masks ``(B, K)``.

        Returns:
            :class:`ModelOutput`.
        """
        seqs, h = self.encode(batch)
        turn_mask = torch.stack([batch.mask[m] for m in self.modalities]).any(0)  # (B, K)
        z = self.fusion(
            [seqs[m] for m in self.modalities], turn_mask, [h[m] for m in self.modalities]
        )
        return ModelOutput(
            z=z,
            h=h,
            logits=self.classifier(z),
            phq_scaled_hat=self.regressor(z).squeeze(-1),
            y_hat={m: head(h[m]).squeeze(-1) for m, head in self.unimodal_heads.items()},
            present={m: batch.mask[m].any(1) for m in self.modalities},
        )
