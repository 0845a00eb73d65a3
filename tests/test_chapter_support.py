"""Support code of chapters 04-08: analysis helpers and chapter checkpoints."""

from __future__ import annotations

import math

import pytest
import torch

from mimml_edu import analysis

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
