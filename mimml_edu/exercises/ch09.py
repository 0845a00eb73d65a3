"""Chapter 09 (explanations): exact Shapley values of the modalities, a turn score.

- :func:`check_shapley`: ``my_shapley(values)``, against
  :func:`mimml_edu.explain.modality.shapley_from_values`.
- :func:`check_turn_scores`: ``my_turn_scores(turn_total, present)``, scored like
  :func:`mimml_edu.explain.faithfulness.turn_scores`: the signal turns must come first.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np

from mimml_edu.data.batch import MODALITIES
from mimml_edu.exercises.checking import NotYet, as_array, call, checker, expect_close
from mimml_edu.explain.faithfulness import turn_scores
from mimml_edu.explain.modality import shapley_from_values
from mimml_edu.metrics import auroc


def solution_shapley(values: dict[frozenset, float]) -> dict[str, float]:
    """Exact Shapley values ``{modality: phi}`` from the value ``v(S)`` of every coalition
    S of the three modalities: phi_m averages ``v(S + m) - v(S)`` over the coalitions S
    without m, with the weight ``|S|! (M - |S| - 1)! / M!``."""
    players = sorted(set().union(*values))
    n = len(players)
    phi = {}
    for m in players:
        phi[m] = sum(
            math.factorial(len(s))
            * math.factorial(n - len(s) - 1)
            / math.factorial(n)
            * (values[s | {m}] - values[s])
            for s in values
            if m not in s
        )
    return phi


def _games() -> list[tuple[str, dict[frozenset, float]]]:
    rng = np.random.default_rng(0)
    subsets = [frozenset(c) for r in range(4) for c in itertools.combinations(MODALITIES, r)]
    games = [("an additive game (each modality adds 1)", {s: float(len(s)) for s in subsets})]
    overlap = {s: float(bool(s & {"text", "audio"})) for s in subsets}
    games.append(("text and audio carry the same evidence, video none", overlap))
    offset = {s: 5.0 + 2.0 * ("video" in s) + (len(s) == 3) for s in subsets}
    games.append(("v(no modality) = 5, and all three together add a bonus", offset))
    games += [(f"random game {i}", {s: float(rng.normal()) for s in subsets}) for i in range(4)]
    return games


@checker
def check_shapley(answer: Callable) -> str:
    """Check ``answer(values) -> {modality: phi}`` (``values``: each frozenset of the
    modalities -> v(S)) on additive, overlapping, offset and random games; the values must
    also add up to ``v(all) - v(none)``."""
    for case, game in _games():
        got = call(answer, dict(game), case=case)
        if not isinstance(got, dict):
            raise NotYet(f"{case}: return a dict modality -> phi, got {type(got).__name__}")
        want = shapley_from_values(game)
        if set(got) != set(want):
            raise NotYet(f"{case}: expected the keys {sorted(want)}, got {sorted(got)}")
        for m in MODALITIES:
            expect_close(float(got[m]), want[m], f"{case}, phi[{m!r}]", atol=1e-9, rtol=1e-9)
    return "exact Shapley values, and they add up to v(all) - v(none) in every game."


def solution_turn_scores(turn_total: np.ndarray, present: np.ndarray) -> np.ndarray:
    """How far each present turn stands out from the session's median present turn, in
    either direction, ``|a_t - median|``; 0 for absent turns."""
    mid = np.median(turn_total[present]) if present.any() else 0.0
    return np.where(present, np.abs(turn_total - mid), 0.0)


def _sessions() -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(1)
    out = []
    for i in range(8):
        n = 30
        signal = np.zeros(n, bool)
        signal[rng.choice(n, 6, replace=False)] = True
        present = rng.random(n) > (0.6 if i >= 6 else 0.1)
        present[signal] = True
        direction = 1.0 if i % 2 else -1.0
        # sessions 6 and 7: most turns absent (0), the offset against the signal's direction
        offset = rng.normal(scale=20.0) if i < 6 else -25.0 * direction
        a = offset + rng.uniform(-1, 1, n) + direction * 5.0 * signal
        a[~present] = 0.0
        absent = f", {int((~present).sum())} of {n} turns absent" if i >= 6 else ""
        way = "up" if direction > 0 else "down"
        case = f"session {i} (offset {offset:+.1f}, signal turns go {way}{absent})"
        out.append((case, a, present, signal))
    return out


@checker
def check_turn_scores(answer: Callable) -> str:
    """Check ``answer(turn_total (n,), present (n,) bool) -> (n,)`` scores: in every
    session the 6 signal turns must score above every other present turn, whatever the
    shared offset, the direction of the signal, or how many turns are absent (absent turns
    have ``turn_total`` 0 and must not move the scores of the others)."""
    for case, a, present, signal in _sessions():
        got = as_array(call(answer, a, present, case=case), case)
        if got.shape != a.shape:
            raise NotYet(f"{case}: expected {a.shape} scores (one per turn), got {got.shape}")
        if not np.isfinite(got[present]).all():
            raise NotYet(f"{case}: some scores of present turns are not finite")
        score = auroc(signal[present].astype(int), got[present])
        if score < 1.0:
            reference = auroc(signal[present].astype(int), turn_scores(a, present)[present])
            raise NotYet(
                f"{case}: the signal turns are not all above the others (AUROC {score:.2f}, "
                f"the package's score gets {reference:.2f}); what do signal turns differ from?"
            )
    return "the signal turns come first in every session, whatever the offset and direction."
