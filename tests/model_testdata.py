"""Small random sessions and configs for the model, loss, training and evaluation tests."""

from __future__ import annotations

import numpy as np
import torch

from mimml_edu.config import Config, ModelConfig, TrainConfig
from mimml_edu.data.batch import MODALITIES, Session, collate, make_windows

torch.set_num_threads(1)  # tiny tensors: threads only add overhead on a shared 2-core box

DIMS = {"text": 5, "audio": 4, "video": 3}


def random_sessions(
    n: int, *, seed: int = 0, prefix: str = "s", signal: float = 1.0, turns=(6, 14)
) -> list[Session]:
    """Sessions whose text carries the PHQ-8 score (so a model can learn something)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        phq = float(rng.integers(0, 25)) if i % 2 else float(rng.integers(0, 10))
        phq = phq if i % 4 else float(rng.integers(10, 25))
        n_turns = int(rng.integers(*turns))
        feats, masks = {}, {}
        for m in MODALITIES:
            x = rng.normal(size=(n_turns, DIMS[m])).astype(np.float32)
            x[:, 0] += signal * (phq - 9.5) / 4.75
            feats[m] = x
            masks[m] = rng.random(n_turns) > 0.15
        out.append(
            Session(
                f"{prefix}{i}", feats, masks, phq_score=phq, label=int(phq >= 10), gender=i % 2
            )
        )
    return out


def small_config(**model) -> Config:
    """A tiny model and a short run: fast enough for tests."""
    cfg = Config(
        model=ModelConfig(input_dims=dict(DIMS), d_proj=8, d_h=8, d_z=12, **model),
        train=TrainConfig(epochs=3, batch_size=8, k=6, early_stopping=50, eval_batch_size=64),
    )
    return cfg.validate()


def small_batch(n_sessions: int = 4, *, k: int = 6, seed: int = 0):
    sessions = random_sessions(n_sessions, seed=seed)
    windows = [w for s in sessions for w in make_windows(s, k=k)]
    return collate(windows, k=k)
