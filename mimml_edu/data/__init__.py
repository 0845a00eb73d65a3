"""Data: sessions of per-turn features, K-turn windows, batches, corpora and splits.

The unit of alignment is the participant turn: every modality is one feature vector
per turn. See :mod:`mimml_edu.data.batch` for :class:`Session`, :class:`Window` and
:class:`Batch`.
"""

from mimml_edu.data.batch import (
    MODALITIES,
    Batch,
    Session,
    Window,
    WindowDataset,
    aggregate_sessions,
    collate,
    make_windows,
)

__all__ = [
    "MODALITIES",
    "Batch",
    "Session",
    "Window",
    "WindowDataset",
    "aggregate_sessions",
    "collate",
    "make_windows",
]
