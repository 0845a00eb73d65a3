"""Turn embeddings (transformers): a tiny random model from a config, and the offline MiniLM."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import BertModel, BertTokenizer

from mimml_edu.features.text import TextEncoder, model_fingerprint, save_random_encoder

WORDS = "i am tired today not sleeping well the weather is fine we went running".split()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A random 1-layer BERT and a word-level tokenizer, saved to a folder: no download."""
    folder = save_random_encoder(tmp_path_factory.mktemp("tiny_bert"), WORDS)
    return folder


def test_tiny_model_mean_pooling_matches_reference(tiny_model):
    encoder = TextEncoder(model_path=tiny_model, batch_size=2)
    texts = ["i am tired", "", "the weather is fine we went running", "   ", "not sleeping"]
    emb, mask = encoder.encode(texts)
    assert emb.shape == (5, 32) and encoder.dim == 32
    assert mask.tolist() == [True, False, True, False, True]
    assert (emb[~mask] == 0).all()
    assert np.allclose(np.linalg.norm(emb[mask], axis=1), 1.0, atol=1e-5)
    # reference: one text at a time (no padding), mean over tokens, normalise
    model = BertModel.from_pretrained(tiny_model).eval()
    tok = BertTokenizer.from_pretrained(tiny_model)
    for i in np.flatnonzero(mask):
        with torch.no_grad():
            hidden = model(**tok(texts[i], return_tensors="pt")).last_hidden_state[0]
        ref = torch.nn.functional.normalize(hidden.mean(0), dim=0).numpy()
        assert np.allclose(emb[i], ref, atol=1e-5)
    assert encoder.channel_names()[:2] == ["emb_000", "emb_001"]


def test_fingerprint_changes_with_the_model(tiny_model, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(tiny_model, other)
    assert model_fingerprint(other) == model_fingerprint(tiny_model)
    (other / "vocab.txt").write_text((other / "vocab.txt").read_text() + "extra\n")
    assert model_fingerprint(other) != model_fingerprint(tiny_model)


def test_default_minilm_offline():
    encoder = TextEncoder()
    assert encoder.dim == 384
    emb, mask = encoder.encode(
        [
            "I have been sleeping badly.",
            "My sleep has been terrible lately.",
            "Paris is in France.",
        ]
    )
    assert mask.all()
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 2] + 0.2


def test_bad_model_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        TextEncoder(model_path=tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="not a loadable transformers model"):
        TextEncoder(model_path=tmp_path / "empty")
