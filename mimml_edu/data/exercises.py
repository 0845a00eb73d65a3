"""Checkers for the data chapter's exercises (each prints a verdict and returns a bool).

Public API: :func:`check_pool_frames` and :func:`check_participant_split`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mimml_edu.data.splits import participant_of
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.data.turns import pool_frames


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def check_pool_frames(fn: Callable) -> bool:
    """Check a reader's version of ``pool_frames(times, values, valid, spans)``.

    It must return ``(means (n_turns, d), has_frames (n_turns,))``: the mean of each
    column over the valid frames with ``start <= time < stop``, skipping NaN cells, 0 and
    False for a turn without valid frames.
    """
    rng = np.random.default_rng(7)
    for trial in range(5):
        n, d = int(rng.integers(50, 300)), int(rng.integers(1, 6))
        times = np.sort(rng.uniform(0, 30, n))
        values = rng.normal(size=(n, d))
        values[rng.random((n, d)) < 0.05] = np.nan
        valid = rng.random(n) < 0.8
        starts = np.sort(rng.uniform(0, 28, 6))
        spans = np.column_stack([starts, starts + rng.uniform(0, 3, 6)])
        spans[0] = [40, 41]  # a turn with no frames at all
        want_means, want_has = pool_frames(times, values, valid, spans)
        try:
            got_means, got_has = fn(times, values, valid, spans)
        except Exception as exc:
            return _verdict(False, f"your function raised {type(exc).__name__}: {exc}")
        got_means, got_has = np.asarray(got_means), np.asarray(got_has)
        if got_means.shape != want_means.shape or got_has.shape != want_has.shape:
            return _verdict(
                False, f"shapes {got_means.shape}, {got_has.shape}; expected "
                f"{want_means.shape}, {want_has.shape}"
            )  # fmt: skip
        if not np.array_equal(got_has.astype(bool), want_has):
            return _verdict(False, f"trial {trial}: which turns have valid frames differs")
        if not np.allclose(got_means, want_means, atol=1e-5):
            turn = int(np.flatnonzero(~np.isclose(got_means, want_means, atol=1e-5).all(1))[0])
            return _verdict(False, f"trial {trial}: the means of turn {turn} differ")
    return _verdict(True, "your pooling matches the reader's on 5 random sessions.")


def check_participant_split(fn: Callable) -> bool:
    """Check ``fn(windows, test_fraction=..., seed=...) -> (train, test)``.

    Every window must be used once, no participant may be on both sides, the test side
    must hold about ``test_fraction`` of the participants, and both classes.
    """
    from mimml_edu.data.batch import make_windows

    corpus = make_corpus(60, seed=11)
    windows = [w for s in corpus.sessions for w in make_windows(s, k=8)]
    try:
        train, test = fn(windows, test_fraction=0.25, seed=0)
    except Exception as exc:
        return _verdict(False, f"your function raised {type(exc).__name__}: {exc}")
    if sorted(map(id, [*train, *test])) != sorted(map(id, windows)):
        return _verdict(False, "every window must be in exactly one of train and test")
    a = {participant_of(w.session) for w in train}
    b = {participant_of(w.session) for w in test}
    if a & b:
        return _verdict(
            False, f"{len(a & b)} participants are on both sides, e.g. {sorted(a & b)[0]}"
        )
    share = len(b) / (len(a) + len(b))
    if abs(share - 0.25) > 0.06:
        return _verdict(False, f"the test side has {share:.0%} of the participants, not ~25%")
    if {w.session.label for w in test} != {0, 1}:
        return _verdict(False, "the test side needs both classes (stratify by label)")
    return _verdict(True, f"{len(b)} of {len(a) + len(b)} participants in test, none shared.")
