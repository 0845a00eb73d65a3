"""Which turn and which feature: Integrated Gradients and turn occlusion, and the fusion gate.

- :func:`integrated_gradients` runs Captum's ``IntegratedGradients`` on all three feature
  tensors of a session's windows at once, from the training-mean baseline
  (:mod:`mimml_edu.explain.inputs`), and maps the window attributions back to the session's
  turns. Summing over features gives a turn x modality map; summing over turns gives one
  attribution per channel (named). Masked and padded turns get exactly zero: the model
  multiplies them by zero before anything else, and the baseline equals the input there.
  Captum's convergence delta (``sum(attr) - (F(x) - F(baseline))``) is reported at session
  level and relative to ``|F(x) - F(baseline)|``.
- :func:`turn_occlusion` is Captum's ``FeatureAblation`` with one group per window position:
  remove one turn (all modalities) at a time and see how the output moves.
- :func:`gate_values` reads the fusion block's gate ``G`` per turn (the share of the BiGRU
  path; ``1 - G`` is the CNN path's share), averaged over units and over the windows that
  contain the turn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES
from mimml_edu.explain.inputs import SessionInputs, WindowTarget, batch_from_tensors

METHODS = ("ig", "occlusion")


@dataclass
class TurnAttribution:
    """Attributions of one session's output to its turns and features.

    Attributes:
        session_id: the session.  method: ``ig`` or ``occlusion``.  target: the output.
        features: modality -> (n_turns, d_m) attribution per turn and channel (IG); for
            occlusion, None (occlusion removes whole turns).
        turns: (n_turns, 3) attribution per turn and modality (text, audio, video); None
            for occlusion (it removes all modalities of a turn together).
        turn_total: (n_turns,) attribution per turn (all modalities).
        present: (n_turns,) bool, the turn exists in some modality.
        output: F(x), the session-level output.  baseline_output: F(baseline).
        delta: IG's convergence delta at session level (NaN for occlusion).
        n_steps: the IG steps the attribution was computed with (0 for occlusion).
    """

    session_id: str
    method: str
    target: str
    features: dict[str, np.ndarray] | None
    turns: np.ndarray | None
    turn_total: np.ndarray
    present: np.ndarray
    output: float
    baseline_output: float
    delta: float = float("nan")
    n_steps: int = 0

    @property
    def relative_delta(self) -> float:
        """``|delta| / |F(x) - F(baseline)|`` (IG's completeness error as a fraction)."""
        gap = abs(self.output - self.baseline_output)
        return abs(self.delta) / gap if gap > 0 else float("nan")

    def channel_attribution(self, modality: str) -> np.ndarray:
        """(d_m,) attribution per channel of a modality, summed over turns (IG only)."""
        if self.features is None:
            raise ValueError(f"{self.method} gives no per-channel attribution; use method='ig'")
        return self.features[modality].sum(axis=0)


def _present(inputs: SessionInputs) -> np.ndarray:
    present = np.zeros(inputs.session.n_turns, dtype=bool)
    for m in MODALITIES:
        present |= inputs.session.masks[m]
    return present


@torch.no_grad()
def _outputs(f: nn.Module, inputs: SessionInputs) -> tuple[float, float]:
    full = f(*inputs.feature_args(), *inputs.mask_args()).mean()
    base = f(*inputs.baseline_args(), *inputs.mask_args()).mean()
    return float(full), float(base)


def integrated_gradients(
    model: nn.Module,
    inputs: SessionInputs,
    *,
    target: str = "logit",
    n_steps: int = 64,
    internal_batch_size: int | None = None,
    forward: nn.Module | None = None,
    tolerance: float | None = None,
    max_steps: int = 1024,
) -> TurnAttribution:
    """Integrated Gradients from the training-mean baseline, per turn and channel.

    Args:
        model: the trained MIMML (eval mode).  inputs: the session laid out for attribution.
        target: the explained output.  n_steps: Gauss-Legendre steps along the path.
        internal_batch_size: windows x steps per forward pass (None: all at once).
        forward: another per-window scalar ``f(text, audio, video, masks...) -> (W,)`` to
            explain instead of the model's output (e.g. an MI term); ``target`` names it.
        tolerance: when given, the steps are doubled (up to ``max_steps``) until the
            relative convergence delta ``|delta| / |F(x) - F(baseline)|`` is at most this
            (a large delta means the path integral needs more steps). None: ``n_steps`` only.
        max_steps: the most steps ``tolerance`` may ask for.
    Returns:
        :class:`TurnAttribution` with ``features``, ``delta`` and the ``n_steps`` used.
    """
    from captum.attr import IntegratedGradients

    if n_steps < 1 or (tolerance is not None and not tolerance > 0):
        raise ValueError(f"n_steps must be >= 1 and tolerance > 0, got {n_steps}, {tolerance}")
    f = forward if forward is not None else WindowTarget(model=model, target=target)
    full, base = _outputs(f, inputs)
    while True:
        attrs, delta = IntegratedGradients(f).attribute(
            inputs.feature_args(),
            baselines=inputs.baseline_args(),
            additional_forward_args=inputs.mask_args(),
            n_steps=n_steps,
            internal_batch_size=internal_batch_size,
            return_convergence_delta=True,
        )
        session_delta = float(delta.detach().mean())
        gap = abs(full - base)
        converged = gap == 0 or abs(session_delta) <= (tolerance or 0.0) * gap
        if tolerance is None or converged or 2 * n_steps > max_steps:
            break
        n_steps *= 2
    features = {
        m: inputs.to_turns(a.detach()).cpu().numpy().astype(np.float64)
        for m, a in zip(MODALITIES, attrs, strict=True)
    }  # modality -> (n_turns, d_m)
    turns = np.stack([features[m].sum(axis=1) for m in MODALITIES], axis=1)  # (n_turns, 3)
    return TurnAttribution(
        session_id=inputs.session.session_id,
        method="ig",
        target=target,
        features=features,
        turns=turns,
        turn_total=turns.sum(axis=1),
        present=_present(inputs),
        output=full,
        baseline_output=base,
        delta=session_delta,
        n_steps=n_steps,
    )


def turn_occlusion(
    model: nn.Module, inputs: SessionInputs, *, target: str = "logit"
) -> TurnAttribution:
    """Captum ``FeatureAblation``: each window position (all modalities) is one group.

    Args:
        model: the trained MIMML.  inputs: the session.  target: the explained output.
    Returns:
        :class:`TurnAttribution` with ``turn_total`` (``features`` and ``turns`` None).
    """
    from captum.attr import FeatureAblation

    f = WindowTarget(model=model, target=target)
    k = inputs.turn_index.shape[1]
    group = torch.arange(k, device=inputs.turn_index.device).reshape(1, k, 1)
    with torch.no_grad():
        attrs = FeatureAblation(f).attribute(
            inputs.feature_args(),
            baselines=inputs.baseline_args(),
            additional_forward_args=inputs.mask_args(),
            feature_mask=(group, group, group),
            perturbations_per_eval=k,
        )
    per_position = attrs[0][:, :, 0]  # (W, K): every entry of a group holds the group's value
    present = _present(inputs)
    total = inputs.to_turns(per_position.detach()).cpu().numpy().astype(np.float64)
    total[~present] = 0.0
    full, base = _outputs(f, inputs)
    return TurnAttribution(
        session_id=inputs.session.session_id,
        method="occlusion",
        target=target,
        features=None,
        turns=None,
        turn_total=total,
        present=present,
        output=full,
        baseline_output=base,
    )


def attribute_turns(
    model: nn.Module, inputs: SessionInputs, *, method: str = "ig", target: str = "logit", **kw
) -> TurnAttribution:
    """Dispatch to :func:`integrated_gradients` (``ig``) or :func:`turn_occlusion`."""
    if method == "ig":
        return integrated_gradients(model, inputs, target=target, **kw)
    if method == "occlusion":
        return turn_occlusion(model, inputs, target=target)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


@torch.no_grad()
def gate_values(model: nn.Module, inputs: SessionInputs) -> np.ndarray:
    """The fusion gate per turn: the BiGRU path's share (``1 -`` it is the CNN path's).

    The gate is the one the model used in its own forward pass, read with a forward hook
    (:func:`~mimml_edu.model.blocks.record_gate`), with the turn mask the model itself
    built from the modalities it uses.

    Args:
        model: a MIMML with ``fusion="gated"``.  inputs: the session.
    Returns:
        (n_turns,) mean over gate units and over the windows containing the turn; NaN at
        turns that exist in none of the model's modalities.
    """
    from mimml_edu.model.blocks import record_gate

    block = getattr(getattr(model, "fusion", None), "block", None)
    if block is None or getattr(block, "gate", None) is None:
        raise ValueError("the model has no fusion gate (fusion must be 'gated')")
    with record_gate(block) as used:
        model(batch_from_tensors(*inputs.feature_args(), *inputs.mask_args()))
    g, turn_mask = used["gate"], used["mask"]  # (W, K, d_h), (W, K)
    per_position = g.mean(dim=-1) * turn_mask  # (W, K)
    counts = inputs.to_turns(turn_mask.float())
    gate = inputs.to_turns(per_position) / counts.clamp_min(1e-12)
    out = gate.cpu().numpy().astype(np.float64)
    out[counts.cpu().numpy() == 0] = np.nan
    return out
