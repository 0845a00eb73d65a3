"""Data: sessions of per-turn features, K-turn windows, batches, corpora and splits.

The unit of alignment is the participant turn: every modality is one feature vector
per turn. See :mod:`mimml_edu.data.batch` for :class:`Session`, :class:`Window` and
:class:`Batch`; :mod:`mimml_edu.data.synthetic` for the synthetic teaching corpus
(:func:`make_corpus`) and :mod:`mimml_edu.data.oracle` for its exact Bayes posterior;
:mod:`mimml_edu.data.regimes` for its named settings and test-time conditions;
:mod:`mimml_edu.data.splits` for participant-level splits;
:mod:`mimml_edu.data.channels` for the feature channel names and widths.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> submodule that defines it (imported on first use)
_EXPORTS = {
    "MODALITIES": "batch",
    "Batch": "batch",
    "Session": "batch",
    "Window": "batch",
    "WindowDataset": "batch",
    "aggregate_sessions": "batch",
    "collate": "batch",
    "make_windows": "batch",
    "SPLITS": "splits",
    "assign_splits": "splits",
    "sessions_by_split": "splits",
    "SyntheticConfig": "generator",
    "SyntheticCorpus": "synthetic",
    "make_corpus": "synthetic",
    "oracle_posterior": "oracle",
    "REGIMES": "regimes",
    "get_regime": "regimes",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
