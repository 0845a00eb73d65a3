"""Checkers for the exercises of chapter 03, with the package's reference solutions.

A checker runs the reader's function on inputs whose answer is known and says plainly
whether it is right; ``check_*(reference_*)`` always passes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def reference_mean_pooling(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors where ``attention_mask`` is 1.

    Args:
        hidden: ``(B, L, d)`` token vectors.  attention_mask: ``(B, L)`` 0/1.
    Returns:
        ``(B, d)`` sentence vectors.
    """
    w = attention_mask[..., None].astype(hidden.dtype)  # (B, L, 1)
    return (hidden * w).sum(axis=1) / np.maximum(w.sum(axis=1), 1.0)


def reference_voiced_pooling(
    features: np.ndarray, times: np.ndarray, voiced: np.ndarray, start: float, stop: float
) -> tuple[np.ndarray, float] | None:
    """Mean of the voiced frames of one turn, and the turn's voiced ratio.

    Args:
        features: ``(T, d)`` frame features.  times: ``(T,)`` seconds.  voiced: ``(T,)`` bool.
        start, stop: the turn, seconds (``start <= t < stop``).
    Returns:
        ``(mean (d,), voiced_ratio)``, or None when the turn has no voiced frame.
    """
    inside = (times >= start) & (times < stop)
    chosen = inside & voiced
    if not chosen.any():
        return None
    return features[chosen].mean(axis=0), float(chosen.sum() / inside.sum())


def check_mean_pooling(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    """Check ``fn(hidden (B, L, d), attention_mask (B, L)) -> (B, d)``; prints the verdict."""
    rng = np.random.default_rng(3)
    hidden = rng.normal(size=(3, 5, 4))
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]])
    got = np.asarray(fn(hidden, mask))
    want = reference_mean_pooling(hidden, mask)
    if got.shape != want.shape:
        print(f"Not yet: expected shape {want.shape}, got {got.shape}.")
        return False
    if np.allclose(got[1], hidden[1].mean(axis=0)) and not np.allclose(got, want):
        print("Not yet: padded positions (mask 0) must not count in the mean.")
        return False
    if not np.allclose(got, want):
        print("Not yet: the values differ from the masked mean over tokens.")
        return False
    print("Correct: padding is ignored and every sentence is the mean of its own tokens.")
    return True


def check_voiced_pooling(fn: Callable[..., tuple[np.ndarray, float] | None]) -> bool:
    """Check ``fn(features, times, voiced, start, stop)``; prints the verdict."""
    times = np.arange(10) * 0.1
    features = np.arange(20.0).reshape(10, 2)
    voiced = np.array([0, 1, 1, 0, 1, 0, 0, 0, 1, 1], dtype=bool)
    cases = [(0.0, 0.5), (0.5, 0.8), (0.75, 1.0)]
    for start, stop in cases:
        got = fn(features, times, voiced, start, stop)
        want = reference_voiced_pooling(features, times, voiced, start, stop)
        if want is None:
            if got is not None:
                print(f"Not yet: turn {start}-{stop} s has no voiced frame; return None.")
                return False
            continue
        if got is None:
            print(f"Not yet: turn {start}-{stop} s has voiced frames but you returned None.")
            return False
        mean, ratio = got
        if not np.allclose(mean, want[0]):
            print(f"Not yet: the mean of turn {start}-{stop} s should use voiced frames only.")
            return False
        if not np.isclose(ratio, want[1]):
            print(f"Not yet: voiced ratio of turn {start}-{stop} s should be {want[1]:.2f}.")
            return False
    print("Correct: voiced frames only, the turn's span half-open, and silent turns are None.")
    return True
