"""The MI playground widget of chapter 05: pick an estimator, a true MI, a batch size,
SMILE's τ and a number of steps, and watch the estimate converge against the truth.

A thin wrapper around :func:`~mimml_edu.objectives.mi_plots.plot_playground`, its static
twin (the book shows that figure at fixed settings).
"""

from __future__ import annotations

import io

import ipywidgets as widgets

from mimml_edu.mi_lab.staircase import ESTIMATOR_NAMES
from mimml_edu.objectives.mi_plots import plot_playground

__all__ = ["mi_playground"]

_CHOICES = ("smile", *(n for n in ESTIMATOR_NAMES if not n.startswith("smile_")))


def mi_playground(*, steps: int = 300, mi: float = 6.0, seed: int = 0) -> widgets.VBox:
    """Build the playground. Training runs when "Train" is pressed, not on every slider move.

    Args:
        steps: initial number of training steps (keyword-only, like the rest).
        mi: initial true MI in nats.
        seed: seed of every run.
    Returns:
        an ipywidgets VBox (display it as the last expression of a cell).
    """
    estimator = widgets.Dropdown(options=_CHOICES, value="smile", description="estimator")
    mi_slider = widgets.FloatSlider(value=mi, min=0.5, max=14.0, step=0.5, description="true MI")
    batch = widgets.Dropdown(options=(16, 32, 64, 128, 256), value=64, description="batch B")
    tau = widgets.FloatLogSlider(
        value=5.0, base=10, min=-0.5, max=1.5, step=0.05, description="SMILE τ"
    )
    steps_slider = widgets.IntSlider(value=steps, min=50, max=2000, step=50, description="steps")
    button = widgets.Button(description="Train", button_style="primary")
    status = widgets.Label()
    image = widgets.Image(format="png", layout=widgets.Layout(max_width="720px"))

    def sync_tau(_change=None) -> None:
        tau.disabled = estimator.value != "smile"

    def train(_button=None) -> None:
        button.disabled = True
        status.value = "training…"
        try:
            fig = plot_playground(
                estimator=estimator.value,
                mi=mi_slider.value,
                batch_size=batch.value,
                tau=tau.value,
                steps=steps_slider.value,
                seed=seed,
            )
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=100)  # no backend needed: works anywhere
            image.value = buffer.getvalue()
            status.value = ""
        except (ValueError, FloatingPointError) as err:
            status.value = f"error: {err}"
        finally:
            button.disabled = False

    estimator.observe(sync_tau, names="value")
    button.on_click(train)
    sync_tau()
    controls = widgets.HBox(
        [
            widgets.VBox([estimator, mi_slider, batch]),
            widgets.VBox([tau, steps_slider, widgets.HBox([button, status])]),
        ]
    )
    return widgets.VBox([controls, image])
