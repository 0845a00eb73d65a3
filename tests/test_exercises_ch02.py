"""Chapter 02's checkers reject typical wrong answers: pooling and the participant split."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_testing import assert_not_yet, params

from mimml_edu.data.splits import participant_of, split_windows_ignoring_participants


def _pool(*, stop_inclusive=False, start_exclusive=False, use_valid=True, skip_nan=True):
    def pool(times, values, valid, spans):
        means = np.zeros((len(spans), values.shape[1]))
        has = np.zeros(len(spans), dtype=bool)
        for i, (start, stop) in enumerate(spans):
            after = times > start if start_exclusive else times >= start
            before = times <= stop if stop_inclusive else times < stop
            use = after & before & (valid if use_valid else True)
            has[i] = use.any()
            if skip_nan:
                means[i] = np.nanmean(values[use], axis=0)  # NaN for a turn without frames
            else:
                means[i] = values[use].mean(axis=0) if use.any() else 0.0
        return means, has

    return pool


def _guarded(pool):
    def fixed(*args):
        means, has = pool(*args)
        return np.nan_to_num(means), has

    return fixed


def _split(*, key=participant_of, stratify=True, seeded=True, fraction=None, drop=False):
    def split(windows, *, test_fraction=0.25, seed=0):
        f = fraction if fraction is not None else test_fraction
        rng = np.random.default_rng(seed) if seeded else np.random
        label = {}
        for w in windows:
            label.setdefault(key(w.session), w.session.label)
        groups = [sorted(p for p in label if label[p] == c) for c in (0, 1)]
        test = set()
        for people in groups if stratify else [sorted(label)]:
            people = list(people)
            rng.shuffle(people)
            test.update(people[: round(f * len(people))])
        train = [w for w in windows if key(w.session) not in test]
        return (train[1:] if drop else train), [w for w in windows if key(w.session) in test]

    return split


def _fixed_seed(windows, *, test_fraction=0.25, seed=0):
    return _split()(windows, test_fraction=test_fraction, seed=0)


WRONG = {
    "pool_frames": [
        ("stop included", _guarded(_pool(stop_inclusive=True)), "has_frames should be False"),
        ("start excluded", _guarded(_pool(start_exclusive=True)), "turn 1, [2.0, 2.25)"),
        ("invalid frames used", _guarded(_pool(use_valid=False)), "turn 2"),
        ("NaN cells not skipped", _pool(skip_nan=False), "got nan"),
        ("no guard for a turn without frames", _pool(), "a division by zero"),
        ("only the means", lambda t, v, ok, s: _pool()(t, v, ok, s)[0], "return (means"),
    ],
    "participant_split": [
        ("split by window", split_windows_ignoring_participants, "on both sides"),
        ("split by session", _split(key=lambda s: s.session_id), "on both sides"),
        ("seed ignored", _fixed_seed, "all gave the same test"),
        ("not stratified", _split(stratify=False), "stratify"),
        ("test_fraction ignored", _split(fraction=0.25), "test_fraction=0.4"),
        ("global random state", _split(seeded=False), "called twice with the same seed"),
        ("a window lost", _split(drop=True), "1 missing"),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
