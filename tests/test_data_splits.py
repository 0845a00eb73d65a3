"""Participant-level splits."""

from __future__ import annotations

import numpy as np
import pytest

from mimml_edu.data import Session, make_windows
from mimml_edu.data.splits import (
    assign_splits,
    check_disjoint,
    sessions_by_split,
    split_windows_ignoring_participants,
    stratified_split,
)


def session(sid, label, split=None, participant=None, n=6):
    meta = {"participant_id": participant} if participant else {}
    return Session(
        session_id=sid,
        features={m: np.ones((n, 2), np.float32) for m in ("text", "audio", "video")},
        masks={m: np.ones(n, bool) for m in ("text", "audio", "video")},
        label=label,
        split=split,
        meta=meta,
    )


def test_stratified_split_keeps_shares_and_is_seeded():
    ids = [str(i) for i in range(100)]
    labels = [int(i < 30) for i in range(100)]
    a = stratified_split(ids, labels, fractions=(0.6, 0.2, 0.2), seed=1)
    assert a == stratified_split(ids, labels, fractions=(0.6, 0.2, 0.2), seed=1)
    assert a != stratified_split(ids, labels, fractions=(0.6, 0.2, 0.2), seed=2)
    for name, n, n_pos in (("train", 60, 18), ("dev", 20, 6), ("test", 20, 6)):
        members = [i for i in ids if a[i] == name]
        assert len(members) == n
        assert sum(labels[int(i)] for i in members) == n_pos


def test_stratified_split_rejects_repeated_participants_and_bad_fractions():
    with pytest.raises(ValueError, match="repeat"):
        stratified_split(["1", "1"], [0, 1])
    with pytest.raises(ValueError, match="summing to 1"):
        stratified_split(["1", "2"], [0, 1], fractions=(0.5, 0.5, 0.5))


def test_assign_splits_keeps_official_and_groups_participants():
    sessions = [session("a", 1, split="test")]
    sessions += [
        session(f"p{i}-{j}", i % 2, participant=f"p{i}") for i in range(20) for j in (0, 1)
    ]
    assign_splits(sessions, seed=0)
    assert sessions[0].split == "test"
    by_p = {}
    for s in sessions[1:]:
        by_p.setdefault(s.meta["participant_id"], set()).add(s.split)
    assert all(len(v) == 1 for v in by_p.values())
    sessions_by_split(sessions)  # raises if a participant crosses splits


def test_check_disjoint_names_the_participant():
    with pytest.raises(ValueError, match="participant 7 is in both"):
        check_disjoint({"train": [session("7", 0)], "test": ["7"]})


def test_sessions_by_split_requires_a_split():
    with pytest.raises(ValueError, match="assign_splits"):
        sessions_by_split([session("x", 0)])


def test_window_level_split_does_leak_participants():
    windows = [w for i in range(10) for w in make_windows(session(str(i), i % 2, n=40), k=8)]
    train, test = split_windows_ignoring_participants(windows, seed=0)
    assert len(train) + len(test) == len(windows)
    with pytest.raises(ValueError, match="is in both"):
        check_disjoint({"train": train, "test": test})


def test_a_leaking_feature_inflates_the_score_and_leaves_with_it():
    """train_and_score: trained with the confound, the classifier beats the honest oracle on
    sessions that carry it, and falls back on the same people without it."""
    from mimml_edu.data.leakage import train_and_score
    from mimml_edu.data.synthetic import make_corpus

    leaky, clean = make_corpus(120, seed=3, confound=1.0), make_corpus(120, seed=3)
    got = train_and_score(
        leaky.split("train"), {"with": leaky.split("test"), "without": clean.split("test")}
    )
    honest_oracle = clean.oracle_balanced_accuracy("test")
    assert got["with"]["session_balanced_accuracy"] > honest_oracle
    assert got["without"]["window_balanced_accuracy"] < got["with"]["window_balanced_accuracy"]
    assert got["with"]["n_test_windows"] == got["without"]["n_test_windows"] > 0
