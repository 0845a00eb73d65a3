"""The MIMML objective: every term by name, finite on edge batches, gradients per stage."""

from __future__ import annotations

import math

import pytest
import torch
from model_testdata import DIMS, small_batch, small_config

from mimml_edu.model import MIMML
from mimml_edu.objectives.mimml_loss import (
    MIMMLObjective,
    ba_log_prob,
    cpc_term,
    gaussian_mixture_entropy,
)
from mimml_edu.objectives.multitask import UnimodalLabels
from mimml_edu.train import _subbatch

STAGE1_TERMS = {
    "ce", "reg", "uni", "cpc_text", "cpc_audio", "cpc_video", "lld_text_audio",
    "lld_text_video", "entropy_text_audio", "entropy_text_video", "total",
}  # fmt: skip


def setup(batch, **model):
    torch.manual_seed(0)
    cfg = small_config(**model)
    net = MIMML(config=cfg.model)
    labels = None
    if cfg.model.multitask:
        phq = batch.phq.clone()
        phq[0], phq[-1] = 20.0, 2.0  # the bank needs both classes
        labels = UnimodalLabels(
            keys=list(zip(batch.session_id, batch.start.tolist(), strict=True)), phq=phq,
            modalities=list(DIMS), d_h=cfg.model.d_h, d_z=cfg.model.d_z,
        )  # fmt: skip
    objective = MIMMLObjective(
        config=cfg.objective, class_weights=torch.tensor([0.7, 1.8]), labels=labels
    )
    return net, objective


def test_every_term_by_name_and_total_matches_formula():
    batch = small_batch(6)
    net, objective = setup(batch)
    objective.stage1(net, net(batch), batch)  # fills the entropy memory
    terms = objective.stage1(net, net(batch), batch)
    assert set(terms) == STAGE1_TERMS
    assert all(torch.isfinite(v) and v.dim() == 0 for v in terms.values())
    assert terms["entropy_text_audio"].item() != 0.0
    c = objective.config
    expected = (
        terms["ce"] + c.lambda_reg * terms["reg"] + c.lambda_uni * terms["uni"]
        + c.alpha * sum(terms[f"cpc_{m}"] for m in DIMS)
        - c.beta * (terms["lld_text_audio"] + terms["lld_text_video"])
        - c.beta * (terms["entropy_text_audio"] + terms["entropy_text_video"])
    )  # fmt: skip
    torch.testing.assert_close(terms["total"], expected)


def _edge_batches():
    one_class = small_batch(6)
    one_class.label[:] = 1
    one_window = _subbatch(small_batch(1), torch.tensor([0]))
    unknown = small_batch(4)
    unknown.label[:] = -1
    unknown.phq[:] = float("nan")
    absent = small_batch(4)
    absent.mask["audio"][:] = False
    absent.audio[:] = 0.0
    return {"one class": one_class, "one window": one_window, "unknown labels": unknown,
            "audio absent": absent}  # fmt: skip


@pytest.mark.parametrize("name", list(_edge_batches()))
def test_terms_finite_on_edge_batches(name):
    batch = _edge_batches()[name]
    net, objective = setup(small_batch(6), multitask=False)
    for _ in range(2):  # with and without memory
        terms = objective.stage1(net, net(batch), batch)
        bad = {k: v.item() for k, v in terms.items() if not torch.isfinite(v)}
        assert not bad, f"{name}: {bad}"
        s0 = objective.stage0(net, batch)
        assert all(torch.isfinite(v) for v in s0.values())
    if name == "one class":  # documented fallback: entropy term 0 without a second class
        fresh = MIMMLObjective(config=objective.config)
        assert fresh.stage1(net, net(batch), batch)["entropy_text_audio"].item() == 0.0


def _grad_owners(net, loss):
    net.zero_grad(set_to_none=True)
    loss.backward()
    return {n for n, p in net.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}


def test_stage_gradients_reach_exactly_the_intended_groups():
    batch = small_batch(6)
    net, objective = setup(batch)
    mmilb = {n for n, _ in net.named_parameters() if n.startswith("mmilb.")}
    main = {n for n, _ in net.named_parameters()} - mmilb
    assert _grad_owners(net, objective.stage0(net, batch)["total"]) == mmilb
    objective.stage1(net, net(batch), batch)
    terms = objective.stage1(net, net(batch), batch)
    # the generated labels differ from y_m so that the unimodal heads get gradient
    for m in DIMS:
        objective.labels.labels[m] += 0.5
    terms = objective.stage1(net, net(batch), batch)
    owners = _grad_owners(net, terms["total"])
    assert owners == main
    assert all(p.requires_grad for p in net.parameters())  # freezing was temporary


def test_ba_log_prob_is_the_full_gaussian_and_mmim_bug_differs():
    torch.manual_seed(0)
    net = MIMML(config=small_config().model)
    head = net.mmilb["text_audio"]
    x, y = torch.randn(5, 8), torch.randn(5, 8)
    mean, logvar = head(x)
    manual = (-0.5 * ((y - mean) ** 2 / logvar.exp() + logvar + math.log(2 * math.pi))).sum(-1)
    torch.testing.assert_close(ba_log_prob(head, x, y), manual)
    raw = head.logvar_net(x)
    torch.testing.assert_close(
        ba_log_prob(head, x, y, mmim_bug=True), (-((y - mean) ** 2) / 2 / raw.exp()).sum(-1)
    )
    assert logvar.abs().max() <= net.config.logvar_bound


def test_cpc_matches_mmim_formula():
    torch.manual_seed(0)
    predictor = torch.nn.Linear(6, 4)
    h, z = torch.randn(7, 4), torch.randn(7, 6)
    p = predictor(z)
    p = p / p.norm(dim=1, keepdim=True)
    hn = h / h.norm(dim=1, keepdim=True)
    pos = (hn * p).sum(-1)
    neg = torch.logsumexp(hn @ p.T, dim=-1)
    torch.testing.assert_close(cpc_term(h, z, predictor), -(pos - neg).mean())
    assert cpc_term(h[:1], z[:1], predictor).item() == 0.0
    assert torch.isfinite(cpc_term(torch.zeros(3, 4), z[:3], predictor))


def test_entropy_formula_singular_and_missing_class():
    torch.manual_seed(0)
    pos, neg = torch.randn(20, 3), torch.randn(30, 3) * 2
    expected = 0.0
    for x in (pos, neg):
        c = x - x.mean(0)
        expected += 0.25 * torch.logdet(c.T @ c / len(x) + 1e-3 * torch.eye(3))
    torch.testing.assert_close(gaussian_mixture_entropy(pos, neg, ridge=1e-3), expected)
    same = torch.ones(5, 3)  # singular covariance: the ridge keeps logdet finite
    value = gaussian_mixture_entropy(same, neg, ridge=1e-3)
    assert torch.isfinite(value)
    assert gaussian_mixture_entropy(pos[:1], neg, ridge=1e-3) is None
    assert gaussian_mixture_entropy(None, neg, ridge=1e-3) is None
