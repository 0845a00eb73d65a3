"""Chapter 03 (features): masked mean pooling of token vectors, voiced pooling of a turn.

- :func:`check_mean_pooling`: ``my_mean_pooling(hidden, attention_mask)``, against the
  masked mean the text encoder pools with (:func:`mimml_edu.model.masked_mean`).
- :func:`check_voiced_pooling`: ``my_voiced_pooling(features, times, voiced, start, stop)``,
  against :func:`mimml_edu.features.audio.pool_turns`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from mimml_edu.exercises.checking import NotYet, call, checker, expect_close, expect_rows
from mimml_edu.features.audio import AudioFrames, pool_turns
from mimml_edu.model.blocks import masked_mean


def solution_mean_pooling(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors ``hidden (B, L, d)`` where ``attention_mask (B, L)`` is 1;
    ``(B, d)``, zeros for a sentence without tokens."""
    weights = attention_mask[..., None].astype(hidden.dtype)  # (B, L, 1)
    count = np.maximum(weights.sum(axis=1), 1.0)  # (B, 1): no division by 0
    return (hidden * weights).sum(axis=1) / count


def _token_batches() -> list[tuple[str, np.ndarray, np.ndarray, list[str]]]:
    rng = np.random.default_rng(3)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    hidden = rng.normal(size=(4, 5, 6))
    hidden[mask == 0] = 1e3  # padding holds garbage, as after a model's last layer
    names = [
        "sentence 0 (3 tokens, 2 padding)",
        "sentence 1 (5 tokens, no padding)",
        "sentence 2 (1 token)",
        "sentence 3 (no token at all: an empty turn)",
    ]
    batches = [("a padded batch", hidden, mask, names)]
    big = rng.normal(size=(8, 12, 4))
    big_mask = (rng.random((8, 12)) < 0.6).astype(np.int64)
    big_mask[:, 0] = 1
    batches.append(("a random batch", big, big_mask, [f"sentence {i}" for i in range(8)]))
    return batches


@checker
def check_mean_pooling(answer: Callable) -> str:
    """Check ``answer(hidden (B, L, d), attention_mask (B, L) 0/1) -> (B, d)``: padding
    (with large values in it) must not count, and a sentence without tokens gives 0."""
    for batch, hidden, mask, names in _token_batches():
        want = masked_mean(torch.from_numpy(hidden), torch.from_numpy(mask).bool()).numpy()
        expect_rows(call(answer, hidden, mask, case=batch), want, batch, names, atol=1e-6)
    return "padding is ignored, every sentence is the mean of its own tokens, empty ones are 0."


def solution_voiced_pooling(
    features: np.ndarray, times: np.ndarray, voiced: np.ndarray, start: float, stop: float
) -> tuple[np.ndarray, float] | None:
    """Mean of the voiced frames of the turn ``start <= t < stop`` and the turn's voiced
    ratio (voiced frames / frames in the turn), or None without a voiced frame."""
    inside = (times >= start) & (times < stop)
    chosen = inside & voiced
    if not chosen.any():
        return None
    return features[chosen].mean(axis=0), float(chosen.sum() / inside.sum())


def _recordings() -> list[tuple[str, AudioFrames, list[tuple[float, float, str]]]]:
    times = np.arange(20) * 0.25  # exact in binary: turns start and stop on frames
    features = np.arange(40.0).reshape(20, 2) ** 1.5
    voiced = np.zeros(20, dtype=bool)
    voiced[[1, 2, 4, 5, 6, 12, 13, 14]] = True
    grid = AudioFrames(features, ["a", "b"], times, voiced, 100, 5.0)
    turns = [
        (0.0, 1.0, "frames 0-3; the voiced frame at 1.0 s is not in it"),
        (1.0, 1.75, "starts on the voiced frame at 1.0 s"),
        (2.0, 3.0, "frames but none voiced"),
        (1.25, 1.25, "zero length"),
        (6.0, 7.0, "after the end of the recording"),
        (2.5, 4.0, "partly voiced"),
    ]
    recordings = [("frames every 0.25 s", grid, turns)]
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0, 20, 300))
    noisy = AudioFrames(
        rng.normal(size=(300, 3)), ["a", "b", "c"], t, rng.random(300) < 0.5, 100, 20
    )
    starts = np.sort(rng.uniform(0, 18, 5))
    turns = [(float(a), float(a + rng.uniform(0.5, 2)), "") for a in starts]
    recordings.append(("a random recording", noisy, turns))
    return recordings


@checker
def check_voiced_pooling(answer: Callable) -> str:
    """Check ``answer(features (T, d), times (T,), voiced (T,), start, stop)`` ->
    ``(mean (d,), voiced ratio)`` or None, on turns that start and stop on a frame
    (``[start, stop)``), turns without voiced frames and random turns."""
    for name, rec, turns in _recordings():
        spans = np.array([(a, b) for a, b, _ in turns])
        want, mask, ratio = pool_turns(rec, spans)
        d = rec.features.shape[1]
        for i, (start, stop, note) in enumerate(turns):
            case = f"{name}, turn [{start:g}, {stop:g}) s" + (f" ({note})" if note else "")
            args = (rec.features, rec.times, rec.voiced, start, stop)
            got = call(answer, *args, case=case)
            if not mask[i]:
                if got is not None:
                    raise NotYet(f"{case}: no voiced frame, so return None; got {got!r:.80}")
                continue
            if not (isinstance(got, tuple | list) and len(got) == 2):
                raise NotYet(f"{case}: return (mean, voiced ratio), got {got!r:.80}")
            expect_close(got[0], want[i, :d], f"{case}, mean of the voiced frames")
            expect_close(np.float64(got[1]), np.float64(ratio[i]), f"{case}, voiced ratio")
    return "voiced frames only, turns [start, stop), and turns without voice are None."
