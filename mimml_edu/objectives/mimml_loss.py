"""The MIMML objective, every term returned by name.

Stage 1 (everything but the BA heads)::

    total = ce + lambda_reg * reg + lambda_uni * uni + alpha * sum_m cpc_m
            - beta * sum_(x,y) lld_x_y - beta * sum_(x,y) entropy_x_y

- ``ce``: class-weighted cross-entropy of the depressed-or-not logits (unknown labels ignored).
- ``reg``: ``mean |phq_scaled_hat - y_m|``, the scaled target ``y_m = (PHQ8 - 9.5)/4.75``
  (unknown scores ignored).
- ``uni``: Self-MM's unimodal loss on generated labels
  (:mod:`~mimml_edu.objectives.multitask`).
- ``cpc_<m>``: *from MMIM*: ``-(1/B) sum_i [h_i.p_i - log sum_j exp(h_i.p_j)]`` with
  ``p = G_m(z)``, both L2-normalised, over the windows where m is present.
- ``lld_<x>_<y>``: the Barber-Agakov log-likelihood ``E log q(h_y | h_x)``, full Gaussian
  with bounded log-variance; in stage 1 the BA heads are used with frozen weights.
- ``entropy_<x>_<y>``: ``H(h_y)`` as a two-class Gaussian mixture,
  ``1/4 (logdet S+ + logdet S-)``, covariances over this batch plus the previous one
  (:class:`EntropyMemory`), in a fixed random tanh projection of width ``entropy_dim``,
  with ``entropy_ridge * I`` added. **Fallback**: a class with fewer than 2 windows in
  batch + memory makes the term 0 (no gradient) instead of NaN.

Stage 0 trains the BA heads alone on ``-sum lld`` with the representations detached.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from mimml_edu.config import ObjectiveConfig
from mimml_edu.data.batch import Batch, scale_phq
from mimml_edu.model.mimml import ModelOutput
from mimml_edu.objectives.mi import GaussianConditional, infonce
from mimml_edu.objectives.multitask import UnimodalLabels, unimodal_loss


@lru_cache(maxsize=8)
def entropy_projection(d_in: int, d_out: int) -> torch.Tensor:
    """A fixed (seeded) random projection (d_in, d_out) with orthonormal columns where possible."""
    gen = torch.Generator().manual_seed(1234)
    weight = torch.randn(d_in, d_out, generator=gen)
    q, _ = torch.linalg.qr(weight) if d_in >= d_out else (weight / d_in**0.5, None)
    return q


class EntropyMemory:
    """The previous batch's projected representations, per BA pair and class (MMIM's ``mem``)."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, int], torch.Tensor] = {}

    def get(self, pair: str, cls: int) -> torch.Tensor | None:
        return self.store.get((pair, cls))

    def put(self, pair: str, cls: int, value: torch.Tensor) -> None:
        self.store[(pair, cls)] = value.detach()

    def clear(self) -> None:
        self.store.clear()


def cpc_term(h: torch.Tensor, z: torch.Tensor, predictor: nn.Module) -> torch.Tensor:
    """MMIM's CPC between z and one modality.

    Args:
        h: (B, d_h).  z: (B, d_z).  predictor: ``G_m``, (B, d_z) -> (B, d_h).
    Returns:
        scalar, ``-mean_i [s_ii - logsumexp_j s_ij]`` with ``s = h_hat @ p_hat.T``.
    """
    p = F.normalize(predictor(z), dim=-1, eps=1e-8)
    h = F.normalize(h, dim=-1, eps=1e-8)
    scores = h @ p.T  # (B, B), positives on the diagonal
    b = scores.shape[0]
    if b < 2:  # one window: nothing to contrast, the term is 0
        return scores.sum() * 0.0
    if not torch.isfinite(scores).all():  # let fit() name the term instead of raising here
        return scores.sum() * math.nan
    return math.log(b) - infonce(scores)  # infonce = mean[s_ii - logsumexp_j s_ij] + log B


def ba_log_prob(
    head: GaussianConditional, x: torch.Tensor, y: torch.Tensor, *, mmim_bug: bool = False
) -> torch.Tensor:
    """Barber-Agakov log-likelihood ``log q(y_i | x_i)``.

    Args:
        head: the conditional.  x: (B, d_x).  y: (B, d_y).
        mmim_bug: MMIM's version, ``-sum (y - mu)^2 / (2 exp(raw_logvar))``: no ``-1/2 logvar``
            term and an unbounded log-variance (only to show the pitfall).
    Returns:
        (B,) log-likelihoods in nats.
    """
    if mmim_bug:
        mean, raw = head.mean_net(x), head.logvar_net(x)
        return (-((y - mean) ** 2) / 2.0 / raw.exp()).sum(-1)
    return head.log_prob(x, y)


@contextmanager
def frozen(module: nn.Module) -> Iterator[None]:
    """Use ``module`` without recording gradients for its parameters (inputs still get them)."""
    params = list(module.parameters())
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(params, flags, strict=True):
            p.requires_grad_(flag)


def gaussian_mixture_entropy(
    pos: torch.Tensor | None, neg: torch.Tensor | None, *, ridge: float
) -> torch.Tensor | None:
    """``1/4 (logdet S+ + logdet S-)``; None when a class has fewer than 2 samples.

    Args:
        pos, neg: (n, d) samples of each class.  ridge: added to each covariance's diagonal.
    """
    if pos is None or neg is None or len(pos) < 2 or len(neg) < 2:
        return None
    logdets = []
    for x in (pos, neg):
        centred = x - x.mean(0)
        cov = centred.T @ centred / len(x)  # (d, d), MMIM's biased estimate
        cov = cov + ridge * torch.eye(x.shape[1], dtype=x.dtype, device=x.device)
        logdets.append(torch.linalg.slogdet(cov)[1])
    return 0.25 * (logdets[0] + logdets[1])


