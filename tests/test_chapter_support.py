"""Support code of chapters 04-08: analysis helpers and chapter checkpoints."""

from __future__ import annotations

import math

import pytest
import torch

from mimml_edu import analysis
from mimml_edu.pretrained import RECIPES, checkpoint_path, load_pretrained

# ------------------------------------------------------------------ analysis


def test_linear_cka_invariances():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(200, 6, generator=gen)
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=gen))
    assert analysis.linear_cka(x, x @ q * 3.0) == pytest.approx(1.0, abs=1e-9)
    y = torch.randn(200, 5, generator=gen)
    assert analysis.linear_cka(x, y) < 0.15
    with pytest.raises(ValueError, match="same N"):
        analysis.linear_cka(x, y[:10])


def test_cpc_retrieval_perfect_and_chance():
    gen = torch.Generator().manual_seed(1)
    h = torch.randn(256, 8, generator=gen)
    assert analysis.cpc_retrieval(h, h, torch.nn.Identity()) == 1.0
    noise = torch.randn(256, 8, generator=gen)
    assert analysis.cpc_retrieval(h, noise, torch.nn.Identity()) < 0.2
    with pytest.raises(ValueError, match="batch_size"):
        analysis.cpc_retrieval(h[:4], h[:4], torch.nn.Identity())


def test_cpc_probe_learns_a_linear_map():
    gen = torch.Generator().manual_seed(2)
    z = torch.randn(512, 10, generator=gen)
    h = z @ torch.randn(10, 6, generator=gen)
    probe = analysis.fit_cpc_probe(h, z, steps=200)
    assert analysis.cpc_retrieval(h, z, probe) > 0.8


def test_fit_ba_head_shows_the_logvar_pitfall():
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(256, 4, generator=gen)
    y = x[:, :2] + 0.3 * torch.randn(256, 2, generator=gen)
    bug = analysis.fit_ba_head(x, y, mmim_bug=True, steps=150, lr=1e-2)
    good = analysis.fit_ba_head(x, y, mmim_bug=False, steps=150, lr=1e-2)
    # without -1/2 logvar the variance only grows, and the true likelihood is worse
    assert bug["logvar"][-1] > bug["logvar"][0] + 1.0
    assert good["log_likelihood"][-1] > bug["log_likelihood"][-1]
    # with the full likelihood, objective and true log-likelihood are the same number
    assert good["objective"][-1] == pytest.approx(good["log_likelihood"][-1], rel=0.2, abs=0.1)
    assert all(math.isfinite(v) for v in bug["objective"] + good["objective"])


def test_oracle_metrics_on_the_synthetic_corpus():
    from mimml_edu.data.synthetic import make_corpus

    corpus = make_corpus(60, seed=1)
    metrics = analysis.oracle_metrics(corpus, "test")
    assert metrics["balanced_accuracy"] == pytest.approx(corpus.oracle_balanced_accuracy("test"))
    assert 0 <= metrics["auroc"] <= 1 and metrics["phq_mae"] >= 0
    every = analysis.oracle_metrics(corpus, None)  # all sessions, e.g. a fresh sample
    assert every["balanced_accuracy"] == pytest.approx(corpus.oracle_balanced_accuracy())


# ------------------------------------------------------------------ chapter checkpoints


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_committed_checkpoint_matches_its_recipe_and_the_current_model(name):
    """Each committed checkpoint loads into today's model code, was trained with its
    recipe's config, and still gives the dev score it recorded (catches model drift)."""
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions

    torch.set_num_threads(1)
    model, config, record = load_pretrained(name, train_if_missing=False)
    assert config.to_dict() == RECIPES[name].config().to_dict()
    dev = make_corpus(seed=record["corpus_seed"]).split("dev")
    f1 = compute_metrics(to_sessions(predict_windows(model, dev, k=config.train.k)))["macro_f1"]
    assert f1 == pytest.approx(record["best_dev_macro_f1"], abs=1e-6)
    if config.model.multitask:
        snaps = record["label_snapshots"]
        assert set(snaps) == set(config.model.modalities)
        shape = (len(record["history"]["elapsed"]), len(record["label_keys"]))
        assert all(s.shape == shape for s in snaps.values())


def test_load_pretrained_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"python -m mimml_edu\.pretrained"):
        load_pretrained("mimml_full", directory=tmp_path, train_if_missing=False)
    checkpoint_path("mimml_full", tmp_path).write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        load_pretrained("mimml_full", directory=tmp_path, train_if_missing=False)
    with pytest.raises(KeyError, match="unknown recipe"):
        checkpoint_path("nope")
