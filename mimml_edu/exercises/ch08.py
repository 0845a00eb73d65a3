"""Chapter 08 (MIMML): class weights of the training loss, session-level probabilities.

- :func:`check_class_weights`: ``my_class_weights(labels)``, against
  :func:`mimml_edu.objectives.mimml_loss.class_weights`.
- :func:`check_session_probability`: ``my_session_probability(window_prob, session_ids)``,
  against :func:`mimml_edu.evaluate.to_sessions`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from mimml_edu.evaluate import Predictions, to_sessions
from mimml_edu.exercises.checking import NotYet, call, checker, expect_close, expect_raises
from mimml_edu.objectives.mimml_loss import class_weights


def solution_class_weights(labels: torch.Tensor) -> torch.Tensor:
    """Inverse-frequency weights ``N / (2 N_c)`` of the two classes over the known labels
    (``-1`` = unknown); a class without any label is an error."""
    known = labels[labels >= 0]
    counts = torch.bincount(known, minlength=2).float()  # (2,)
    if (counts == 0).any():
        raise ValueError(f"a class has no label: counts {counts.tolist()}")
    return counts.sum() / (2 * counts)


@checker
def check_class_weights(answer: Callable) -> str:
    """Check ``answer(labels (N,) long) -> (2,)`` on imbalanced and balanced labels,
    labels with unknowns (-1), and a class without any label (raise ValueError)."""
    gen = torch.Generator().manual_seed(10)
    cases = [
        [0, 0, 0, 1],
        [1, 0, -1, 1, 0, 0, 0],
        [0, 1],
        [-1, -1, 1, 0, 0],
        torch.randint(-1, 2, (40,), generator=gen).tolist(),
    ]
    for labels in cases:
        case = f"labels {labels}"
        t = torch.tensor(labels)
        expect_close(call(answer, t, case=case), class_weights(t), case)
    for labels in ([0, 0, -1], [-1, 1, 1]):
        t = torch.tensor(labels)
        expect_raises(
            answer,
            t,
            error=ValueError,
            case=f"labels {labels}",
            why="one class has no label and its weight N / (2 * 0) is undefined",
        )
    return "N / (2 N_c) over the known labels, and an error for an empty class."


def solution_session_probability(
    window_prob: torch.Tensor, session_ids: list[str]
) -> dict[str, float]:
    """A session's P(depressed) is the mean of its windows' probabilities, wherever in
    the list its windows are."""
    windows: dict[str, list[float]] = {}
    for p, sid in zip(window_prob.tolist(), session_ids, strict=True):
        windows.setdefault(sid, []).append(p)
    return {sid: sum(ps) / len(ps) for sid, ps in windows.items()}


def _reference(prob: torch.Tensor, ids: list[str]) -> dict[str, float]:
    n = len(ids)
    zeros = np.zeros(n)
    sessions = to_sessions(Predictions(ids, prob.numpy(), zeros, zeros.astype(int), zeros, zeros))
    return dict(zip(sessions.session_id, sessions.prob.tolist(), strict=True))


@checker
def check_session_probability(answer: Callable) -> str:
    """Check ``answer(window_prob (N,), session_ids (N,)) -> {session_id: prob}`` on
    sessions with one window and with several, and on windows of a session that are not
    next to each other in the list."""
    cases = [
        ("three sessions in a row", [0.9, 0.7, 0.2, 0.4, 0.6, 0.1], list("aabccc")),
        ("windows of a session apart in the list", [0.9, 0.2, 0.4, 0.1, 0.8], list("abaca")),
        ("one session of one window", [0.35], ["s1"]),
        ("uneven probabilities", [0.2, 0.4, 0.9, 0.5], list("xxxy")),
    ]
    for case, probs, ids in cases:
        prob = torch.tensor(probs, dtype=torch.float64)
        got = call(answer, prob, ids, case=case)
        want = _reference(prob, ids)
        if not isinstance(got, dict):
            raise NotYet(
                f"{case}: return a dict session id -> probability, got {type(got).__name__}"
            )
        if set(got) != set(want):
            raise NotYet(f"{case}: expected the sessions {sorted(want)}, got {sorted(got)}")
        for sid, p in want.items():
            expect_close(np.float64(float(got[sid])), np.float64(p), f"{case}, session {sid!r}")
    return "each session's probability is the mean over its windows."
