"""Self-MM unimodal label generation adapted to PHQ-8, on a hand-computed example."""

from __future__ import annotations

import math

import pytest
import torch

from mimml_edu.objectives.multitask import (
    UnimodalLabels,
    generate_labels,
    scale_phq,
    unimodal_loss,
)

T = torch.tensor


def bank() -> UnimodalLabels:
    # y_m = (PHQ - 9.5)/4.75: windows 0, 1 depressed (y_m = 1, 2), 2, 3 not (-1, -2)
    labels = UnimodalLabels(
        keys=[("a", 0), ("b", 0), ("c", 0), ("d", 0)],
        phq=T([14.25, 19.0, 4.75, 0.0]),
        modalities=["text"],
        d_h=1,
        d_z=1,
    )
    rows = T([0, 1, 2, 3])
    present = {"text": torch.ones(4, dtype=torch.bool)}
    # epoch 1: features go to the bank, labels do not move
    labels.update(
        rows,
        {"text": T([[2.0], [4.0], [-1.0], [-3.0]])},
        T([[1.0], [3.0], [0.0], [-2.0]]),
        present,
        epoch=1,
    )
    return labels


def test_labels_start_at_fusion_label_and_epoch_one_does_not_move_them():
    labels = bank()
    torch.testing.assert_close(labels.labels["text"], T([1.0, 2.0, -1.0, -2.0]))
    # centres: text C+ = 3, C- = -2; fusion C+ = 2, C- = -1
    torch.testing.assert_close(torch.cat(labels.centres("text")), T([3.0, -2.0]))
    torch.testing.assert_close(torch.cat(labels.centres("fusion")), T([2.0, -1.0]))


def test_hand_computed_update():
    labels = bank()
    # window 0 seen again in epoch 2 with h_text = 1, z = 1:
    # d_sp = |1-3| = 2, d_sn = |1+2| = 3 -> delta_s = (3-2)/2 = 0.5
    # d_mp = |1-2| = 1, d_mn = |1+1| = 2 -> delta_m = (2-1)/1 = 1
    # y_hat = 1/2 * (0.5/1) * 1 + 1/2 * (1 + 0.5 - 1) = 0.5
    # momentum, n = 2: y_s = 1/3 * 1 + 2/3 * 0.5 = 2/3
    labels.update(T([0]), {"text": T([[1.0]])}, T([[1.0]]), {"text": T([True])}, epoch=2)
    assert labels.labels["text"][0].item() == pytest.approx(2 / 3, abs=1e-6)
    torch.testing.assert_close(labels.labels["text"][1:], T([2.0, -1.0, -2.0]))
    assert labels.bank["text"][0].item() == 1.0  # the bank now holds the new features
    targets, weights = labels.targets(T([0, 1]))
    assert targets["text"][0].item() == pytest.approx(2 / 3, abs=1e-6)
    assert weights["text"][0].item() == pytest.approx(math.tanh(1 / 3), abs=1e-6)
    assert weights["text"][1].item() == 0.0


def test_absent_modality_keeps_its_label_and_bank_row():
    labels = bank()
    labels.update(T([0]), {"text": T([[9.0]])}, T([[1.0]]), {"text": T([False])}, epoch=3)
    assert labels.labels["text"][0].item() == 1.0
    assert labels.bank["text"][0].item() == 2.0


def test_formula_clamp_and_undefined_ratio():
    nan = float("nan")
    out = generate_labels(
        T([100.0, 0.0, nan]), T([0.01, 0.0, 1.0]), T([2.0, 1.5, -1.0]), clamp=3.1
    )
    assert out[0].item() == pytest.approx(3.1)  # clamped
    assert out[1].item() == pytest.approx(0.75)  # delta_s = delta_m = 0: 0/(0+eps) = 0
    assert out[2].item() == -1.0  # undefined: falls back to y_m
    assert torch.isfinite(out).all()


def test_unimodal_loss_by_hand():
    pred = {"text": T([0.0, 1.0, 5.0])}
    target = {"text": T([1.0, 1.0, 0.0])}
    weight = {"text": T([0.5, 0.2, 0.9])}
    present = {"text": T([True, True, False])}
    # mean over present windows of |pred - y| * w = (1*0.5 + 0*0.2) / 2
    assert unimodal_loss(pred, target, weight, present).item() == pytest.approx(0.25)
    none = {"text": torch.zeros(3, dtype=torch.bool)}
    assert unimodal_loss(pred, target, weight, none).item() == 0.0


def test_errors():
    with pytest.raises(ValueError, match="one class only"):
        UnimodalLabels(
            keys=[("a", 0), ("b", 0)], phq=T([12.0, 20.0]), modalities=["text"], d_h=1, d_z=1
        )
    with pytest.raises(ValueError, match="session b has none"):
        UnimodalLabels(
            keys=[("a", 0), ("b", 0)],
            phq=T([12.0, float("nan")]),
            modalities=["text"],
            d_h=1,
            d_z=1,
        )
    with pytest.raises(KeyError, match="not a training window"):
        bank().rows(["zzz"], T([0]))
    assert scale_phq(T([9.5, 14.25])).tolist() == [0.0, 1.0]
