"""Chapter 08's checkers reject typical wrong answers: class weights, session scores."""

from __future__ import annotations

import itertools
import statistics

import pytest
import torch
from exercise_testing import assert_not_yet, params


def _weights(*, drop_unknown=True, total="known", invert=False, raise_empty=True):
    def weights(labels):
        known = labels[labels >= 0] if drop_unknown else labels.clamp_min(0)
        counts = torch.bincount(known, minlength=2).float()
        if raise_empty and (counts == 0).any():
            raise ValueError("empty class")
        n = {"known": counts.sum(), "all": float(len(labels))}[total]
        return (2 * counts) / n if invert else n / (2 * counts)

    return weights


def _sessions(reduce):
    def session_prob(prob, ids):
        out = {}
        for p, sid in zip(prob.tolist(), ids, strict=True):
            out.setdefault(sid, []).append(p)
        return {sid: reduce(ps) for sid, ps in out.items()}

    return session_prob


def _consecutive(prob, ids):
    out = {}
    for sid, group in itertools.groupby(zip(prob.tolist(), ids, strict=True), key=lambda t: t[1]):
        ps = [p for p, _ in group]
        out[sid] = sum(ps) / len(ps)  # a later run of the same session overwrites the first
    return out


WRONG = {
    "class_weights": [
        (
            "unknown labels counted as 0",
            _weights(drop_unknown=False),
            "labels [1, 0, -1, 1, 0, 0, 0]",
        ),
        ("N counts the unknown labels", _weights(total="all"), "labels [1, 0, -1, 1, 0, 0, 0]"),
        ("inverted", _weights(invert=True), "labels [0, 0, 0, 1]"),
        ("inf for an empty class", _weights(raise_empty=False), "so raise ValueError"),
        ("always 1", lambda labels: torch.ones(2), "labels [0, 0, 0, 1]"),
        (
            "1 / N_c",
            lambda labels: 1 / torch.bincount(labels[labels >= 0], minlength=2).float(),
            "labels [0, 0, 0, 1]",
        ),
    ],
    "session_probability": [
        ("the maximum window", _sessions(max), "three sessions in a row, session 'a'"),
        ("the last window", _sessions(lambda ps: ps[-1]), "session 'a'"),
        ("the median window", _sessions(statistics.median), "session 'c'"),
        ("runs of consecutive ids", _consecutive, "windows of a session apart in the list"),
        (
            "every window's own id",
            lambda prob, ids: {
                f"{s}{i}": p for i, (s, p) in enumerate(zip(ids, prob.tolist(), strict=True))
            },
            "expected the sessions",
        ),
        ("a list", lambda prob, ids: prob.tolist(), "return a dict"),
    ],
}


@pytest.mark.parametrize("name, answer, match", params(WRONG))
def test_wrong_answers_are_rejected(name, answer, match, capsys):
    assert_not_yet(name, answer, match, capsys)
