"""Tiny MIMML models for the explain tests: an untrained one (fast) and a briefly trained one."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

import torch

from mimml_edu.config import Config, ModelConfig, TrainConfig
from mimml_edu.data.channels import DIMS

torch.set_num_threads(1)

#: Easy corpus: strong signal, no identity offsets, short sessions; video carries nothing.
KNOBS = {
    "n_turns": (8, 12),
    "amplitude": 1.5,
    "identity": 0.0,
    "tau": 0.5,
    "strength": {"text": 1.0, "audio": 1.0, "video": 0.0},
}


def small_config(epochs: int = 10) -> Config:
    return Config(
        model=ModelConfig(input_dims=dict(DIMS), d_proj=32, d_h=16, d_z=32),
        train=TrainConfig(epochs=epochs, batch_size=32, lr=3e-3, early_stopping=100, k=8),
    )


@functools.lru_cache(maxsize=1)
def untrained():
    """(model, corpus): random weights with the corpus's input statistics, eval mode."""
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.model import build_model
    from mimml_edu.model.encoders import input_statistics

    corpus = make_corpus(8, seed=1, n_turns=(6, 20))
    torch.manual_seed(0)
    model = build_model(small_config().model)
    model.set_input_statistics(input_statistics(corpus.sessions))
    return model.eval(), corpus


@functools.lru_cache(maxsize=1)
def trained():
    """(model, corpus, checkpoint path) trained for a few epochs; cached for the session."""
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.train import fit

    corpus = make_corpus(160, seed=3, **KNOBS)
    out = Path(tempfile.mkdtemp(prefix="mimml-explain-test-"))
    result = fit(
        small_config(), corpus.split("train"), corpus.split("dev"), progress=False, out_dir=out
    )
    return result.model, corpus, out / "best.pt"
