"""What trains MIMML: mutual-information estimators, critics, multi-task labels, the loss.

Importing this subpackage imports torch. Modules:

* :mod:`mimml_edu.objectives.mi`: score-matrix estimators (InfoNCE, NWJ, DV, MINE, JS,
  SMILE) and the Gaussian conditional model q(y|x).
* :mod:`mimml_edu.objectives.multitask`: Self-MM's unimodal label generation (PHQ-8).
* :mod:`mimml_edu.objectives.mimml_loss`: every term of the MIMML objective, by name.
* :mod:`mimml_edu.objectives.critics`: separable and concat critics -> (B, B) scores.
* :mod:`mimml_edu.objectives.mi_variational`: Barber–Agakov and CLUB (with q(y|x)).

The laboratory that tests the estimators against a known truth (chapter 05) is
:mod:`mimml_edu.mi_lab`.
"""

from __future__ import annotations

from mimml_edu.objectives.critics import ConcatCritic, SeparableCritic
from mimml_edu.objectives.mi import (
    MINE,
    GaussianConditional,
    dv,
    gaussian_log_prob,
    infonce,
    js,
    js_fgan,
    logmeanexp_offdiag,
    nwj,
    smile,
    tuba,
)
from mimml_edu.objectives.mi_variational import CLUB, BarberAgakov, club

__all__ = [
    "CLUB",
    "MINE",
    "BarberAgakov",
    "ConcatCritic",
    "GaussianConditional",
    "SeparableCritic",
    "club",
    "dv",
    "gaussian_log_prob",
    "infonce",
    "js",
    "js_fgan",
    "logmeanexp_offdiag",
    "nwj",
    "smile",
    "tuba",
]
