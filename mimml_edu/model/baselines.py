"""The two fusion baselines of the ablation table, and :func:`build_model`.

- **Early fusion** (``fusion="early"``): standardize each modality, concatenate the
  turn features, masked mean over turns, MLP. No sequence model, no MI, no multi-task.
- **Late fusion** (``fusion="late"``): one unimodal encoder and classifier per modality;
  the prediction is the average of the unimodal probabilities over the modalities present
  in the window (``logits = log(mean p)``, so cross-entropy trains the average).

Both return a :class:`~mimml_edu.model.mimml.ModelOutput` and have empty ``cpc``,
``mmilb`` and ``unimodal_heads``, so the objective reduces to CE + regression.
"""

from __future__ import annotations

import torch
from torch import nn

from mimml_edu.config import ModelConfig
from mimml_edu.data.batch import Batch
from mimml_edu.model.blocks import masked_mean
from mimml_edu.model.encoders import Projection, unimodal_encoders
from mimml_edu.model.mimml import MIMML, ModelOutput


class _Baseline(nn.Module):
    ba_pairs: tuple = ()

    def __init__(self, config: ModelConfig):
        super().__init__()
        config.validate()
        self.config = config
        self.modalities = config.modalities
        self.cpc = nn.ModuleDict()
        self.mmilb = nn.ModuleDict()
        self.unimodal_heads = nn.ModuleDict()

    def parameter_groups(self) -> dict[str, list[nn.Parameter]]:
        """No BA heads: everything is ``main``."""
        return {"mmilb": [], "main": list(self.parameters())}


class EarlyFusion(_Baseline):
    """Concatenate turn features, pool, MLP.

    Args:
        config: model config (``d_proj`` per-modality projection, ``d_z`` MLP width).
    """

    def __init__(self, *, config: ModelConfig):
        super().__init__(config)
        self.projections = nn.ModuleDict(
            {
                m: Projection(
                    d_in=config.input_dims[m],
                    d_out=config.d_proj,
                    dropout=config.dropout,
                    center=config.center_turns,
                )
                for m in self.modalities
            }
        )
        self.mlp = nn.Sequential(
            nn.Linear(len(self.modalities) * config.d_proj, config.d_z),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.d_z, config.d_z),
            nn.ReLU(),
        )
        self.classifier = nn.Linear(config.d_z, 2)
        self.regressor = nn.Linear(config.d_z, 1)

    def set_input_statistics(self, stats: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        for m in self.modalities:
            self.projections[m].set_statistics(*stats[m])

    def forward(self, batch: Batch) -> ModelOutput:
        """Args: batch. Returns: ModelOutput (h and y_hat empty)."""
        parts = [self.projections[m](batch.features(m), batch.mask[m]) for m in self.modalities]
        turn_mask = torch.stack([batch.mask[m] for m in self.modalities]).any(0)  # (B, K)
        z = self.mlp(masked_mean(torch.cat(parts, dim=-1), turn_mask))  # (B, d_z)
        return ModelOutput(
            z=z,
            h={},
            logits=self.classifier(z),
            phq_scaled_hat=self.regressor(z).squeeze(-1),
            present={m: batch.mask[m].any(1) for m in self.modalities},
        )


class LateFusion(_Baseline):
    """Average of unimodal predictions.

    Args:
        config: model config (encoders as in MIMML).
    """

    def __init__(self, *, config: ModelConfig):
        super().__init__(config)
        self.encoders = unimodal_encoders(config)
        self.classifiers = nn.ModuleDict({m: nn.Linear(config.d_h, 2) for m in self.modalities})
        self.regressors = nn.ModuleDict({m: nn.Linear(config.d_h, 1) for m in self.modalities})

    def set_input_statistics(self, stats: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> None:
        for m in self.modalities:
            self.encoders[m].projection.set_statistics(*stats[m])

    def forward(self, batch: Batch) -> ModelOutput:
        """Args: batch. Returns: ModelOutput with ``logits = log(mean of present unimodal p)``."""
        h, probs, phq = {}, [], []
        present = {m: batch.mask[m].any(1) for m in self.modalities}
        for m in self.modalities:
            _, h[m] = self.encoders[m](batch.features(m), batch.mask[m])
            probs.append(torch.softmax(self.classifiers[m](h[m]), dim=-1))  # (B, 2)
            phq.append(self.regressors[m](h[m]).squeeze(-1))  # (B,)
        weight = torch.stack([present[m] for m in self.modalities], 1).to(h[self.modalities[0]])
        weight = weight / weight.sum(1, keepdim=True).clamp_min(1.0)  # (B, M)
        prob = (torch.stack(probs, 1) * weight.unsqueeze(-1)).sum(1)  # (B, 2)
        return ModelOutput(
            z=torch.cat([h[m] for m in self.modalities], -1),
            h=h,
            logits=torch.log(prob.clamp_min(1e-7)),
            phq_scaled_hat=(torch.stack(phq, 1) * weight).sum(1),
            present=present,
        )


def build_model(config: ModelConfig) -> nn.Module:
    """MIMML, or the early/late fusion baseline when ``config.fusion`` says so."""
    config.validate()
    if config.fusion == "early":
        return EarlyFusion(config=config)
    if config.fusion == "late":
        return LateFusion(config=config)
    return MIMML(config=config)
