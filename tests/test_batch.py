"""Session validation, windows, collate and session aggregation."""

from __future__ import annotations

import numpy as np
import pytest

from mimml_edu.data import (
    MODALITIES,
    Session,
    WindowDataset,
    aggregate_sessions,
    collate,
    make_windows,
)

DIMS = {"text": 4, "audio": 3, "video": 2}


def make_session(n_turns=10, sid="s1", label=1, phq=15.0, rng=None):
    rng = rng or np.random.default_rng(0)
    return Session(
        session_id=sid,
        features={m: rng.normal(size=(n_turns, d)).astype(np.float32) for m, d in DIMS.items()},
        masks={m: np.ones(n_turns, bool) for m in MODALITIES},
        phq_score=phq,
        label=label,
    )


def test_windows_cover_every_turn_and_end_aligned():
    s = make_session(n_turns=37)
    windows = make_windows(s, k=16, stride=8)
    covered = set()
    for w in windows:
        assert w.length == 16
        covered.update(range(w.start, w.stop))
    assert covered == set(range(37))
    assert windows[-1].stop == 37


def test_short_session_gives_one_padded_window():
    s = make_session(n_turns=5)
    windows = make_windows(s, k=16)
    batch = collate(windows, k=16)
    assert batch.text.shape == (1, 16, 4)
    assert batch.mask["audio"][0].tolist() == [True] * 5 + [False] * 11
    assert float(batch.video[0, 5:].abs().sum()) == 0.0
    assert batch.turn_mask.sum().item() == 5


def test_masked_values_are_zeroed():
    s = make_session(n_turns=4)
    s2 = Session(
        session_id="m",
        features={m: np.full((4, d), 7.0, np.float32) for m, d in DIMS.items()},
        masks={
            "text": np.array([1, 0, 1, 1], bool),
            "audio": np.ones(4, bool),
            "video": np.zeros(4, bool),
        },
    )
    assert s2.features["text"][1].sum() == 0
    assert s2.features["video"].sum() == 0
    assert s2.present() == {"text": True, "audio": True, "video": False}
    batch = collate(make_windows(s, k=4) + make_windows(s2, k=4))
    assert batch.session_id == ["s1", "m"]


def test_a_session_masked_by_replace_leaves_the_original_intact():
    """Masking a modality in a copy (dataclasses.replace) zeroes the copy's features only."""
    import dataclasses

    s = make_session(n_turns=6)
    before = {m: s.features[m].copy() for m in MODALITIES}
    features = dict(s.features)
    masked = dataclasses.replace(s, masks={**s.masks, "video": np.zeros(6, bool)})
    assert masked.features["video"].sum() == 0
    for m in MODALITIES:
        assert np.array_equal(s.features[m], before[m]), m
        assert s.masks[m].all(), m
    assert features["video"] is s.features["video"]  # the caller's dict is not rewritten


def test_nan_in_a_present_turn_is_an_error_naming_the_turn():
    feats = {m: np.zeros((3, d), np.float32) for m, d in DIMS.items()}
    feats["audio"][2, 1] = np.nan
    with pytest.raises(ValueError, match="session x: audio features of turn 2 are not finite"):
        Session("x", features=feats, masks={m: np.ones(3, bool) for m in MODALITIES})


def test_nan_in_a_masked_turn_is_allowed_and_zeroed():
    feats = {m: np.zeros((3, d), np.float32) for m, d in DIMS.items()}
    feats["audio"][2, 1] = np.nan
    masks = {m: np.ones(3, bool) for m in MODALITIES}
    masks["audio"][2] = False
    s = Session("x", features=feats, masks=masks)
    assert np.isfinite(s.features["audio"]).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"phq_score": 30.0}, "outside 0..24"),
        ({"label": 2}, "label must be 0 or 1"),
    ],
)
def test_bad_labels_are_rejected(kwargs, message):
    feats = {m: np.zeros((3, d), np.float32) for m, d in DIMS.items()}
    with pytest.raises(ValueError, match=message):
        Session("x", features=feats, masks={m: np.ones(3, bool) for m in MODALITIES}, **kwargs)


def test_mismatched_turn_counts_are_rejected():
    feats = {m: np.zeros((3, d), np.float32) for m, d in DIMS.items()}
    feats["video"] = np.zeros((4, 2), np.float32)
    masks = {m: np.ones(len(feats[m]), bool) for m in MODALITIES}
    with pytest.raises(ValueError, match="video has 4 turns, expected 3"):
        Session("x", features=feats, masks=masks)


def test_dataset_and_aggregation():
    rng = np.random.default_rng(1)
    sessions = [make_session(20, "a", rng=rng), make_session(8, "b", label=0, phq=3, rng=rng)]
    ds = WindowDataset(sessions, k=16, stride=8)
    batch = ds.collate([ds[i] for i in range(len(ds))])
    assert batch.label.tolist() == [1, 1, 0]
    assert batch.start.tolist() == [0, 4, 0]
    agg = aggregate_sessions(batch.session_id, [0.2, 0.4, 0.9])
    assert agg == pytest.approx({"a": 0.3, "b": 0.9})


def test_unknown_labels_collate_to_sentinels():
    s = make_session(4, label=None, phq=None)
    batch = collate(make_windows(s, k=4))
    assert batch.label.tolist() == [-1]
    assert np.isnan(batch.phq[0].item())
