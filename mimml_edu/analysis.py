"""Measurements the chapters make on trained models (numbers only; figures live elsewhere).

- :func:`representations`: ``z`` and every ``h_m`` of a model over all windows of sessions.
- :func:`linear_cka`: similarity of two representations (Kornblith et al. 2019).
- :func:`cpc_retrieval`: how often ``G_m(z)`` picks its own window's ``h_m`` out of a batch.
- :func:`fit_cpc_probe`: a fresh linear ``G: z -> h_m`` trained with the CPC loss.
- :func:`fit_ba_head`: train one Barber-Agakov head with the correct Gaussian
  log-likelihood or with MMIM's (no ``-1/2 logvar``), and trace what happens.
- :func:`oracle_metrics`: the Bayes oracle's session-level metrics on the synthetic corpus.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import Session, WindowDataset


@torch.no_grad()
def representations(
    model: nn.Module, sessions: Sequence[Session], *, k: int = 16, batch_size: int = 256
) -> dict[str, torch.Tensor]:
    """Run a model (eval mode) over every window of ``sessions``.

    Args:
        model: a :class:`~mimml_edu.model.MIMML`.  sessions: the sessions.  k: turns per window.
    Returns:
        ``z (N, d_z)``, ``h_<m> (N, d_h)`` per modality, ``present_<m> (N,)`` bool,
        ``label (N,)``, ``phq (N,)``, ``start (N,)`` and ``session_id`` (list of N).
    """
    dataset = WindowDataset(sessions, k=k)
    was_training = model.training
    model.eval()
    parts: dict[str, list] = {}
    for i in range(0, len(dataset), batch_size):
        batch = dataset.collate(dataset.windows[i : i + batch_size])
        out = model(batch)
        parts.setdefault("z", []).append(out.z)
        for m in out.h:
            parts.setdefault(f"h_{m}", []).append(out.h[m])
            parts.setdefault(f"present_{m}", []).append(out.present[m])
        parts.setdefault("label", []).append(batch.label)
        parts.setdefault("phq", []).append(batch.phq)
        parts.setdefault("start", []).append(batch.start)
        parts.setdefault("session_id", []).append(batch.session_id)
    model.train(was_training)
    out_dict: dict = {k_: torch.cat(v) for k_, v in parts.items() if k_ != "session_id"}
    out_dict["session_id"] = [s for ids in parts["session_id"] for s in ids]
    return out_dict


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear centred kernel alignment of two representations of the same N items.

    Args:
        x: (N, d_x).  y: (N, d_y).
    Returns:
        a number in [0, 1]: 1 when one is a rotation and scaling of the other, near 0 when
        they share no linear structure. Invariant to orthogonal transforms and scale.
    """
    if x.shape[0] != y.shape[0] or x.shape[0] < 2:
        raise ValueError(f"need the same N >= 2 items, got {x.shape[0]} and {y.shape[0]}")
    x = (x - x.mean(0)).double()
    y = (y - y.mean(0)).double()
    num = torch.linalg.matrix_norm(y.T @ x) ** 2
    den = torch.linalg.matrix_norm(x.T @ x) * torch.linalg.matrix_norm(y.T @ y)
    return float(num / den) if den > 0 else math.nan


