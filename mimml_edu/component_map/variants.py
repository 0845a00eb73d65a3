"""The variants of the component-effect map and the training recipe they share.

Every variant is full MIMML with one part switched (``ModelConfig`` fields), or a baseline.
The one-view variants replace *every* gated block (the three encoders and the fusion) by
its BiGRU or its CNN view, so the model has no gate left anywhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from mimml_edu.config import Config
from mimml_edu.errors import ConfigError

#: The reference every difference is taken against.
FULL = "MIMML (full)"

#: variant name -> ModelConfig fields it changes.
VARIANTS: dict[str, dict[str, Any]] = {
    FULL: {},
    "- CPC": {"mi_cpc": False},
    "- BA": {"mi_ba": False},
    "- MI (no CPC, no BA)": {"mi_cpc": False, "mi_ba": False},
    "- multi-task": {"multitask": False},
    "BiGRU only (no gate)": {"fusion": "gru", "encoder_block": "gru"},
    "CNN only (no gate)": {"fusion": "cnn", "encoder_block": "cnn"},
    "early fusion (concat + MLP)": {"fusion": "early"},
    "late fusion (mean of unimodal)": {"fusion": "late"},
    "text only": {"modalities": ("text",)},
    "audio only": {"modalities": ("audio",)},
    "video only": {"modalities": ("video",)},
}


@dataclass(frozen=True)
class Recipe:
    """How every variant is trained (small and short, so the whole map fits on two cores).

    Attributes:
        d_proj, d_h, d_z: widths (the package defaults are 64, 32, 128).
        epochs: at most this many epochs; the best dev epoch (session-level macro-F1) is kept.
        early_stopping: epochs without a better dev macro-F1 before stopping.
        batch_size, lr: as in :class:`~mimml_edu.config.TrainConfig`.
    """

    d_proj: int = 16
    d_h: int = 8
    d_z: int = 32
    epochs: int = 10
    early_stopping: int = 6
    batch_size: int = 32
    lr: float = 1e-3

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def modalities_of(variant: str) -> tuple[str, ...]:
    """The modalities a variant sees (what its oracle may look at)."""
    return tuple(check_variant(variant).get("modalities", ("text", "audio", "video")))


def check_variant(name: str) -> dict[str, Any]:
    """The switches of a variant (:class:`ConfigError` naming the known ones otherwise)."""
    if name not in VARIANTS:
        raise ConfigError(f"unknown variant {name!r}; known: {list(VARIANTS)}", key="variant")
    return VARIANTS[name]


def variant_config(name: str, *, input_dims: dict[str, int], recipe: Recipe, seed: int) -> Config:
    """The validated :class:`~mimml_edu.config.Config` of one variant and training seed."""
    config = Config()
    config.model.input_dims = dict(input_dims)
    config.model.d_proj, config.model.d_h, config.model.d_z = recipe.d_proj, recipe.d_h, recipe.d_z
    for key, value in check_variant(name).items():
        setattr(config.model, key, value)
    config.train.epochs, config.train.early_stopping = recipe.epochs, recipe.early_stopping
    config.train.batch_size, config.train.lr = recipe.batch_size, recipe.lr
    config.train.seed = seed
    return config.validate()
