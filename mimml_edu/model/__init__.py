"""The MIMML network (blocks, encoders, fusion, heads) and the fusion baselines."""

from mimml_edu.model.baselines import EarlyFusion, LateFusion, build_model
from mimml_edu.model.blocks import GatedBiGRUCNN, masked_mean
from mimml_edu.model.mimml import MIMML, ModelOutput

__all__ = [
    "MIMML",
    "EarlyFusion",
    "GatedBiGRUCNN",
    "LateFusion",
    "ModelOutput",
    "build_model",
    "masked_mean",
]