def class_weights(labels: torch.Tensor) -> torch.Tensor:
    """(2,) weights ``N / (2 N_c)`` over the known labels; an empty class is an error."""
    known = labels[labels >= 0]
    counts = torch.bincount(known, minlength=2).float()
    if (counts == 0).any():
        missing = "depressed" if counts[1] == 0 else "non-depressed"
        raise ValueError(f"the training windows contain no {missing} session (empty class)")
    return counts.sum() / (2 * counts)


class MIMMLObjective:
    """Computes the loss terms of both stages.

    Args:
        config: the objective's weights.
        class_weights: (2,) CE weights, or None for unweighted CE.
        labels: the unimodal label bank (needed when the model has unimodal heads).
    """

    def __init__(
        self,
        *,
        config: ObjectiveConfig,
        class_weights: torch.Tensor | None = None,
        labels: UnimodalLabels | None = None,
    ):
        self.config = config
        self.class_weights = class_weights
        self.labels = labels
        self.memory = EntropyMemory()

    def _lld(self, model: nn.Module, h: dict, present: dict, *, freeze: bool) -> dict:
        terms = {}
        for x, y in model.ba_pairs:
            name = f"{x}_{y}"
            head = model.mmilb[name]
            keep = present[x] & present[y]
            bug = self.config.mmim_logvar_bug
            if freeze:
                with frozen(head):
                    ll = ba_log_prob(head, h[x][keep], h[y][keep], mmim_bug=bug)
            else:
                ll = ba_log_prob(head, h[x][keep], h[y][keep], mmim_bug=bug)
            terms[f"lld_{name}"] = ll.mean() if ll.numel() else h[x].sum() * 0.0
        return terms

    def stage0(self, model: nn.Module, batch: Batch) -> dict[str, torch.Tensor]:
        """BA heads only: ``total = -sum lld`` on detached representations.

        Returns:
            ``lld_<x>_<y>`` per pair and ``total``; empty ``total`` 0 without BA pairs.
        """
        with torch.no_grad():
            _, h = model.encode(batch)
        present = {m: batch.mask[m].any(1) for m in model.modalities}
        terms = self._lld(model, h, present, freeze=False)
        terms["total"] = -sum(terms.values()) if terms else torch.zeros(())
        return terms

    def stage1(self, model: nn.Module, out: ModelOutput, batch: Batch) -> dict[str, torch.Tensor]:
        """Every stage-1 term by name, and ``total``.

        Args:
            model: the network (for its CPC predictors, BA heads and modalities).
            out: the network's output on ``batch``.  batch: the windows.
        Returns:
            name -> scalar tensor.
        """
        cfg = self.config
        zero = out.logits.sum() * 0.0
        terms: dict[str, torch.Tensor] = {}
        known = batch.label >= 0
        if known.any():
            weight = None if self.class_weights is None else self.class_weights.to(out.logits)
            terms["ce"] = F.cross_entropy(out.logits[known], batch.label[known], weight=weight)
        else:
            terms["ce"] = zero
        scored = ~torch.isnan(batch.phq)
        terms["reg"] = (
            (out.phq_scaled_hat[scored] - scale_phq(batch.phq[scored])).abs().mean()
            if scored.any()
            else zero
        )
        total = terms["ce"] + cfg.lambda_reg * terms["reg"]
        if out.y_hat:
            if self.labels is None:
                raise ValueError("the model has unimodal heads: pass labels=UnimodalLabels(...)")
            rows = self.labels.rows(batch.session_id, batch.start.cpu())
            targets, weights = self.labels.targets(rows)
            terms["uni"] = unimodal_loss(out.y_hat, targets, weights, out.present)
            total = total + cfg.lambda_uni * terms["uni"]
        for m, predictor in model.cpc.items():
            keep = out.present[m]
            terms[f"cpc_{m}"] = cpc_term(out.h[m][keep], out.z[keep], predictor)
            total = total + cfg.alpha * terms[f"cpc_{m}"]
        lld = self._lld(model, out.h, out.present, freeze=True)
        for name, value in lld.items():
            terms[name] = value
            total = total - cfg.beta * value
        for x, y in model.ba_pairs:
            name = f"{x}_{y}"
            value = self._entropy(name, out.h[y], batch.label, out.present[y])
            terms[f"entropy_{name}"] = zero if value is None else value
            total = total - cfg.beta * terms[f"entropy_{name}"]
        terms["total"] = total
        return terms

    def _entropy(
        self, pair: str, h_y: torch.Tensor, label: torch.Tensor, present: torch.Tensor
    ) -> torch.Tensor | None:
        proj = entropy_projection(h_y.shape[1], self.config.entropy_dim).to(h_y)
        y = torch.tanh(h_y @ proj)  # (B, entropy_dim)
        samples = {}
        for cls in (1, 0):
            current = y[(label == cls) & present]
            past = self.memory.get(pair, cls)
            samples[cls] = current if past is None else torch.cat([past, current])
            self.memory.put(pair, cls, current)
        return gaussian_mixture_entropy(samples[1], samples[0], ridge=self.config.entropy_ridge)
