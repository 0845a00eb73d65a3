"""Participant-level splits: nothing of one participant is ever on both sides.

Public API:

- :data:`SPLITS` ``("train", "dev", "test")`` and :data:`DAICWOZ_FRACTIONS` (107/35/47 of 189).
- :func:`participant_of` the participant a session belongs to.
- :func:`stratified_split` participant id -> split, stratified by label, seeded.
- :func:`assign_splits` set ``Session.split`` by participant (keeps official splits).
- :func:`sessions_by_split` ``{"train": [...], "dev": [...], "test": [...]}``.
- :func:`check_disjoint` raise if a participant appears in two groups.
- :func:`split_windows_by_participant` windows into train/test with every participant on
  one side only (stratified by label).
- :func:`split_windows_ignoring_participants` the *wrong* way (windows shuffled across
  splits), kept only to measure how much it inflates accuracy (chapters 02 and 10).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from mimml_edu.data.batch import Session, Window

#: Split names, in this order.
SPLITS: tuple[str, ...] = ("train", "dev", "test")

#: DAIC-WOZ's official proportions: 107 train, 35 dev, 47 test of 189 sessions.
DAICWOZ_FRACTIONS: tuple[float, float, float] = (107 / 189, 35 / 189, 47 / 189)


def participant_of(session: Session) -> str:
    """The participant a session belongs to: ``meta["participant_id"]`` or the session id."""
    return str(session.meta.get("participant_id", session.session_id))


def _allocate(n: int, fractions: Sequence[float]) -> list[int]:
    """Split ``n`` items into counts proportional to ``fractions`` (largest remainder)."""
    raw = np.asarray(fractions, dtype=float) * n
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def stratified_split(
    participant_ids: Sequence[str],
    labels: Sequence[int | None],
    *,
    fractions: Sequence[float] = DAICWOZ_FRACTIONS,
    seed: int = 0,
) -> dict[str, str]:
    """Assign each participant to train/dev/test, keeping the label share in each split.

    Args:
        participant_ids: one id per participant (duplicates are an error: split
            participants, not sessions).
        labels: the participant's binary label (None = unknown, a stratum of its own).
        fractions: shares of train, dev, test; must sum to 1.
        seed: the shuffle seed; the same inputs and seed give the same split.
    Returns:
        participant id -> ``"train"``, ``"dev"`` or ``"test"``.
    """
    if len(participant_ids) != len(labels):
        raise ValueError(f"{len(participant_ids)} participant ids but {len(labels)} labels")
    if len(set(participant_ids)) != len(participant_ids):
        dup = sorted({p for p in participant_ids if list(participant_ids).count(p) > 1})
        raise ValueError(f"participant ids repeat ({dup[:5]}): split participants, not sessions")
    fractions = tuple(float(f) for f in fractions)
    if len(fractions) != len(SPLITS) or min(fractions) < 0 or abs(sum(fractions) - 1) > 1e-6:
        raise ValueError(f"fractions must be 3 non-negative numbers summing to 1, got {fractions}")
    rng = np.random.default_rng(seed)
    out: dict[str, str] = {}
    strata: dict[int | None, list[str]] = {}
    for pid, label in zip(participant_ids, labels, strict=True):
        strata.setdefault(label, []).append(str(pid))
    for key in sorted(strata, key=lambda k: -1 if k is None else k):
        members = sorted(strata[key])
        rng.shuffle(members)
        start = 0
        for name, count in zip(SPLITS, _allocate(len(members), fractions), strict=True):
            for pid in members[start : start + count]:
                out[pid] = name
            start += count
    return out


def assign_splits(
    sessions: Iterable[Session],
    *,
    fractions: Sequence[float] = DAICWOZ_FRACTIONS,
    seed: int = 0,
    overwrite: bool = False,
) -> list[Session]:
    """Set ``split`` on every session, by participant and stratified by label.

    Sessions that already have a split (an official one) keep it unless ``overwrite``;
    the others are split among themselves. All sessions of one participant get the same
    split; a participant whose sessions carry different existing splits is an error.

    Returns:
        the same sessions (modified in place), as a list.
    """
    sessions = list(sessions)
    by_participant: dict[str, list[Session]] = {}
    for s in sessions:
        by_participant.setdefault(participant_of(s), []).append(s)
    todo: list[str] = []
    for pid, group in by_participant.items():
        existing = {s.split for s in group if s.split is not None}
        if overwrite or not existing:
            todo.append(pid)
        elif len(existing) > 1:
            raise ValueError(f"participant {pid} has sessions in several splits: {existing}")
        else:
            (only,) = existing
            for s in group:
                s.split = only
    labels = [_participant_label(by_participant[pid]) for pid in todo]
    mapping = stratified_split(todo, labels, fractions=fractions, seed=seed)
    for pid in todo:
        for s in by_participant[pid]:
            s.split = mapping[pid]
    return sessions


def _participant_label(group: list[Session]) -> int | None:
    labels = [s.label for s in group if s.label is not None]
    return max(labels) if labels else None


def sessions_by_split(sessions: Iterable[Session]) -> dict[str, list[Session]]:
    """Group sessions by their ``split``; every session must have one of :data:`SPLITS`.

    Returns:
        ``{"train": [...], "dev": [...], "test": [...]}`` (a split may be empty).
    """
    out: dict[str, list[Session]] = {name: [] for name in SPLITS}
    for s in sessions:
        if s.split not in out:
            raise ValueError(
                f"session {s.session_id}: split {s.split!r} is not one of {SPLITS}; "
                "call assign_splits first"
            )
        out[s.split].append(s)
    check_disjoint(out)
    return out


def check_disjoint(groups: Mapping[str, Iterable[Session | Window | str]]) -> None:
    """Raise ``ValueError`` if one participant appears in two groups.

    Args:
        groups: group name -> sessions, windows or participant ids.
    """
    seen: dict[str, str] = {}
    for name, items in groups.items():
        for item in items:
            if isinstance(item, Window):
                pid = participant_of(item.session)
            elif isinstance(item, Session):
                pid = participant_of(item)
            else:
                pid = str(item)
            other = seen.setdefault(pid, name)
            if other != name:
                raise ValueError(
                    f"participant {pid} is in both {other!r} and {name!r}: "
                    "splits must be by participant"
                )


def split_windows_by_participant(
    windows: Sequence[Window], *, test_fraction: float = 0.25, seed: int = 0
) -> tuple[list[Window], list[Window]]:
    """Split windows into train and test by participant (stratified by label).

    Every participant's windows land on one side. ``test_fraction`` is the share of
    *participants* in the test side.

    Returns:
        (train windows, test windows).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    labels: dict[str, int | None] = {}
    for w in windows:
        labels.setdefault(participant_of(w.session), w.session.label)
    ids = list(labels)
    mapping = stratified_split(
        ids, [labels[i] for i in ids], fractions=(1 - test_fraction, 0.0, test_fraction), seed=seed
    )
    train = [w for w in windows if mapping[participant_of(w.session)] == "train"]
    test = [w for w in windows if mapping[participant_of(w.session)] == "test"]
    return train, test


def split_windows_ignoring_participants(
    windows: Sequence[Window], *, test_fraction: float = 0.25, seed: int = 0
) -> tuple[list[Window], list[Window]]:
    """The wrong way, for demonstration only: shuffle windows into train and test.

    Windows of one participant land on both sides, so a model can recognise the person
    instead of the condition and its test accuracy is inflated. Use
    :func:`assign_splits` for anything you report.

    Returns:
        (train windows, test windows).
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(windows))
    n_test = round(test_fraction * len(windows))
    test = [windows[i] for i in order[:n_test]]
    train = [windows[i] for i in order[n_test:]]
    return train, test
