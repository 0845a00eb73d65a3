"""The network: shapes, masking, the packed BiGRU, parameter groups."""

from __future__ import annotations

import pytest
import torch
from model_testdata import DIMS, small_batch, small_config
from torch import nn

from mimml_edu.config import FUSIONS
from mimml_edu.model import MIMML, GatedBiGRUCNN, build_model
from mimml_edu.model.blocks import MaskedBiGRU, masked_mean


@pytest.mark.parametrize("fusion", FUSIONS)
def test_output_shapes(fusion):
    torch.manual_seed(0)
    cfg = small_config(fusion=fusion)
    model = build_model(cfg.model)
    batch = small_batch()
    out = model(batch)
    b = len(batch)
    assert out.logits.shape == (b, 2)
    assert out.phq_scaled_hat.shape == (b,)
    assert out.prob.shape == (b,)
    assert torch.isfinite(out.logits).all()
    if fusion not in ("early", "late"):
        assert out.z.shape == (b, cfg.model.d_z)
        assert set(out.h) == set(DIMS) and all(h.shape == (b, 8) for h in out.h.values())
        assert set(out.y_hat) == set(DIMS) and all(y.shape == (b,) for y in out.y_hat.values())


def test_single_modality_and_switches():
    cfg = small_config(modalities=("audio",), mi_ba=True, mi_cpc=False, multitask=False)
    model = MIMML(config=cfg.model)
    assert model.modalities == ("audio",)
    assert len(model.mmilb) == 0 and len(model.cpc) == 0 and len(model.unimodal_heads) == 0
    out = model(small_batch())
    assert set(out.h) == {"audio"} and out.y_hat == {}
    full = MIMML(config=small_config().model)
    assert set(full.mmilb) == {"text_audio", "text_video"}
    assert set(full.cpc) == {"text", "audio", "video"}


@pytest.mark.parametrize("fusion", FUSIONS)
def test_masked_values_cannot_change_any_output(fusion):
    torch.manual_seed(1)
    model = build_model(small_config(fusion=fusion).model).eval()
    batch = small_batch(5)
    assert (~batch.turn_mask).any(), "the test batch needs padded turns"
    assert any((~batch.mask[m] & batch.turn_mask).any() for m in DIMS), "and missing modalities"
    out = model(batch)
    for m in DIMS:
        x = batch.features(m)
        hidden = ~batch.mask[m]
        x[hidden] = torch.randn(int(hidden.sum()), x.shape[-1]) * 100.0
    out2 = model(batch)
    for name in ("z", "logits", "phq_scaled_hat"):
        torch.testing.assert_close(getattr(out, name), getattr(out2, name), rtol=0, atol=1e-6)
    for m in out.h:
        torch.testing.assert_close(out.h[m], out2.h[m], rtol=0, atol=1e-6)


def test_masked_bigru_equals_gru_on_present_turns_only():
    torch.manual_seed(2)
    layer = MaskedBiGRU(d_in=3, d_out=6)
    x = torch.randn(2, 5, 3)
    mask = torch.tensor([[True, False, True, True, False], [True, True, False, False, False]])
    r = layer(x, mask)
    for b in range(2):
        present = mask[b].nonzero().squeeze(1)
        ref, _ = layer.gru(x[b, present].unsqueeze(0))  # the GRU on the present turns alone
        torch.testing.assert_close(r[b, present], ref[0])
        assert (r[b, ~mask[b]] == 0).all()


def test_block_gate_and_pooling():
    torch.manual_seed(3)
    block = GatedBiGRUCNN(d_in=4, d_out=6, kernel=3)
    x = torch.randn(3, 7, 4)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[1, 4:] = False
    mask[2] = False  # a window where the modality is absent
    f, g = block.sequence(x, mask)
    assert f.shape == g.shape == (3, 7, 6)
    assert ((g > 0) & (g < 1)).all()
    pooled = block(x, mask)
    torch.testing.assert_close(pooled[1], f[1, :4].mean(0))
    assert (pooled[2] == 0).all()
    torch.testing.assert_close(masked_mean(f, mask)[0], f[0].mean(0))
    for kind in ("gru", "cnn"):
        f, g = GatedBiGRUCNN(d_in=4, d_out=6, kind=kind).sequence(x, mask)
        assert g is None and f.shape == (3, 7, 6)
    with pytest.raises(ValueError, match="kind"):
        GatedBiGRUCNN(d_in=4, d_out=6, kind="lstm")


def test_parameter_groups_partition_the_parameters():
    model = MIMML(config=small_config().model)
    groups = model.parameter_groups()
    ids = [id(p) for g in groups.values() for p in g]
    assert len(ids) == len(set(ids)) == len(list(model.parameters()))
    mmilb = {id(p) for p in model.mmilb.parameters()}
    assert {id(p) for p in groups["mmilb"]} == mmilb


def test_constructors_are_keyword_only():
    with pytest.raises(TypeError):
        MIMML(small_config().model)
    assert isinstance(build_model(small_config().model), nn.Module)


def test_baseline_fusion_rejected_by_mimml():
    with pytest.raises(ValueError, match="baseline"):
        MIMML(config=small_config(fusion="early").model)


@pytest.mark.parametrize("view", ["gru", "cnn"])
def test_one_view_everywhere_leaves_no_gate(view):
    model = build_model(small_config(fusion=view, encoder_block=view).model)
    blocks = [m for m in model.modules() if isinstance(m, GatedBiGRUCNN)]
    assert len(blocks) == 4  # three encoders and the fusion
    assert all(b.kind == view and b.gate is None for b in blocks)
    other = "conv" if view == "gru" else "gru"
    assert all(getattr(b, other) is None for b in blocks)
    assert torch.isfinite(model(small_batch()).logits).all()
    with pytest.raises(ValueError, match="encoder_block"):
        build_model(small_config(encoder_block="lstm").model)
