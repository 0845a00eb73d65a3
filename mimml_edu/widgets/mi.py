"""The MI playground of chapter 05: pick an estimator, a true MI, a batch size and a number
of steps, and watch the estimate converge against the truth (or not).

A thin wrapper over its static twin :func:`mimml_edu.plots.mi.plot_playground` (the book
shows that figure at the playground's initial settings).
"""

from __future__ import annotations

import ipywidgets as widgets

from mimml_edu.mi_lab.staircase import ESTIMATOR_NAMES
from mimml_edu.plots.mi import estimator_label, plot_playground
from mimml_edu.widgets.base import FigureApp, figure_app

__all__ = ["PLAYGROUND_ESTIMATORS", "mi_playground"]

#: the estimators offered: the benchmark's, with SMILE at five clips τ
PLAYGROUND_ESTIMATORS = (
    *(n for n in ESTIMATOR_NAMES if not n.startswith("smile_")),
    *(f"smile_{tau}" for tau in ("1", "2", "5", "10", "inf")),
)


def mi_playground(
    *,
    estimator: str = "smile_5",
    mi: float = 6.0,
    batch_size: int = 64,
    steps: int = 300,
    seed: int = 0,
) -> FigureApp:
    """The playground; every change of a control trains the chosen estimator afresh.

    Args:
        estimator: initial estimator, one of :data:`PLAYGROUND_ESTIMATORS`.
        mi: initial true MI in nats.  batch_size: initial batch (16 to 256, powers of 2).
        steps: initial number of training steps.  seed: seed of every run.
    Returns:
        the app (a ``VBox``, see :mod:`mimml_edu.widgets.base`); its controls are
        ``estimator``, ``mi``, ``batch_size``, ``steps``.
    """
    if estimator not in PLAYGROUND_ESTIMATORS:
        raise ValueError(
            f"mi_playground: estimator {estimator!r} is not offered; "
            f"choose from {', '.join(PLAYGROUND_ESTIMATORS)}"
        )
    controls = {
        "estimator": widgets.Dropdown(
            options=[(estimator_label(n), n) for n in PLAYGROUND_ESTIMATORS],
            value=estimator,
            description="estimator",
        ),
        "mi": widgets.FloatSlider(
            value=mi,
            min=0.5,
            max=14.0,
            step=0.5,
            description="true MI",
            continuous_update=False,
        ),
        "batch_size": widgets.Dropdown(
            options=(16, 32, 64, 128, 256), value=batch_size, description="batch B"
        ),
        "steps": widgets.IntSlider(
            value=steps, min=50, max=2000, step=50, description="steps", continuous_update=False
        ),
    }
    rows = [["estimator", "mi"], ["batch_size", "steps"]]
    return figure_app(plot_playground, controls, rows=rows, fixed={"seed": seed})
