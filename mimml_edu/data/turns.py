"""From frames and transcript rows to turns: what every corpus reader shares.

Public API: :func:`clean_text` (transcript markup removed), :func:`pool_frames` and
:class:`FramePool` (frame features averaged over each turn's time span, at once or block by
block), :data:`TextEmbedder` (what the readers accept as a text embedder), and the timing
rules every transcript reader applies: :func:`check_span` and :func:`parse_span` (finite,
not negative, stop not before start) and :func:`late_rows` (rows that start after the end
of the recording are reported and not used, never merged into the last turn).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from mimml_edu.errors import CorpusError

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
        times: ``(n_frames,)`` frame times, seconds (any order; NaN times are dropped).
        values: ``(n_frames, d)`` features (NaN cells are skipped).
        valid: ``(n_frames,)`` bool, frames that may be used.
        spans: ``(n_turns, 2)`` start and stop, seconds (stop exclusive).
    Returns:
        (``(n_turns, d)`` float32 means, 0 where nothing was valid; ``(n_turns,)`` bool,
        True where the turn had at least one valid frame).
    """
    pool = FramePool(spans, values.shape[1])
    pool.add(np.asarray(times, dtype=np.float64), values, np.asarray(valid, dtype=bool))
    return pool.result()


class FramePool:
    """:func:`pool_frames` fed block by block (frames in any order), so a long frame table
    is never held whole.

    Args:
        spans: ``(n_turns, 2)`` start and stop, seconds (stop exclusive).
        width: the number of feature columns.
    """

    def __init__(self, spans: np.ndarray, width: int):
        self.spans = np.asarray(spans, dtype=np.float64).reshape(-1, 2)
        n = len(self.spans)
        self.sums = np.zeros((n, width))
        self.counts = np.zeros((n, width))
        self.valid = np.zeros(n, dtype=np.int64)
        self.last_time = -np.inf  # the latest frame time seen (the media's end)
        self.n_frames = 0

    def add(self, times: np.ndarray, values: np.ndarray, valid: np.ndarray) -> None:
        """Add frames: ``times (n,)`` seconds (NaN times are dropped: such a frame cannot
        be placed in a turn), ``values (n, width)``, ``valid (n,)`` bool."""
        keep = np.isfinite(times)
        if not keep.all():
            times, values, valid = times[keep], values[keep], valid[keep]
        if not len(times):
            return
        order = np.argsort(times, kind="stable")
        times, values, valid = times[order], values[order], valid[order]
        self.last_time = max(self.last_time, float(times[-1]))
        self.n_frames += len(times)
        ok = np.isfinite(values) & valid[:, None]
        csum = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(np.where(ok, values, 0.0), 0)])
        ccount = np.vstack([np.zeros((1, values.shape[1])), np.cumsum(ok, axis=0)])
        vcount = np.concatenate([[0], np.cumsum(valid)])
        lo = np.searchsorted(times, self.spans[:, 0], side="left")
        hi = np.searchsorted(times, self.spans[:, 1], side="left")
        self.sums += csum[hi] - csum[lo]
        self.counts += ccount[hi] - ccount[lo]
        self.valid += vcount[hi] - vcount[lo]

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(``(n_turns, width)`` float32 means, 0 where nothing was valid; ``(n_turns,)``
        bool, True where the turn had at least one valid frame)."""
        means = np.divide(
            self.sums, self.counts, out=np.zeros_like(self.sums), where=self.counts > 0
        )
        return means.astype(np.float32), self.valid > 0


#: A transcript row that starts this many seconds after the media's end is reported.
LATE_TOLERANCE_S = 1.0


def check_span(
    start: float,
    stop: float,
    where: str,
    line: int | None,
    names: tuple[str, str] = ("start_time", "stop_time"),
) -> None:
    """The timing rule every transcript reader applies to a row: both times finite, not
    negative, and the stop not before the start.

    Raises:
        CorpusError naming the file, the line and the column.
    """
    if not (np.isfinite(start) and np.isfinite(stop)):
        raise CorpusError(
            f"{names[0]} and {names[1]} must be finite numbers, found {start!r}, {stop!r}",
            path=where,
            line=line,
        )
    if start < 0 or stop < 0:
        raise CorpusError(
            f"negative time ({names[0]} {start!r}, {names[1]} {stop!r}); times are seconds "
            "from the start of the recording",
            path=where,
            line=line,
        )
    if stop < start:
        raise CorpusError(
            f"{names[1]} is before {names[0]} ({stop!r} < {start!r})", path=where, line=line
        )


def parse_span(
    start: str,
    stop: str,
    where: str,
    line: int | None,
    names: tuple[str, str] = ("start_time", "stop_time"),
) -> tuple[float, float]:
    """A transcript row's two time cells as numbers, checked by :func:`check_span`.

    Raises:
        CorpusError naming the file, the line and the cell that is not a number.
    """
    try:
        span = float(start), float(stop)
    except ValueError:
        raise CorpusError(
            f"expected numeric {names[0]} and {names[1]}, found {start[:30]!r}, {stop[:30]!r}",
            path=where,
            line=line,
        ) from None
    check_span(*span, where, line, names)
    return span


def late_rows(
    starts: Sequence[float], lines: Sequence[int | None], media_end: float | None, where: str
) -> tuple[np.ndarray, str | None]:
    """Which transcript rows start after the end of the recording (by more than
    :data:`LATE_TOLERANCE_S`), and the warning that reports them.

    Args:
        starts: each row's start in media time (seconds).  lines: its line in ``where``.
        media_end: the recording's length in seconds (None: unknown, nothing is late).
    Returns:
        (``(n_rows,)`` bool, True for a late row; the warning, or None when none is late).
    """
    starts = np.asarray(starts, dtype=np.float64)
    if media_end is None or not len(starts):
        return np.zeros(len(starts), dtype=bool), None
    late = starts > media_end + LATE_TOLERANCE_S
    if not late.any():
        return late, None
    first = int(np.flatnonzero(late)[0])
    at = f", line {lines[first]}" if lines[first] is not None else ""
    return late, (
        f"{int(late.sum())} transcript row(s) start after the end of the recording "
        f"({media_end:.1f} s), the first at {starts[first]:.1f} s ({where}{at}); not used"
    )
