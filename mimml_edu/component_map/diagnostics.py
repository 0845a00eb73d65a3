"""What a trained variant does inside: its gates (read by forward hooks) and linear probes.

- :func:`forward_pass`: one pass over every window of some sessions, giving the session
  P(depressed), each window's unimodal representations ``h_m`` and the mean of every gate.
- :func:`gate_recorder`: reads the gate ``G`` of each gated block (the fusion block and
  each encoder's) through forward hooks (:func:`~mimml_edu.model.blocks.record_gate`)
  while the model runs as it always does; ``G = 1`` sends a turn's channel through the
  BiGRU view, ``G = 0`` through the CNN view.
- :func:`probe_sessions`: a linear probe (logistic regression) of one modality's ``h_m``,
  fitted on training windows, scored per session on other sessions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import Session, WindowDataset
from mimml_edu.model.blocks import GatedBiGRUCNN, record_gate


class GateTally:
    """Mean gate of every gated block over the forward passes it has seen.

    Attributes:
        records: block name -> the dict :func:`~mimml_edu.model.blocks.record_gate` fills
            (``"mask"`` and ``"gate"`` of the last pass).
        sums: block name -> ``[sum of G over present turns and channels, count]``.
    """

    def __init__(self, records: dict[str, dict[str, torch.Tensor]]):
        self.records = records
        self.sums: dict[str, list[float]] = {k: [0.0, 0.0] for k in records}

    def add(self) -> None:
        """Add what the last forward pass used (call after each ``model(batch)``)."""
        for name, record in self.records.items():
            if "gate" not in record:
                continue
            g = record.pop("gate")  # (B, K, d)
            present = record.pop("mask").unsqueeze(-1).to(g.dtype)  # (B, K, 1)
            self.sums[name][0] += float((g * present).sum())
            self.sums[name][1] += float(present.sum()) * g.shape[-1]

    def means(self) -> dict[str, float]:
        """block -> mean gate (share sent through the BiGRU view), NaN where nothing passed."""
        return {k: (s / c if c else float("nan")) for k, (s, c) in self.sums.items()}


def gated_blocks(model: nn.Module) -> dict[str, GatedBiGRUCNN]:
    """The gated blocks of a model: ``"fusion"`` and each encoder's (by modality)."""
    blocks: dict[str, nn.Module] = {}
    fusion = getattr(model, "fusion", None)
    if isinstance(fusion, nn.Module) and getattr(fusion, "block", None) is not None:
        blocks["fusion"] = fusion.block
    for m, encoder in getattr(model, "encoders", {}).items():
        blocks[m] = encoder.block
    return {k: b for k, b in blocks.items() if getattr(b, "gate", None) is not None}


@contextmanager
def gate_recorder(model: nn.Module) -> Iterator[GateTally]:
    """Read the gate of every gated block through forward hooks while the model runs.

    The hooks are :func:`~mimml_edu.model.blocks.record_gate`'s; call
    :meth:`GateTally.add` after each forward pass. Blocks without a gate (one-view
    variants, baselines) do not appear.
    """
    with ExitStack() as stack:
        records = {k: stack.enter_context(record_gate(b)) for k, b in gated_blocks(model).items()}
        yield GateTally(records)


@dataclass
class PassResult:
    """One pass of a model over sessions.

    Attributes:
        session_prob: ``(n_sessions,)`` session P(depressed) (mean over its windows).
        window_session: ``(N,)`` index of each window's session.
        h: modality -> ``(N, d_h)`` unimodal representation of each window.
        present: modality -> ``(N,)`` bool, the modality exists in the window.
        gate: block -> mean gate (empty without gates).
    """

    session_prob: np.ndarray
    window_session: np.ndarray
    h: dict[str, np.ndarray]
    present: dict[str, np.ndarray]
    gate: dict[str, float]


@torch.no_grad()
def forward_pass(
    model: nn.Module, sessions: Sequence[Session], *, k: int = 16, batch_size: int = 512
) -> PassResult:
    """Run a model (eval mode) over every window of ``sessions`` once.

    Args:
        model: any model of :func:`~mimml_edu.model.build_model`.  sessions: the sessions.
        k: turns per window.  batch_size: windows per forward call.
    Returns:
        :class:`PassResult`.
    """
    dataset = WindowDataset(sessions, k=k)
    index = {s.session_id: i for i, s in enumerate(sessions)}
    if len(index) != len(sessions):
        raise ValueError("forward_pass needs distinct session ids")
    was_training = model.training
    model.eval()
    probs, hs, present = [], {}, {}
    with gate_recorder(model) as tally:
        for i in range(0, len(dataset), batch_size):
            out = model(dataset.collate(dataset.windows[i : i + batch_size]))
            tally.add()
            probs.append(out.prob.double().numpy())
            for m, h in out.h.items():
                hs.setdefault(m, []).append(h.numpy())
                present.setdefault(m, []).append(out.present[m].numpy())
    model.train(was_training)
    owner = np.array([index[w.session.session_id] for w in dataset.windows])
    window_prob = np.concatenate(probs)
    counts = np.bincount(owner, minlength=len(sessions))
    session_prob = np.bincount(owner, weights=window_prob, minlength=len(sessions)) / counts
    return PassResult(
        session_prob=session_prob,
        window_session=owner,
        h={m: np.concatenate(v) for m, v in hs.items()},
        present={m: np.concatenate(v) for m, v in present.items()},
        gate=tally.means(),
    )


def probe_sessions(
    train: PassResult,
    train_labels: np.ndarray,
    test: PassResult,
    modality: str,
    n_sessions: int,
) -> np.ndarray:
    """Linear-probe P(depressed) per test session from one modality's ``h_m``.

    A logistic regression (standardised inputs, balanced class weights) is fitted on the
    training windows where the modality is present (label: the window's session label)
    and applied to the test windows; a session's probability is the mean over its windows.

    Args:
        train: pass over the training sessions.  train_labels: ``(n_train_sessions,)``.
        test: pass over the test sessions.  modality: whose ``h_m``.
        n_sessions: number of test sessions.
    Returns:
        ``(n_sessions,)``; NaN for sessions without the modality (or if the model has no
        ``h_m``).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    out = np.full(n_sessions, np.nan)
    if modality not in train.h or modality not in test.h:
        return out
    keep = train.present[modality]
    y = np.asarray(train_labels)[train.window_session[keep]]
    if len(set(y.tolist())) < 2:
        return out
    probe = make_pipeline(
        StandardScaler(), LogisticRegression(class_weight="balanced", max_iter=1000)
    )
    probe.fit(train.h[modality][keep], y)
    seen = test.present[modality]
    p = probe.predict_proba(test.h[modality][seen])[:, 1]
    owner = test.window_session[seen]
    counts = np.bincount(owner, minlength=n_sessions)
    sums = np.bincount(owner, weights=p, minlength=n_sessions)
    has = counts > 0
    out[has] = sums[has] / counts[has]
    return out
