"""A session laid out for attribution: its windows as tensors, baselines, and the target.

Every explanation in :mod:`mimml_edu.explain` is of a **session-level** output: the mean,
over the session's windows (the same windows :func:`~mimml_edu.evaluate.predict_windows`
scores), of one scalar per window. By linearity, an attribution of that mean is the mean of
the window attributions, and a turn that lies in several windows collects its share from
each (:meth:`SessionInputs.to_turns`).

**Baseline** (what "removing" a feature means), ``baseline=``:

- ``"training"`` (default): the training set's mean of that feature, read from the model's
  standardization buffers, i.e. zero after standardization: an average turn of an average
  person;
- ``"session"``: the session's own mean turn (over the turns where the modality is present):
  what a turn adds beyond this person's average turn, so who the person is (their offset
  in every turn) is not credited to each turn.

Where a modality is masked (a missing turn, a padded turn) the baseline equals the input,
so nothing there can receive attribution.

**Targets** (the scalar per window):

- ``logit``: the log-odds of depression, ``logits[:, 1] - logits[:, 0]`` (default: additive,
  unbounded, what IG's completeness is checked on);
- ``prob``: P(depressed); ``phq``: the scaled PHQ-8 prediction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES, Batch, Session, Window, collate, make_windows

TARGETS = ("logit", "prob", "phq")
BASELINES = ("training", "session")


def batch_from_tensors(
    text: torch.Tensor,
    audio: torch.Tensor,
    video: torch.Tensor,
    mask_text: torch.Tensor,
    mask_audio: torch.Tensor,
    mask_video: torch.Tensor,
) -> Batch:
    """A :class:`~mimml_edu.data.batch.Batch` from raw tensors (labels unknown).

    Args:
        text, audio, video: (B, K, d_m) features.  mask_*: (B, K) bool.
    Returns:
        the batch, with label -1, phq NaN, empty session ids and start 0.
    """
    b = text.shape[0]
    return Batch(
        text=text,
        audio=audio,
        video=video,
        mask={"text": mask_text, "audio": mask_audio, "video": mask_video},
        label=torch.full((b,), -1, dtype=torch.long, device=text.device),
        phq=torch.full((b,), float("nan"), device=text.device),
        session_id=[""] * b,
        start=torch.zeros(b, dtype=torch.long, device=text.device),
    )


def target_value(out, target: str) -> torch.Tensor:
    """(B,) the scalar being explained, from a :class:`~mimml_edu.model.ModelOutput`."""
    if target == "logit":
        return out.logits[:, 1] - out.logits[:, 0]
    if target == "prob":
        return out.prob
    if target == "phq":
        return out.phq_points  # PHQ-8 points, what a user reads
    raise ValueError(f"target must be one of {TARGETS}, got {target!r}")


class WindowTarget(nn.Module):
    """The model as Captum wants it: ``f(text, audio, video, masks...) -> (B,)``.

    Args:
        model: a trained MIMML (eval mode is set by the caller).  target: one of ``TARGETS``.
    """

    def __init__(self, *, model: nn.Module, target: str = "logit"):
        super().__init__()
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
        self.model = model
        self.target = target

    def forward(self, text, audio, video, mask_text, mask_audio, mask_video) -> torch.Tensor:
        """Args: (B, K, d_m) features and (B, K) masks. Returns: (B,) target values."""
        batch = batch_from_tensors(text, audio, video, mask_text, mask_audio, mask_video)
        return target_value(self.model(batch), self.target)


def feature_means(model: nn.Module) -> dict[str, torch.Tensor]:
    """modality -> (d_m,) the training mean the model standardizes with (the baseline)."""
    try:
        return {m: model.encoders[m].projection.mean.detach() for m in model.modalities}
    except (AttributeError, KeyError):
        raise TypeError(
            "explanations need a MIMML model with standardization buffers "
            f"(encoders[m].projection.mean); got {type(model).__name__}"
        ) from None


@dataclass
class SessionInputs:
    """One session's windows as tensors, with their baselines.

    Attributes:
        session: the session.  windows: its windows, in order.
        inputs: modality -> (W, K, d_m) features.  masks: modality -> (W, K) bool.
        baselines: modality -> (W, K, d_m): the training mean where the modality is present,
            the input itself where it is masked or padded.
        turn_index: (W, K) long, the session turn of each window position (-1 for padding).
    """

    session: Session
    windows: list[Window]
    inputs: dict[str, torch.Tensor]
    masks: dict[str, torch.Tensor]
    baselines: dict[str, torch.Tensor]
    turn_index: torch.Tensor

    @property
    def n_windows(self) -> int:
        return len(self.windows)

    def feature_args(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return tuple(self.inputs[m] for m in MODALITIES)

    def baseline_args(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return tuple(self.baselines[m] for m in MODALITIES)

    def mask_args(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return tuple(self.masks[m] for m in MODALITIES)

    def to_turns(self, values: torch.Tensor) -> torch.Tensor:
        """Window values to session turns: the session-level share of each turn.

        Args:
            values: (W, K, ...) per window position (e.g. an attribution).
        Returns:
            (n_turns, ...) the sum over windows of the values at that turn, divided by W
            (the session output is the mean over windows, so these shares add up to it).
        """
        n = self.session.n_turns
        keep = self.turn_index >= 0  # (W, K)
        out = values.new_zeros((n, *values.shape[2:]))
        out.index_add_(0, self.turn_index[keep], values[keep])
        return out / self.n_windows

    def coverage(self) -> torch.Tensor:
        """(n_turns,) how many windows contain each turn."""
        ones = torch.ones(self.turn_index.shape, dtype=torch.float32)
        return self.to_turns(ones) * self.n_windows


def session_inputs(
    model: nn.Module,
    session: Session,
    *,
    k: int = 16,
    stride: int | None = None,
    baseline: str = "training",
    device: str | torch.device = "cpu",
) -> SessionInputs:
    """Lay out a session for attribution (windows as in evaluation, with baselines).

    Args:
        model: the trained MIMML (its standardization means are the training baseline).
        session: the session to explain.  k, stride: the windows (as in training).
        baseline: ``training`` or ``session`` (see the module docstring).
        device: where the tensors go.
    Returns:
        :class:`SessionInputs`.
    """
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}, got {baseline!r}")
    windows = make_windows(session, k=k, stride=stride)
    batch = collate(windows, k=k).to(device)
    means = feature_means(model)
    inputs, masks, baselines = {}, {}, {}
    for m in MODALITIES:
        x, mask = batch.features(m), batch.mask[m]
        inputs[m], masks[m] = x, mask
        mean = means.get(m, torch.zeros(x.shape[-1])).to(x)
        if baseline == "session" and session.masks[m].any():
            rows = session.features[m][session.masks[m]]
            mean = torch.from_numpy(rows.mean(axis=0, dtype=np.float64)).to(x)
        baselines[m] = torch.where(mask.unsqueeze(-1), mean.expand_as(x), x)
    turn_index = torch.full(batch.mask["text"].shape, -1, dtype=torch.long)
    for i, w in enumerate(windows):
        turn_index[i, : w.length] = torch.arange(w.start, w.stop)
    return SessionInputs(
        session=session,
        windows=windows,
        inputs=inputs,
        masks=masks,
        baselines=baselines,
        turn_index=turn_index.to(device),
    )


def replace_turns(
    inputs: SessionInputs, remove: torch.Tensor, modalities: Sequence[str] = MODALITIES
) -> dict[str, torch.Tensor]:
    """Features with some session turns set to the baseline.

    Args:
        inputs: the session.  remove: (n_turns,) bool, the turns to remove.
        modalities: the modalities in which they are removed.
    Returns:
        modality -> (W, K, d_m) features.
    """
    idx = inputs.turn_index.clamp_min(0)
    hit = remove[idx] & (inputs.turn_index >= 0)  # (W, K)
    out = {}
    for m in MODALITIES:
        x = inputs.inputs[m]
        out[m] = torch.where(hit.unsqueeze(-1), inputs.baselines[m], x) if m in modalities else x
    return out
