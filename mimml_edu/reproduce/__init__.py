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
:mod:`~mimml_edu.reproduce.report` (``results.md`` and ``results.csv``). Importing this
package imports torch (the protocol trains models).
"""

from __future__ import annotations

from mimml_edu.reproduce.protocol import (
    CORPORA,
    PAPER_ACCURACY,
    Protocol,
    prepare,
    with_interviewer_text,
)
from mimml_edu.reproduce.results import KEYS, Results, run_protocol
from mimml_edu.reproduce.summary import baselines, possible_accuracies

__all__ = [
    "CORPORA",
    "KEYS",
    "PAPER_ACCURACY",
    "Protocol",
    "Results",
    "baselines",
    "possible_accuracies",
    "prepare",
    "run_protocol",
    "with_interviewer_text",
]
