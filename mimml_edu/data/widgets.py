"""The data chapter's widget: the synthetic corpus's knobs, live.

Public API: :func:`corpus_knobs_widget`, a thin wrapper around its static twin
:func:`mimml_edu.data.plots.corpus_knobs_figure`.
"""

from __future__ import annotations


def corpus_knobs_widget(*, n_sessions: int = 189, seed: int = 0):
    """Sliders for strength per modality, shared share and prevalence, and the figure.

    Returns:
        an ``ipywidgets.VBox`` (display it in Jupyter).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from mimml_edu.data.plots import corpus_knobs_figure

    def slider(description, value, lo, hi):
        return widgets.FloatSlider(
            value=value, min=lo, max=hi, step=0.05, description=description,
            continuous_update=False, style={"description_width": "initial"},
        )  # fmt: skip

    controls = {
        "strength_text": slider("text strength", 1.0, 0.0, 2.0),
        "strength_audio": slider("audio strength", 1.0, 0.0, 2.0),
        "strength_video": slider("video strength", 1.0, 0.0, 2.0),
        "shared": slider("shared share", 0.5, 0.0, 1.0),
        "prevalence": slider("prevalence", 0.3, 0.05, 0.95),
    }
    out = widgets.Output()

    def redraw(**knobs):
        with out:
            out.clear_output(wait=True)
            display(corpus_knobs_figure(n_sessions=n_sessions, seed=seed, **knobs))

    widgets.interactive_output(redraw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values())[:3]),
                         widgets.HBox(list(controls.values())[3:]), out])  # fmt: skip
