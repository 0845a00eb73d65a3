"""From frames and transcript rows to turns: what every corpus reader shares.

Public API: :func:`clean_text` (transcript markup removed), :func:`pool_frames` (frame
features averaged over each turn's time span) and :data:`TextEmbedder` (what the readers
accept as a text embedder).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

#: A callable ``texts -> (n, 384)`` (or ``(array, mask)``), or an object with ``encode``.
TextEmbedder = Callable[[Sequence[str]], np.ndarray] | object

_MARKUP = re.compile(r"<[^>]*>|\[[^\]]*\]|\bscrubbed_entry\b|\bxxx\b", re.IGNORECASE)


def clean_text(value: str) -> str:
    """Remove transcript markup (``<laughter>``, ``[laughter]``, ``<sync>``, ``<synch>``,
    ``scrubbed_entry``, ``xxx``) and squeeze spaces."""
    return " ".join(_MARKUP.sub(" ", value).split())


def pool_frames(
    times: np.ndarray, values: np.ndarray, valid: np.ndarray, spans: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Average frames over each time span, ignoring invalid frames and NaN cells.

    Args:
        times: ``(n_frames,)`` frame times, seconds, ascending.
        values: ``(n_frames, d)`` features (NaN cells are skipped).
        valid: ``(n_frames,)`` bool, frames that may be used.
        spans: ``(n_turns, 2)`` start and stop, seconds (stop exclusive).
    Returns:
        (``(n_turns, d)`` float32 means, 0 where nothing was valid; ``(n_turns,)`` bool,
        True where the turn had at least one valid frame).
    """
    ok = np.isfinite(values) & valid[:, None]
    filled = np.where(ok, values, 0.0)
    csum = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(filled, axis=0)])
    ccount = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(ok, axis=0)])
    vcount = np.concatenate([[0], np.cumsum(valid)])
    lo = np.searchsorted(times, spans[:, 0], side="left")
    hi = np.searchsorted(times, spans[:, 1], side="left")
    sums, counts = csum[hi] - csum[lo], ccount[hi] - ccount[lo]
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return means.astype(np.float32), (vcount[hi] - vcount[lo]) > 0
