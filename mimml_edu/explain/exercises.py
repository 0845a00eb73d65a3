"""Checkers for the exercises of chapter 09; each takes the reader's function.

A checker runs the reader's function on cases with known answers and returns a short
message (it raises ``AssertionError`` naming the first case that is wrong). The chapter
calls each checker on the package's own reference solution, so that the cell runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from mimml_edu.data.batch import MODALITIES


def _games(seed: int = 0, n: int = 5) -> list[dict[frozenset, float]]:
    rng = np.random.default_rng(seed)
    subsets = [frozenset(c) for r in range(4) for c in itertools.combinations(MODALITIES, r)]
    games = [{s: float(sum(1.0 for _ in s)) for s in subsets}]  # additive: phi = 1 each
    games += [{s: float(rng.normal()) for s in subsets} for _ in range(n)]
    return games


def check_shapley(fn: Callable[[dict[frozenset, float]], dict[str, float]]) -> str:
    """Exercise 1: exact Shapley values from the 8 coalition values.

    Args:
        fn: ``fn(values) -> {modality: phi}``, ``values`` maps each frozenset of modalities
            to v(S).
    Returns:
        a message when every case is right.
    """
    from mimml_edu.explain.modality import shapley_from_values

    for i, game in enumerate(_games()):
        got, want = fn(dict(game)), shapley_from_values(game)
        for m in MODALITIES:
            if m not in got or not np.isclose(got[m], want[m], atol=1e-9):
                raise AssertionError(
                    f"game {i}: phi[{m}] = {got.get(m)!r}, expected {want[m]:.6f} "
                    "(weights |S|! (M - |S| - 1)! / M! over coalitions S without m)"
                )
        total = sum(got.values())
        full, empty = game[frozenset(MODALITIES)], game[frozenset()]
        if not np.isclose(total, full - empty):
            raise AssertionError(f"game {i}: values sum to {total}, not v(all) - v(none)")
    return "exercise 1: correct (and efficient: the values sum to v(all) - v(none))"


def check_turn_scores(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> str:
    """Exercise 2: a turn score that finds turns standing out despite a shared offset.

    Args:
        fn: ``fn(turn_total (n,), present (n,) bool) -> (n,)`` scores, higher = stands out.
    Returns:
        a message when the score gives AUROC 1 on every case.
    """
    from mimml_edu.explain.faithfulness import turn_auroc

    rng = np.random.default_rng(1)
    for i in range(6):
        n = 30
        signal = np.zeros(n, bool)
        signal[rng.choice(n, 6, replace=False)] = True
        present = rng.random(n) > 0.1
        offset = rng.normal(scale=20.0)
        direction = 1.0 if i % 2 else -1.0
        a = offset + rng.uniform(-1, 1, n) + direction * 5.0 * signal
        a[~present] = 0.0
        scores = np.asarray(fn(a.copy(), present.copy()), dtype=float)
        if scores.shape != (n,):
            raise AssertionError(f"case {i}: expected ({n},) scores, got {scores.shape}")
        got = turn_auroc(scores, present, signal, center=False)
        if got < 1.0:
            raise AssertionError(
                f"case {i}: AUROC {got:.3f} (offset {offset:+.1f}, signal turns "
                f"{'up' if direction > 0 else 'down'}); what do the signal turns differ from?"
            )
    return "exercise 2: correct (signal turns found whatever the offset and direction)"
