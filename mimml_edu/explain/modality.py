"""Which modality: exact Shapley values over text, audio and video, and Captum's ablations.

With three modalities there are only 2^3 = 8 coalitions, so the Shapley values are exact
(no sampling): ``phi_m = sum over S without m of |S|! (2 - |S|)! / 3! * (v(S + m) - v(S))``,
where ``v(S)`` is the session-level output with the modalities outside ``S`` removed.
They add up to ``v(all) - v(none)`` (efficiency). Two ways to remove a modality:

- ``removal="mean"`` (default): its features become the training mean at every present
  turn (the baseline of :mod:`mimml_edu.explain.inputs`): "an average person in that channel";
- ``removal="mask"``: its mask becomes all False, as for a session where the modality is
  missing (the model sees missing audio and video in training, text rarely);
- ``removal="background"``: its features (and mask) come from *other* sessions, and ``v(S)``
  is the mean over those background sessions (interventional Shapley). Unlike the two
  above, the model sees a realistic input: a modality replaced by the training mean is
  constant over turns, which a model that centres each window never met in training, and
  it may react to that change even for a modality without signal.

:func:`captum_modality_attributions` computes the same quantities with Captum's
``ShapleyValues`` and ``FeatureAblation`` over three feature groups (one per modality);
``FeatureAblation`` is leave-one-out (``v(all) - v(all - m)``), not Shapley.

:func:`loss_shapley` turns the per-session coalition values into one *global* importance
per modality: the Shapley value of how much the modality lowers the loss (SAGE).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES
from mimml_edu.explain.inputs import SessionInputs, WindowTarget

REMOVALS = ("mean", "mask", "background")


@dataclass
class ModalityShapley:
    """Exact Shapley values of one session.

    Attributes:
        session_id: the session.  target: the explained output.
        shapley: modality -> phi_m.
        coalitions: frozenset of present modalities -> v(S) (all 8).
        full, empty: v(all) and v(none); ``sum(shapley) == full - empty``.
    """

    session_id: str
    target: str
    shapley: dict[str, float]
    coalitions: dict[frozenset, float]
    full: float
    empty: float

    def to_dict(self) -> dict:
        return {
            "session_id": self.session_id,
            "target": self.target,
            "shapley": dict(self.shapley),
            "full": self.full,
            "empty": self.empty,
        }


def _coalitions() -> list[frozenset]:
    sizes = range(len(MODALITIES) + 1)
    return [frozenset(c) for r in sizes for c in itertools.combinations(MODALITIES, r)]


def _background_like(inputs: SessionInputs, other: SessionInputs) -> SessionInputs:
    """``other``'s features and masks laid on ``inputs``' windows (cycled), padding kept."""
    w = inputs.n_windows
    k = inputs.turn_index.shape[1]
    exists = inputs.turn_index >= 0  # (W, K)
    rows = torch.arange(w) % other.n_windows
    feats, masks = {}, {}
    for m in MODALITIES:
        x = other.inputs[m][rows][:, :k]
        mask = other.masks[m][rows][:, :k]
        if x.shape[1] < k:  # the other session's windows are shorter: pad
            pad = k - x.shape[1]
            x = torch.nn.functional.pad(x, (0, 0, 0, pad))
            mask = torch.nn.functional.pad(mask, (0, pad), value=False)
        mask = mask & exists
        feats[m], masks[m] = x * mask.unsqueeze(-1), mask
    return SessionInputs(inputs.session, inputs.windows, feats, masks, feats, inputs.turn_index)


@torch.no_grad()
def coalition_values(
    model: nn.Module,
    inputs: SessionInputs,
    *,
    target: str = "logit",
    removal: str = "mean",
    background: list[SessionInputs] | None = None,
) -> dict[frozenset, float]:
    """v(S) for all 8 coalitions.

    Args:
        model: the trained MIMML.  inputs: :func:`~mimml_edu.explain.inputs.session_inputs`.
        target: see :data:`~mimml_edu.explain.inputs.TARGETS`.
        removal: ``mean``, ``mask`` or ``background``.
        background: other sessions (laid out with ``session_inputs``) for ``background``.
    Returns:
        coalition (frozenset of kept modalities) -> session-level output (mean over windows).
    """
    if removal not in REMOVALS:
        raise ValueError(f"removal must be one of {REMOVALS}, got {removal!r}")
    if removal == "background":
        if not background:
            raise ValueError("removal='background' needs background sessions")
        runs = []
        for other in background:
            bg = _background_like(inputs, other)
            runs.append(_coalition_values_from(model, inputs, bg, target=target, zero=False))
        return {s: float(np.mean([r[s] for r in runs])) for s in runs[0]}
    return _coalition_values_from(model, inputs, inputs, target=target, zero=removal == "mask")


def _coalition_values_from(
    model: nn.Module, inputs: SessionInputs, bg: SessionInputs, *, target: str, zero: bool
) -> dict[frozenset, float]:
    """v(S): modalities outside S take ``bg``'s baselines and masks (or are masked out)."""
    coalitions = _coalitions()
    feats = {m: [] for m in MODALITIES}
    masks = {m: [] for m in MODALITIES}
    for s in coalitions:
        for m in MODALITIES:
            keep = m in s
            x, mask = inputs.inputs[m], inputs.masks[m]
            if keep:
                feats[m].append(x)
                masks[m].append(mask)
            elif zero:
                feats[m].append(torch.zeros_like(x))
                masks[m].append(torch.zeros_like(mask))
            else:
                feats[m].append(bg.baselines[m])
                masks[m].append(bg.masks[m] if bg is not inputs else mask)
    f = WindowTarget(model=model, target=target)
    args = [torch.cat(feats[m]) for m in MODALITIES] + [torch.cat(masks[m]) for m in MODALITIES]
    values = f(*args).reshape(len(coalitions), inputs.n_windows).mean(dim=1)  # (8,)
    return {s: float(v) for s, v in zip(coalitions, values, strict=True)}


