"""The corpus knobs of chapter 02: the synthetic corpus's strength per modality, shared share
and prevalence, live.

A thin wrapper over its static twin :func:`mimml_edu.plots.data.plot_corpus_knobs`.
"""

from __future__ import annotations

import ipywidgets as widgets

from mimml_edu.plots.data import plot_corpus_knobs
from mimml_edu.widgets.base import FigureApp, figure_app

__all__ = ["corpus_knobs"]


def _slider(description: str, value: float, lo: float, hi: float) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=0.05,
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
    )


def corpus_knobs(*, n_sessions: int = 189, seed: int = 0) -> FigureApp:
    """Sliders for the strength per modality, the shared share and the prevalence.

    Every move generates a corpus of ``n_sessions`` at the new knobs and draws its evidence.

    Args:
        n_sessions: sessions per generated corpus.  seed: the generator's seed.
    Returns:
        the app (a ``VBox``, see :mod:`mimml_edu.widgets.base`); its controls are the
        keywords of :func:`~mimml_edu.plots.data.plot_corpus_knobs`.
    """
    controls = {
        "strength_text": _slider("text strength", 1.0, 0.0, 2.0),
        "strength_audio": _slider("audio strength", 1.0, 0.0, 2.0),
        "strength_video": _slider("video strength", 1.0, 0.0, 2.0),
        "shared": _slider("shared share", 0.5, 0.0, 1.0),
        "prevalence": _slider("prevalence", 0.3, 0.05, 0.95),
    }
    rows = [["strength_text", "strength_audio", "strength_video"], ["shared", "prevalence"]]
    return figure_app(
        plot_corpus_knobs, controls, rows=rows, fixed={"n_sessions": n_sessions, "seed": seed}
    )
