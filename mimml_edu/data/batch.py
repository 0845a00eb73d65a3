"""Session, window and batch: the shapes every later part of the package relies on.

- A :class:`Session` is one interview: per-modality arrays ``(n_turns, d_m)`` with a
  per-turn mask (a modality can be missing for a turn or for the whole session), the
  PHQ-8 score, the binary label and gender.
- A :class:`Window` is K consecutive turns of one session; it carries the session's label.
- A :class:`Batch` stacks windows into tensors ``(B, K, d_m)`` with masks ``(B, K)``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # torch is imported where tensors are made, so readers stay light
    import torch

#: The three modalities, always in this order.
MODALITIES: tuple[str, ...] = ("text", "audio", "video")

#: PHQ-8 threshold for the binary label: depressed when score >= 10.
PHQ8_THRESHOLD = 10

#: Centre of the PHQ-8 scaling ``y_m = (PHQ8 - PHQ_CENTRE) / PHQ_SCALE``.
PHQ_CENTRE = 9.5
#: Scale of the PHQ-8 scaling (so that y_m is about -2 to 3).
PHQ_SCALE = 4.75


def scale_phq(phq):
    """PHQ-8 score in points (0..24) -> the scaled target ``y_m = (PHQ8 - 9.5) / 4.75``
    (sign = depressed; used only inside the model and its loss). Works on arrays and
    tensors alike."""
    return (phq - PHQ_CENTRE) / PHQ_SCALE


def unscale_phq(y):
    """The scaled target back to PHQ-8 points (inverse of :func:`scale_phq`)."""
    return y * PHQ_SCALE + PHQ_CENTRE


@dataclass
class Session:
    """One interview, reduced to one feature vector per participant turn and modality.

    Args:
        session_id: participant or session identifier (a string, e.g. ``"303"``).
        features: modality -> float32 array ``(n_turns, d_m)``. All modalities share
            ``n_turns``. A modality absent from the session is a zero array with an
            all-False mask.
        masks: modality -> bool array ``(n_turns,)``, True where the modality exists for
            the turn. Values where the mask is False are ignored (and zeroed).
        phq_score: PHQ-8 total (0-24), or None when unknown (a test split without labels).
        label: 1 = depressed (PHQ-8 >= 10), 0 = not, None when unknown.
        gender: 0 = female, 1 = male, None when unknown.
        split: ``"train"``, ``"dev"``, ``"test"`` or None.
        turn_times: optional ``(n_turns, 2)`` start and stop time of each turn, seconds.
        turn_text: optional transcript text of each turn.
        channel_names: modality -> list of ``d_m`` feature names.
        meta: anything else a reader wants to keep (source paths, warnings).
    """

    session_id: str
    features: dict[str, np.ndarray]
    masks: dict[str, np.ndarray]
    phq_score: float | None = None
    label: int | None = None
    gender: int | None = None
    split: str | None = None
    turn_times: np.ndarray | None = None
    turn_text: list[str] | None = None
    channel_names: dict[str, list[str]] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"session {self.session_id}"
        # The session owns its dicts: the checks below store cleaned arrays in them, which
        # must not reach a dict the caller (or the session ``dataclasses.replace`` copied) holds.
        self.features, self.masks = dict(self.features), dict(self.masks)
        missing = [m for m in MODALITIES if m not in self.features or m not in self.masks]
        if missing:
            raise ValueError(
                f"{where}: features and masks needed for every modality; missing {missing}"
            )
        n_turns = None
        for modality in MODALITIES:
            x = np.asarray(self.features[modality], dtype=np.float32)
            mask = np.asarray(self.masks[modality], dtype=bool)
            if x.ndim != 2:
                raise ValueError(
                    f"{where}: {modality} features must be 2-D (n_turns, d), got shape {x.shape}"
                )
            if mask.shape != (x.shape[0],):
                raise ValueError(
                    f"{where}: {modality} mask shape {mask.shape} does not match "
                    f"{x.shape[0]} turns"
                )
            if n_turns is None:
                n_turns = x.shape[0]
            elif x.shape[0] != n_turns:
                raise ValueError(
                    f"{where}: {modality} has {x.shape[0]} turns, expected "
                    f"{n_turns} like {MODALITIES[0]}"
                )
            bad = ~np.isfinite(x[mask]).all(axis=1)
            if bad.any():
                turn = int(np.flatnonzero(mask)[np.flatnonzero(bad)[0]])
                raise ValueError(
                    f"{where}: {modality} features of turn {turn} are not finite "
                    "(NaN or inf); clean them or mask the turn"
                )
            x = x.copy()
            x[~mask] = 0.0
            self.features[modality] = x
            self.masks[modality] = mask
            names = self.channel_names.get(modality)
            if names is not None and len(names) != x.shape[1]:
                raise ValueError(
                    f"{where}: {len(names)} channel names for {modality}, "
                    f"but {x.shape[1]} feature columns"
                )
        if n_turns == 0:
            raise ValueError(f"{where}: no turns")
        if self.phq_score is not None:
            if not np.isfinite(self.phq_score) or not 0 <= self.phq_score <= 24:
                raise ValueError(f"{where}: PHQ-8 score {self.phq_score!r} outside 0..24")
        if self.label is not None and self.label not in (0, 1):
            raise ValueError(f"{where}: label must be 0 or 1, got {self.label!r}")
        if self.turn_times is not None:
            self.turn_times = np.asarray(self.turn_times, dtype=np.float64)
            if self.turn_times.shape != (n_turns, 2):
                raise ValueError(
                    f"{where}: turn_times shape {self.turn_times.shape}, expected ({n_turns}, 2)"
                )
        if self.turn_text is not None and len(self.turn_text) != n_turns:
            raise ValueError(f"{where}: {len(self.turn_text)} turn texts for {n_turns} turns")

    @property
    def n_turns(self) -> int:
        return int(self.features[MODALITIES[0]].shape[0])

    def dims(self) -> dict[str, int]:
        """modality -> feature width d_m."""
        return {m: int(self.features[m].shape[1]) for m in MODALITIES}

    def present(self) -> dict[str, bool]:
        """modality -> whether it exists for at least one turn."""
        return {m: bool(self.masks[m].any()) for m in MODALITIES}


@dataclass
class Window:
    """Turns ``start:stop`` of one session (``stop - start <= K``)."""

    session: Session
    start: int
    stop: int

    @property
    def length(self) -> int:
        return self.stop - self.start


def make_windows(session: Session, *, k: int = 16, stride: int | None = None) -> list[Window]:
    """Cut a session into windows of ``k`` consecutive turns.

    Args:
        session: the session.
        k: turns per window.
        stride: step between window starts (default ``k // 2``). The last window is
            aligned to the session's end so that every turn is covered. A session with
            fewer than ``k`` turns gives one shorter window (padded by :func:`collate`).
    Returns:
        list of :class:`Window`, in turn order.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    stride = max(1, k // 2) if stride is None else stride
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    n = session.n_turns
    if n <= k:
        return [Window(session, 0, n)]
    starts = list(range(0, n - k + 1, stride))
    if starts[-1] != n - k:
        starts.append(n - k)
    return [Window(session, s, s + k) for s in starts]


@dataclass
class Batch:
    """Windows stacked into tensors.

    Attributes:
        text, audio, video: ``(B, K, d_m)`` float32 features; zero where masked.
        mask: modality -> ``(B, K)`` bool, True where the modality exists for the turn.
        label: ``(B,)`` long, 1 = depressed (-1 where unknown).
        phq: ``(B,)`` float32 PHQ-8 score (NaN where unknown).
        session_id: list of B session ids.
        start: ``(B,)`` long, index of each window's first turn within its session.
    """

    text: torch.Tensor
    audio: torch.Tensor
    video: torch.Tensor
    mask: dict[str, torch.Tensor]
    label: torch.Tensor
    phq: torch.Tensor
    session_id: list[str]
    start: torch.Tensor

    def __len__(self) -> int:
        return len(self.session_id)

    def features(self, modality: str) -> torch.Tensor:
        """The ``(B, K, d_m)`` tensor of one modality."""
        if modality not in MODALITIES:
            raise KeyError(f"unknown modality {modality!r}; expected one of {MODALITIES}")
        return getattr(self, modality)

    @property
    def turn_mask(self) -> torch.Tensor:
        """``(B, K)`` True where the turn exists in any modality (i.e. is not padding)."""
        return self.mask["text"] | self.mask["audio"] | self.mask["video"]

    def to(self, device: str | torch.device) -> Batch:
        return Batch(
            text=self.text.to(device),
            audio=self.audio.to(device),
            video=self.video.to(device),
            mask={m: v.to(device) for m, v in self.mask.items()},
            label=self.label.to(device),
            phq=self.phq.to(device),
            session_id=list(self.session_id),
            start=self.start.to(device),
        )


def collate(windows: Sequence[Window], *, k: int | None = None) -> Batch:
    """Pad windows to ``k`` turns (default: the longest window) and stack them.

    Padded turns are zero in every modality and False in every mask.
    """
    import torch

    if not windows:
        raise ValueError("cannot collate an empty list of windows")
    k = max(w.length for w in windows) if k is None else k
    if any(w.length > k for w in windows):
        raise ValueError(f"a window is longer than k={k}")
    dims = windows[0].session.dims()
    b = len(windows)
    feats = {m: np.zeros((b, k, dims[m]), dtype=np.float32) for m in MODALITIES}
    masks = {m: np.zeros((b, k), dtype=bool) for m in MODALITIES}
    for i, w in enumerate(windows):
        if w.session.dims() != dims:
            raise ValueError(
                f"session {w.session.session_id} has feature widths "
                f"{w.session.dims()}, others in the batch have {dims}"
            )
        n = w.length
        for m in MODALITIES:
            feats[m][i, :n] = w.session.features[m][w.start : w.stop]
            masks[m][i, :n] = w.session.masks[m][w.start : w.stop]
    label = [w.session.label if w.session.label is not None else -1 for w in windows]
    phq = [w.session.phq_score if w.session.phq_score is not None else np.nan for w in windows]
    return Batch(
        text=torch.from_numpy(feats["text"]),
        audio=torch.from_numpy(feats["audio"]),
        video=torch.from_numpy(feats["video"]),
        mask={m: torch.from_numpy(masks[m]) for m in MODALITIES},
        label=torch.tensor(label, dtype=torch.long),
        phq=torch.tensor(phq, dtype=torch.float32),
        session_id=[w.session.session_id for w in windows],
        start=torch.tensor([w.start for w in windows], dtype=torch.long),
    )


class WindowDataset:
    """All windows of a list of sessions; use with ``DataLoader(collate_fn=ds.collate)``.

    A map-style dataset (``__len__`` and ``__getitem__``), which is all a torch
    ``DataLoader`` needs.
    """

    def __init__(self, sessions: Iterable[Session], *, k: int = 16, stride: int | None = None):
        self.sessions = list(sessions)
        if not self.sessions:
            raise ValueError("WindowDataset needs at least one session")
        self.k = k
        self.windows = [w for s in self.sessions for w in make_windows(s, k=k, stride=stride)]

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, index: int) -> Window:
        return self.windows[index]

    def collate(self, windows: Sequence[Window]) -> Batch:
        return collate(windows, k=self.k)


def aggregate_sessions(
    session_ids: Sequence[str], values: Sequence[float] | np.ndarray
) -> dict[str, float]:
    """Average window-level values (e.g. P(depressed)) per session.

    Returns:
        session id -> mean of its windows' values, in order of first appearance.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(session_ids) != len(values):
        raise ValueError(f"{len(session_ids)} session ids but {len(values)} values")
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for sid, v in zip(session_ids, values, strict=True):
        sums[sid] = sums.get(sid, 0.0) + float(v)
        counts[sid] = counts.get(sid, 0) + 1
    return {sid: sums[sid] / counts[sid] for sid in sums}


def fingerprint(sessions: Iterable[Session]) -> str:
    """A SHA-256 over the sessions' ids, splits, labels, masks and features.

    Two corpora with the same fingerprint hold the same data; any change of a feature,
    a label or a split changes it.
    """
    digest = hashlib.sha256()
    for s in sorted(sessions, key=lambda s: s.session_id):
        head = f"{s.session_id}|{s.split}|{s.label}|{s.phq_score}|{s.gender}"
        digest.update(head.encode())
        for m in MODALITIES:
            digest.update(np.ascontiguousarray(s.features[m], dtype=np.float32).tobytes())
            digest.update(np.packbits(s.masks[m]).tobytes())
    return digest.hexdigest()
