"""How much splitting by window instead of by participant inflates accuracy.

Public API: :func:`window_features` (one mean-pooled vector per window),
:func:`split_leakage` (the same classifier evaluated with both splits) and
:func:`train_and_score` (that classifier trained on some sessions and scored on others,
e.g. on the same people with and without a feature that leaks the label).

The classifier is deliberately simple (logistic regression on each window's mean
features): the point is the *split*, not the model. With windows of one participant on
both sides, the classifier can recognise the person (their per-session offsets, the
synthetic corpus's ``identity``) instead of the condition, and its test score rises
above what is possible on new people: above the oracle's balanced accuracy, which no
honest score can beat on average.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session, Window, aggregate_sessions, make_windows
from mimml_edu.data.splits import (
    check_disjoint,
    split_windows_by_participant,
    split_windows_ignoring_participants,
)
from mimml_edu.metrics import balanced_accuracy


def window_features(windows: Sequence[Window]) -> np.ndarray:
    """``(n_windows, d_text + d_audio + d_video)``: each modality averaged over the window's
    present turns (0 where a modality is absent)."""
    rows = []
    for w in windows:
        parts = []
        for m in MODALITIES:
            x = w.session.features[m][w.start : w.stop]
            mask = w.session.masks[m][w.start : w.stop]
            parts.append(x[mask].mean(axis=0) if mask.any() else np.zeros(x.shape[1], np.float32))
        rows.append(np.concatenate(parts))
    return np.asarray(rows, dtype=np.float32)


def _fit(train: Sequence[Window], c: float):
    from sklearn.linear_model import LogisticRegression

    y_train = np.array([w.session.label for w in train])
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    return model.fit(window_features(train), y_train)


def _score(model, test: Sequence[Window]) -> dict[str, float]:
    y_test = np.array([w.session.label for w in test])
    p = model.predict_proba(window_features(test))[:, 1]
    ids = [w.session.session_id for w in test]
    per_session = aggregate_sessions(ids, p)
    labels = {w.session.session_id: w.session.label for w in test}
    sessions = list(per_session)
    return {
        "window_balanced_accuracy": balanced_accuracy(y_test, (p >= 0.5).astype(int)),
        "session_balanced_accuracy": balanced_accuracy(
            [labels[s] for s in sessions], (np.array([per_session[s] for s in sessions]) >= 0.5)
        ),
        "n_test_windows": len(test),
    }


def _fit_score(train: Sequence[Window], test: Sequence[Window], c: float) -> dict[str, float]:
    return {**_score(_fit(train, c), test), "n_train_windows": len(train)}


def train_and_score(
    train: Sequence[Session],
    tests: Mapping[str, Sequence[Session]],
    *,
    k: int = 8,
    stride: int | None = None,
    c: float = 1.0,
) -> dict[str, dict[str, float]]:
    """Train the classifier of :func:`split_leakage` on ``train``, score it on each test set.

    Args:
        train: labelled sessions to train on.  tests: name -> labelled sessions to score.
        k, stride: window size and step (turns).  c: inverse L2 strength.
    Returns:
        name -> the window- and session-level balanced accuracy and the window count.
    """
    model = _fit([w for s in train for w in make_windows(s, k=k, stride=stride)], c)
    return {
        name: _score(model, [w for s in sessions for w in make_windows(s, k=k, stride=stride)])
        for name, sessions in tests.items()
    }


def split_leakage(
    sessions: Sequence[Session],
    *,
    k: int = 8,
    stride: int | None = None,
    test_fraction: float = 0.3,
    c: float = 1.0,
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Train and test one classifier twice: windows split by participant, and not.

    Args:
        sessions: labelled sessions (e.g. ``make_corpus().sessions``).
        k, stride: window size and step (turns).
        test_fraction: share of test windows (window split) or participants (by
            participant).
        c: inverse L2 strength of the logistic regression.
        seed: split seed.
    Returns:
        ``{"by_participant": scores, "by_window": scores}``; scores hold the window- and
        session-level balanced accuracy on the test side, and the window counts, plus
        ``"participants_on_both_sides"`` (0 for the honest split) and ``"test_sessions"``
        (the ids of the sessions with a window on the test side, in first-seen order: the
        sessions an oracle must be scored on to be compared with this split).
    """
    windows = [w for s in sessions for w in make_windows(s, k=k, stride=stride)]
    out = {}
    for name, splitter in (
        ("by_participant", split_windows_by_participant),
        ("by_window", split_windows_ignoring_participants),
    ):
        train, test = splitter(windows, test_fraction=test_fraction, seed=seed)
        scores = _fit_score(train, test, c)
        shared = {w.session.session_id for w in train} & {w.session.session_id for w in test}
        scores["participants_on_both_sides"] = len(shared)
        scores["test_sessions"] = list(dict.fromkeys(w.session.session_id for w in test))
        if name == "by_participant":
            check_disjoint({"train": train, "test": test})
        out[name] = scores
    return out
