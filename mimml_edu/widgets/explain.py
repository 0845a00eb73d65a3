"""The attribution explorer of chapter 09: session, method, modality and target, live.

A thin wrapper over its static twin :func:`mimml_edu.plots.explain.plot_attribution_explorer`
applied to :func:`mimml_edu.explain.explain_one`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import ipywidgets as widgets

from mimml_edu.data.batch import MODALITIES
from mimml_edu.explain import GroundTruth, explain_one
from mimml_edu.explain.inputs import TARGETS
from mimml_edu.explain.turns import METHODS
from mimml_edu.plots.explain import plot_attribution_explorer
from mimml_edu.widgets.base import FigureApp, figure_app

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from torch import nn

    from mimml_edu.data.batch import Session
    from mimml_edu.explain import ModalityShapley, TurnAttribution

__all__ = ["attribution_explorer"]


def attribution_explorer(
    model: nn.Module,
    sessions: Sequence[Session],
    *,
    truth: GroundTruth | None = None,
    k: int = 16,
    n_steps: int = 32,
) -> FigureApp:
    """Explore attributions: choose the session, method, modality and target.

    Each (session, method, target) is explained once by
    :func:`~mimml_edu.explain.explain_one` once and kept; the modality only chooses what is
    drawn.

    Args:
        model: the trained MIMML.  sessions: the sessions to choose from.
        truth: ground truth to shade (synthetic corpus), or None.
        k: window length, as in training.  n_steps: IG steps.
    Returns:
        the app (a ``VBox``, see :mod:`mimml_edu.widgets.base`); its controls are
        ``session``, ``method``, ``modality``, ``target``.
    """
    if not sessions:
        raise ValueError("attribution_explorer needs at least one session")
    by_id = {s.session_id: s for s in sessions}
    if len(by_id) != len(sessions):
        raise ValueError("attribution_explorer: two sessions share a session_id")
    explained: dict[tuple[str, str, str], tuple[ModalityShapley, TurnAttribution]] = {}

    def draw(*, session: str, method: str, modality: str, target: str) -> Figure:
        key = (session, method, target)
        if key not in explained:
            explained[key] = explain_one(
                model, by_id[session], method=method, target=target, k=k, n_steps=n_steps
            )
        shapley, attribution = explained[key]
        return plot_attribution_explorer(
            shapley,
            attribution,
            by_id[session],
            modality=modality,
            signal_turns=None if truth is None else truth.signal_turns.get(session),
            signal_channels=None if truth is None else truth.signal_channels,
        )

    controls = {
        "session": widgets.Dropdown(options=list(by_id), description="session"),
        "method": widgets.ToggleButtons(options=list(METHODS), description="method"),
        "modality": widgets.ToggleButtons(options=["all", *MODALITIES], description="modality"),
        "target": widgets.ToggleButtons(options=list(TARGETS), description="target"),
    }
    return figure_app(draw, controls)