def shapley_from_values(values: dict[frozenset, float]) -> dict[str, float]:
    """Exact Shapley values from the 8 coalition values.

    Args:
        values: coalition -> v(S), for every subset of the modalities.
    Returns:
        modality -> phi_m.
    """
    n = len(MODALITIES)
    phi = {}
    for m in MODALITIES:
        total = 0.0
        for s in values:
            if m in s:
                continue
            weight = math.factorial(len(s)) * math.factorial(n - len(s) - 1) / math.factorial(n)
            total += weight * (values[s | {m}] - values[s])
        phi[m] = total
    return phi


def modality_shapley(
    model: nn.Module,
    inputs: SessionInputs,
    *,
    target: str = "logit",
    removal: str = "mean",
    background: list[SessionInputs] | None = None,
) -> ModalityShapley:
    """Exact Shapley values of the three modalities for one session.

    Args:
        model: the trained MIMML.  inputs: the session laid out for attribution.
        target: the explained output.
        removal: how a modality is removed (``mean``, ``mask`` or ``background``).
        background: other sessions' inputs, for ``removal="background"``.
    Returns:
        :class:`ModalityShapley`.
    """
    values = coalition_values(model, inputs, target=target, removal=removal, background=background)
    return ModalityShapley(
        session_id=inputs.session.session_id,
        target=target,
        shapley=shapley_from_values(values),
        coalitions=values,
        full=values[frozenset(MODALITIES)],
        empty=values[frozenset()],
    )


