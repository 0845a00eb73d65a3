"""Data: sessions of per-turn features, K-turn windows, batches, corpora and splits.

The unit of alignment is the participant turn: every modality is one feature vector
per turn. See :mod:`mimml_edu.data.batch` for :class:`Session`, :class:`Window` and
:class:`Batch`; :mod:`mimml_edu.data.synthetic` for the synthetic teaching corpus
(:func:`make_corpus`); :mod:`mimml_edu.data.splits` for participant-level splits;
:mod:`mimml_edu.data.channels` for the feature channel names and widths.
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
from mimml_edu.data.splits import SPLITS, assign_splits, sessions_by_split
from mimml_edu.data.synthetic import SyntheticConfig, SyntheticCorpus, make_corpus

__all__ = [
    "MODALITIES",
    "SPLITS",
    "Batch",
    "Session",
    "SyntheticConfig",
    "SyntheticCorpus",
    "Window",
    "WindowDataset",
    "aggregate_sessions",
    "assign_splits",
    "collate",
    "make_corpus",
    "make_windows",
    "sessions_by_split",
]
