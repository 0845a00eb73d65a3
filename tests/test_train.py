"""fit(): determinism, exact resume, checkpoints, non-finite detection, input errors."""

from __future__ import annotations

import math

import pytest
import torch
from model_testdata import random_sessions, small_config

from mimml_edu.checkpoints import load_checkpoint
from mimml_edu.train import fit

TRAIN = random_sessions(16, seed=1, prefix="tr")
DEV = random_sessions(8, seed=2, prefix="dv")


def _state(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def _same_history(a, b):
    keys = set(a) - {"elapsed"}
    assert keys == set(b) - {"elapsed"}
    for k in keys:
        assert a[k] == pytest.approx(b[k], nan_ok=True, abs=0, rel=0), k


def test_history_terms_checkpoints_and_load(tmp_path):
    result = fit(small_config(), TRAIN, DEV, out_dir=tmp_path, progress=False)
    h = result.history
    for key in (
        "stage0/lld_text_audio",
        "stage1/ce",
        "stage1/uni",
        "stage1/cpc_video",
        "stage1/entropy_text_video",
        "stage1/total",
        "dev/macro_f1",
        "lr",
        "elapsed",
    ):
        assert len(h[key]) == 3, key  # fmt: skip
    assert result.stopped == "max epochs"
    assert 1 <= result.best_epoch <= 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt", "last.pt"]  # no .tmp left
    model, config, ckpt = load_checkpoint(tmp_path / "best.pt")
    assert config.to_dict() == small_config().to_dict()
    assert ckpt["training"]["epoch"] == result.best_epoch
    assert ckpt["data"]["n_sessions"] == len(TRAIN) + len(DEV)
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, result.model.state_dict()[k])
    assert (model.encoders["text"].projection.std != 1).any()  # input statistics are saved


def test_same_seed_same_run():
    a = fit(small_config(), TRAIN, DEV, progress=False)
    b = fit(small_config(), TRAIN, DEV, progress=False)
    _same_history(a.history, b.history)
    for k, v in _state(a.model).items():
        assert torch.equal(v, b.model.state_dict()[k]), k
    cfg = small_config()
    cfg.train.seed, cfg.train.epochs = 1, 1
    c = fit(cfg, TRAIN, DEV, progress=False)
    assert c.history["stage1/total"][0] != a.history["stage1/total"][0]


def test_resume_equals_uninterrupted(tmp_path):
    cfg = small_config()
    cfg.train.epochs = 4
    whole = fit(cfg, TRAIN, DEV, out_dir=tmp_path / "whole", progress=False)

    class Interrupt(Exception):
        pass

    def stop_after_two(epoch, model, history):
        if epoch == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        fit(cfg, TRAIN, DEV, out_dir=tmp_path / "part", progress=False, callback=stop_after_two)
    resumed = fit(cfg, TRAIN, DEV, out_dir=tmp_path / "part", progress=False, resume=True)
    _same_history(whole.history, resumed.history)
    assert resumed.best_epoch == whole.best_epoch
    for k, v in _state(whole.model).items():
        assert torch.equal(v, resumed.model.state_dict()[k]), k
    for name in ("last.pt", "best.pt"):
        a = load_checkpoint(tmp_path / "whole" / name)[0].state_dict()
        b = load_checkpoint(tmp_path / "part" / name)[0].state_dict()
        assert all(torch.equal(a[k], b[k]) for k in a)
    other = small_config()
    other.model.d_z = 16
    with pytest.raises(ValueError, match="different config"):
        fit(other, TRAIN, DEV, out_dir=tmp_path / "part", progress=False, resume=True)
    with pytest.raises(ValueError, match="resume only on the same data"):
        fit(cfg, TRAIN[:-1], DEV, out_dir=tmp_path / "part", progress=False, resume=True)


def test_non_finite_loss_stops_names_the_term_and_keeps_last_good_checkpoint(tmp_path):
    def poison(epoch, model, history):
        with torch.no_grad():
            model.classifier.weight.fill_(math.nan)

    result = fit(small_config(), TRAIN, DEV, out_dir=tmp_path, progress=False, callback=poison)
    assert result.stopped.startswith("non-finite loss: term 'ce'")
    assert "epoch 2" in result.stopped and "stage 1" in result.stopped
    assert len(result.history["stage1/total"]) == 1
    model, _, ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["training"]["epoch"] == 1
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert all(torch.isfinite(p).all() for p in result.model.parameters())


def test_early_stopping_and_baselines():
    cfg = small_config(fusion="late")
    cfg.train.early_stopping = 1
    cfg.train.epochs = 30
    result = fit(cfg, TRAIN, DEV, progress=False)
    assert result.stopped == "early stopping"
    assert not any(k.startswith("stage0/") for k in result.history)
    assert set(k for k in result.history if k.startswith("stage1/")) == {
        "stage1/ce", "stage1/reg", "stage1/total"}  # fmt: skip


def test_input_errors(tmp_path):
    dev_one_class = [s for s in DEV if s.label == 1]
    with pytest.raises(ValueError, match="non-depressed dev sessions"):
        fit(small_config(), TRAIN, dev_one_class, progress=False)
    train_one_class = [s for s in TRAIN if s.label == 0]
    with pytest.raises(ValueError, match=r"one class only|empty class"):
        fit(small_config(), train_one_class, DEV, progress=False)
    with pytest.raises(FileNotFoundError, match=r"missing\.pt"):
        load_checkpoint(tmp_path / "missing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable"):
        load_checkpoint(bad)


def test_packaged_checkpoint_loads_and_predicts():
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.evaluate import predict_windows
    from mimml_edu.pretrained import checkpoint_path, load_pretrained

    assert checkpoint_path("mimml_synthetic").stat().st_size < 500_000
    model, config, ckpt = load_pretrained("mimml_synthetic", train_if_missing=False)
    assert ckpt["data"]["spec"] == "synthetic:n=189,seed=0"
    sessions = make_corpus(6, seed=5).sessions
    p = predict_windows(model, sessions, k=config.train.k)
    assert len(p.prob) >= 6 and ((p.prob >= 0) & (p.prob <= 1)).all()
