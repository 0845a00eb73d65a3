"""ipywidgets apps; each is a thin wrapper around a function in :mod:`mimml_edu.plots`.

Sections are owned by different chapters; add yours as a new section.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------
# Explanations (chapter 09)
# ---------------------------------------------------------------------------------------
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ipywidgets
    from torch import nn

    from mimml_edu.data.batch import Session
    from mimml_edu.explain import GroundTruth


def attribution_explorer(
    model: nn.Module,
    sessions: Sequence[Session],
    *,
    truth: GroundTruth | None = None,
    k: int = 16,
    n_steps: int = 32,
) -> ipywidgets.VBox:
    """Explore attributions: choose the session, method, modality and target.

    The static twin is :func:`mimml_edu.plots.plot_attribution_explorer` applied to
    :func:`mimml_edu.explain.explain_one`; every change of a control recomputes (attributions
    of one session take about a second) and redraws it. Results are cached per
    (session, method, target).

    Args:
        model: the trained MIMML.  sessions: the sessions to choose from.
        truth: ground truth to shade (synthetic corpus), or None.
        k: window length, as in training.  n_steps: IG steps.
    Returns:
        a ``VBox`` of the controls and the figure. For programmatic use it carries
        ``controls`` (name -> widget), ``figure`` (the last Figure drawn) and ``state``
        (the settings that figure shows).
    """
    import ipywidgets as w
    from IPython.display import display

    from mimml_edu.explain import explain_one
    from mimml_edu.explain.inputs import TARGETS
    from mimml_edu.explain.turns import METHODS
    from mimml_edu.plots import plot_attribution_explorer

    if not sessions:
        raise ValueError("attribution_explorer needs at least one session")
    by_id = {s.session_id: s for s in sessions}
    controls = {
        "session": w.Dropdown(options=list(by_id), description="session"),
        "method": w.ToggleButtons(options=list(METHODS), description="method"),
        "modality": w.ToggleButtons(
            options=["all", "text", "audio", "video"], description="modality"
        ),
        "target": w.ToggleButtons(options=list(TARGETS), description="target"),
    }
    out = w.Output()
    box = w.VBox([*controls.values(), out])
    cache: dict[tuple[str, str, str], tuple] = {}

    def redraw(_change=None) -> None:
        state = {name: c.value for name, c in controls.items()}
        key = (state["session"], state["method"], state["target"])
        if key not in cache:
            cache[key] = explain_one(
                model,
                by_id[key[0]],
                method=key[1],
                target=key[2],
                k=k,
                n_steps=n_steps,
            )
        shapley, attribution = cache[key]
        fig = plot_attribution_explorer(
            shapley,
            attribution,
            by_id[key[0]],
            modality=state["modality"],
            signal_turns=None if truth is None else truth.signal_turns.get(key[0]),
            signal_channels=None if truth is None else truth.signal_channels,
        )
        box.figure, box.state = fig, state
        out.clear_output(wait=True)
        with out:
            display(fig)

    for c in controls.values():
        c.observe(redraw, names="value")
    box.controls = controls
    redraw()
    return box
