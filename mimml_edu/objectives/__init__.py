"""Training objectives: mutual-information estimators and critics.

Importing this subpackage imports torch. Modules:

* :mod:`mimml_edu.objectives.mi`: score-matrix estimators (InfoNCE, NWJ, DV, MINE, JS,
  SMILE) and the Gaussian conditional model q(y|x).
* :mod:`mimml_edu.objectives.multitask`: Self-MM's unimodal label generation (PHQ-8).
* :mod:`mimml_edu.objectives.mimml_loss`: every term of the MIMML objective, by name.
"""

from __future__ import annotations

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

__all__ = [
    "MINE",
    "GaussianConditional",
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
