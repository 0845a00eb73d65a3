"""The paper's evaluation protocol made explicit, on DAIC-WOZ, E-DAIC or own recordings.

One run (:func:`run_protocol`, or ``mimml-edu reproduce``): the official splits where the
corpus has them; the model trained on train with early stopping on dev; the test labels
held out until the final table; participant speech only unless the interviewer contrast
is asked for; K-turn windows; N training seeds. It reports, per evaluated split,
session-level accuracy, balanced accuracy, F1 of each class, macro-F1, AUROC and PHQ-8
MAE/RMSE, each as mean ± sd over seeds with a bootstrap 95 % interval, the same at window
level (labelled as such), the majority-class and always-depressed baselines, the
accuracies the split's size allows (and the nearest to the paper's 84 %), a gender
breakdown and, optionally, the prompt-leakage contrast.

Modules: :mod:`~mimml_edu.reproduce.protocol` (settings, splits, held-out labels),
:mod:`~mimml_edu.reproduce.runs` (training per seed), :mod:`~mimml_edu.reproduce.summary`
(the numbers), :mod:`~mimml_edu.reproduce.results` (a run end to end),
:mod:`~mimml_edu.reproduce.report` (``results.md`` and ``results.csv``).
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> submodule that defines it (imported on first use)
_EXPORTS = {
    "CORPORA": "protocol",
    "PAPER_ACCURACY": "protocol",
    "Protocol": "protocol",
    "prepare": "protocol",
    "with_interviewer_text": "protocol",
    "KEYS": "results",
    "Results": "results",
    "run_protocol": "results",
    "baselines": "summary",
    "possible_accuracies": "summary",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