def loss_shapley(
    coalitions: list[dict[frozenset, float]], labels: np.ndarray, *, target: str = "logit"
) -> dict[str, float]:
    """Global importance: exact Shapley values of the *loss reduction* over the modalities.

    Per-session Shapley values say how far each modality moves the output; a model that
    reacts to noise in a modality moves its output a lot without predicting better. This is
    the SAGE idea (Covert et al., 2020) with the three modalities as players: the value of a
    coalition ``S`` is ``V(S) = L(none) - L(S)``, where ``L`` is the class-balanced
    cross-entropy of the session-level predictions with the modalities outside ``S``
    removed (as in the per-session values). A modality that helps gets a positive value, one
    the model reacts to without gain gets about 0, one that misleads it a negative value.
    The values add up to ``L(none) - L(all)``.

    Args:
        coalitions: per session, coalition -> session-level output
            (``ModalityShapley.coalitions``).
        labels: ``(n,)`` 0/1 labels of those sessions (both classes needed).
        target: ``logit`` (outputs are log-odds) or ``prob`` (probabilities).
    Returns:
        modality -> global Shapley value of the loss reduction (nats).
    """
    labels = np.asarray(labels, dtype=int)
    if len(coalitions) != len(labels):
        raise ValueError(f"{len(coalitions)} sessions of values but {len(labels)} labels")
    if target not in ("logit", "prob"):
        raise ValueError(f"loss_shapley needs target 'logit' or 'prob', got {target!r}")
    if not ((labels == 0).any() and (labels == 1).any()):
        raise ValueError("loss_shapley needs sessions of both classes")
    keys = list(coalitions[0])
    out = np.array([[c[k] for k in keys] for c in coalitions], dtype=float)  # (n, 8)
    if target == "logit":  # log sigmoid(+-x), stable
        log_p1, log_p0 = -np.logaddexp(0.0, -out), -np.logaddexp(0.0, out)
    else:
        p = np.clip(out, 1e-7, 1 - 1e-7)
        log_p1, log_p0 = np.log(p), np.log1p(-p)
    nll = np.where(labels[:, None] == 1, -log_p1, -log_p0)  # (n, 8)
    loss = 0.5 * (nll[labels == 1].mean(axis=0) + nll[labels == 0].mean(axis=0))  # (8,)
    by_key = dict(zip(keys, loss, strict=True))
    empty = by_key[frozenset()]
    return shapley_from_values({k: float(empty - v) for k, v in by_key.items()})


def modality_feature_mask(inputs: SessionInputs) -> tuple[torch.Tensor, ...]:
    """Captum feature groups: every entry of modality i is group i (shapes (1, 1, 1))."""
    return tuple(
        torch.full((1, 1, 1), i, dtype=torch.long, device=inputs.inputs[m].device)
        for i, m in enumerate(MODALITIES)
    )


def captum_modality_attributions(
    model: nn.Module, inputs: SessionInputs, *, target: str = "logit", method: str = "shapley"
) -> dict[str, float]:
    """Captum's ``ShapleyValues`` or ``FeatureAblation`` with one feature group per modality.

    Args:
        model: the trained MIMML.  inputs: the session.  target: the explained output.
        method: ``shapley`` (exact over the 3! orderings; equals :func:`modality_shapley`
            with ``removal="mean"``) or ``ablation`` (leave one modality out).
    Returns:
        modality -> session-level attribution (mean over windows).
    """
    from captum.attr import FeatureAblation, ShapleyValues

    klass = {"shapley": ShapleyValues, "ablation": FeatureAblation}.get(method)
    if klass is None:
        raise ValueError(f"method must be 'shapley' or 'ablation', got {method!r}")
    f = WindowTarget(model=model, target=target)
    with torch.no_grad():
        attrs = klass(f).attribute(
            inputs.feature_args(),
            baselines=inputs.baseline_args(),
            additional_forward_args=inputs.mask_args(),
            feature_mask=modality_feature_mask(inputs),
            perturbations_per_eval=len(MODALITIES),
        )
    # Every entry of a group carries the group's whole attribution: read one entry.
    return {m: float(a[:, 0, 0].mean()) for m, a in zip(MODALITIES, attrs, strict=True)}