@torch.no_grad()
def cpc_retrieval(
    h: torch.Tensor,
    z: torch.Tensor,
    predictor: nn.Module,
    *,
    batch_size: int = 32,
    seed: int = 0,
) -> float:
    """Top-1 accuracy of CPC's contrastive task over random batches.

    For each window, ``G_m(z)`` scores every ``h_m`` in its batch (cosine similarity); the
    task is solved when the window's own ``h_m`` scores highest. Chance is ``1/batch_size``.

    Args:
        h: (N, d_h).  z: (N, d_z).  predictor: ``G_m`` (d_z -> d_h).
        batch_size: windows per batch.  seed: for the random batches.
    Returns:
        accuracy in [0, 1].
    """
    n = h.shape[0]
    if n < batch_size:
        raise ValueError(f"need at least batch_size={batch_size} windows, got {n}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    p = nn.functional.normalize(predictor(z), dim=-1)
    h = nn.functional.normalize(h, dim=-1)
    hits = total = 0
    for i in range(0, n - batch_size + 1, batch_size):
        idx = order[i : i + batch_size]
        scores = h[idx] @ p[idx].T  # (B, B)
        hits += int((scores.argmax(1) == torch.arange(batch_size)).sum())
        total += batch_size
    return hits / total


def fit_cpc_probe(
    h: torch.Tensor, z: torch.Tensor, *, steps: int = 300, batch_size: int = 32, seed: int = 0
) -> nn.Linear:
    """Train a fresh linear ``G: z -> h`` with the CPC loss on fixed representations.

    A probe measures how much of ``h_m`` can be read back from ``z`` for any model, also one
    trained without CPC (which has no predictor of its own).

    Args:
        h: (N, d_h).  z: (N, d_z).  steps, batch_size: Adam (lr 1e-2) on random batches.
        seed: initialisation and batches.
    Returns:
        the trained ``nn.Linear(d_z, d_h)``.
    """
    from mimml_edu.objectives.mimml_loss import cpc_term

    torch.manual_seed(seed)
    probe = nn.Linear(z.shape[1], h.shape[1])
    opt = torch.optim.Adam(probe.parameters(), lr=1e-2)
    gen = torch.Generator().manual_seed(seed)
    for _ in range(steps):
        idx = torch.randint(0, h.shape[0], (batch_size,), generator=gen)
        loss = cpc_term(h[idx], z[idx], probe)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return probe.eval()


def fit_ba_head(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    mmim_bug: bool,
    steps: int = 300,
    lr: float = 1e-3,
    batch_size: int = 32,
    logvar_bound: float = 5.0,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train a Barber-Agakov head ``q(y | x)`` alone and trace it.

    Args:
        x: (N, d_x) conditioning representations (e.g. ``h_text``), fixed.
        y: (N, d_y) target representations (e.g. ``h_audio``), fixed.
        mmim_bug: maximise MMIM's ``-sum (y - mu)^2 / (2 exp(logvar))`` with an unbounded
            log-variance (True) or the full Gaussian log-likelihood with a tanh-bounded one.
        steps, lr, batch_size: Adam on random batches.  logvar_bound: the bound when correct.
        seed: initialisation and batches.
    Returns:
        per step: ``objective`` (what is maximised), ``log_likelihood`` (the true Gaussian
        log-likelihood of the head's prediction, per dimension), ``logvar`` (mean
        log-variance used) and ``mse`` (mean squared error of the mean).
    """
    from mimml_edu.objectives.mi import GaussianConditional, gaussian_log_prob
    from mimml_edu.objectives.mimml_loss import ba_log_prob

    torch.manual_seed(seed)
    head = GaussianConditional(
        d_x=x.shape[1],
        d_y=y.shape[1],
        hidden=x.shape[1],
        logvar_min=-logvar_bound,
        logvar_max=logvar_bound,
    )
    opt = torch.optim.Adam(head.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    trace: dict[str, list[float]] = {
        k: [] for k in ("objective", "log_likelihood", "logvar", "mse")
    }
    d = y.shape[1]
    for _ in range(steps):
        idx = torch.randint(0, x.shape[0], (batch_size,), generator=gen)
        xb, yb = x[idx], y[idx]
        objective = ba_log_prob(head, xb, yb, mmim_bug=mmim_bug).mean()
        opt.zero_grad()
        (-objective).backward()
        opt.step()
        with torch.no_grad():
            mean = head.mean_net(xb)
            logvar = head.logvar_net(xb) if mmim_bug else head(xb)[1]
            trace["objective"].append(float(objective) / d)
            trace["log_likelihood"].append(float(gaussian_log_prob(yb, mean, logvar).mean()) / d)
            trace["logvar"].append(float(logvar.mean()))
            trace["mse"].append(float(((yb - mean) ** 2).mean()))
    return trace


def oracle_metrics(
    corpus, split: str | None, *, modalities: Sequence[str] = ("text", "audio", "video")
) -> dict[str, float]:
    """Session-level metrics of the Bayes oracle of a synthetic corpus.

    The oracle decides "depressed" where P(depressed | session) >= the prevalence and
    predicts E[PHQ-8 | session]. That is the Bayes-optimal rule for balanced accuracy; its
    posterior is the best ranking (AUROC) and its mean the best estimate for squared error
    (RMSE): for these three (:data:`~mimml_edu.evaluate.ORACLE_OPTIMAL`) no model can beat
    it on average. It is *not* the optimum for accuracy (the Bayes rule for accuracy
    thresholds the posterior at 0.5), for the F1 scores, or for MAE (the posterior median
    is best there): its values for those are a reference, and a model may beat them.

    Args:
        corpus: a :class:`~mimml_edu.data.synthetic.SyntheticCorpus`.
        split: ``"train"``, ``"dev"`` or ``"test"``, or None for every session (e.g. a
            fresh corpus used only for evaluation).  modalities: what the oracle may see.
    Returns:
        ``accuracy``, ``balanced_accuracy``, ``f1_depressed``, ``f1_not_depressed``,
        ``macro_f1``, ``auroc``, ``phq_mae``, ``phq_rmse``.
    """
    from mimml_edu.data.oracle import oracle_posterior
    from mimml_edu.evaluate import METRICS, Predictions, compute_metrics

    sessions = corpus.sessions if split is None else corpus.split(split)
    post = oracle_posterior(sessions, corpus.config, modalities=list(modalities))
    n = len(sessions)
    decided = post.predictions().astype(float)  # compute_metrics thresholds at 0.5
    pred = Predictions(
        session_id=post.session_ids,
        prob=decided,
        phq_pred=post.phq_mean,
        label=np.array([s.label for s in sessions]),
        phq=np.array([s.phq_score for s in sessions], dtype=float),
        gender=np.full(n, -1),
    )
    metrics = compute_metrics(pred)
    pred.prob = post.p_depressed  # AUROC ranks the posterior itself
    metrics["auroc"] = compute_metrics(pred)["auroc"]
    return {name: metrics[name] for name in METRICS}
