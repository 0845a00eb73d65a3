"""The checkpoint registry: every committed checkpoint matches its recipe; stale or broken
files are refused with a message that names the command that retrains them."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from mimml_edu.errors import CheckpointError
from mimml_edu.pretrained import CHECKPOINT_DIR, RECIPES, checkpoint_path, load_pretrained


@pytest.mark.parametrize("name", list(RECIPES))
def test_committed_checkpoint_matches_its_recipe_and_the_current_model(name, one_thread):
    """Each committed checkpoint loads into today's model code, was trained with its
    recipe's config on its recipe's corpus (the fingerprint of the train and dev sessions
    matches), and still gives the dev score it recorded (catches model and data drift)."""
    from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions

    model, config, record = load_pretrained(name, train_if_missing=False)
    corpus = RECIPES[name].load_corpus()
    assert config.to_dict() == RECIPES[name].config().to_dict()
    assert record["data"]["fingerprint"] == corpus.fingerprint(("train", "dev"))
    assert record["data"]["spec"] == corpus.spec
    dev = corpus.split("dev")
    f1 = compute_metrics(to_sessions(predict_windows(model, dev, k=config.train.k)))["macro_f1"]
    assert f1 == pytest.approx(record["training"]["dev_macro_f1"], abs=1e-6)
    assert record["extra"]["command"] == f"python -m mimml_edu.pretrained {name}"
    assert checkpoint_path(name).stat().st_size < 1_000_000
    if RECIPES[name].label_snapshots:
        snaps = record["extra"]["label_snapshots"]
        assert set(snaps) == set(config.model.modalities)
        epochs = len(record["training"]["history"]["elapsed"])
        assert all(s.shape == (epochs, len(record["extra"]["label_keys"])) for s in snaps.values())
    train = corpus.split("train")
    for m in config.model.modalities:  # standardization statistics of this corpus's train split
        rows = np.concatenate([s.features[m][s.masks[m]] for s in train]).astype(np.float64)
        projection = model.encoders[m].projection
        np.testing.assert_allclose(projection.mean.numpy(), rows.mean(0), atol=1e-4)


def test_every_committed_file_is_a_recipe():
    files = sorted(p.stem for p in CHECKPOINT_DIR.glob("*.pt"))
    assert files == sorted(RECIPES)


def test_explanation_recipe_uses_the_package_defaults():
    """Chapter 09's model is trained with today's defaults (no pinned, drifting settings)."""
    from mimml_edu.config import ModelConfig, ObjectiveConfig

    config = RECIPES["mimml_explain"].config()
    default = ModelConfig(input_dims=dict(config.model.input_dims))
    default.validate()
    assert config.model == default
    assert config.objective == ObjectiveConfig()
    assert not config.model.center_turns


def test_load_pretrained_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python -m mimml_edu\.pretrained"):
        load_pretrained("mimml_full", directory=tmp_path, train_if_missing=False)
    checkpoint_path("mimml_full", tmp_path).write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_pretrained("mimml_full", directory=tmp_path, train_if_missing=False)
    with pytest.raises(CheckpointError, match="unknown recipe"):
        checkpoint_path("nope")
    shutil.copy(checkpoint_path("unimodal_audio"), checkpoint_path("unimodal_text", tmp_path))
    with pytest.raises(CheckpointError, match=r"stale checkpoint.*retrain it with"):
        load_pretrained("unimodal_text", directory=tmp_path, train_if_missing=False)


def test_non_finite_weights_are_refused(tmp_path):
    record = torch.load(checkpoint_path("unimodal_audio"), weights_only=True)
    name = next(k for k, v in record["model"].items() if v.is_floating_point())
    record["model"][name] = record["model"][name].clone().fill_(float("nan"))
    torch.save(record, checkpoint_path("unimodal_audio", tmp_path))
    with pytest.raises(CheckpointError, match=f"weights '{name}' are not finite"):
        load_pretrained("unimodal_audio", directory=tmp_path, train_if_missing=False)
