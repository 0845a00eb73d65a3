"""Every widget keeps the contract of mimml_edu.widgets.base and agrees with its static twin.

The contract (front-end tests rely on it): a VBox with class ``mimml-widget``; one PNG
``Image`` with class ``mimml-widget-figure``; only standard ipywidgets value controls, no
buttons; every control change changes the PNG; the first PNG is the static twin's.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest
from explain_testdata import untrained

from mimml_edu.plots.style import figure_to_png
from mimml_edu.widgets.base import APP_CLASS, FIGURE_CLASS, figure_app

pytestmark = pytest.mark.usefixtures("one_thread")


def _descendants(widget):
    for child in getattr(widget, "children", ()):
        yield child
        yield from _descendants(child)


def _another_value(control):
    if isinstance(control, widgets.Checkbox):
        return not control.value
    if hasattr(control, "index") and control.options:
        return control.options[(control.index + 1) % len(control.options)]
    up = control.value + control.step
    return up if up <= control.max else control.value - control.step


def _set(control, value) -> None:
    if hasattr(control, "index") and control.options:
        control.index = list(control.options).index(value)
    else:
        control.value = value


def check_contract(app) -> None:
    """The contract of mimml_edu.widgets.base, checked the way a front end sees it."""
    assert isinstance(app, widgets.VBox) and APP_CLASS in app._dom_classes
    inside = list(_descendants(app))
    figures = [w for w in inside if FIGURE_CLASS in getattr(w, "_dom_classes", ())]
    assert figures == [app.image]
    assert isinstance(app.image, widgets.Image) and app.image.format == "png"
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert not [w for w in inside if isinstance(w, widgets.Button)], "no buttons to press"
    shown = {id(w) for w in inside if isinstance(w, widgets.ValueWidget)}
    shown -= {id(app.image), id(app.status)}
    assert shown == {id(c) for c in app.controls.values()}, "every control is in the app"
    for name, control in app.controls.items():
        assert type(control).__module__.startswith("ipywidgets."), name
        before = bytes(app.image.value)
        _set(control, _another_value(control))
        assert app.status.value == "", f"{name}: {app.status.value}"
        assert bytes(app.image.value) != before, f"changing {name} left the PNG as it was"
        assert app.state[name] == control.value


# ---------------------------------------------------------------------------- explorer


@pytest.fixture(scope="module")
def explorer_setup():
    from mimml_edu.explain import GroundTruth

    model, corpus = untrained()
    return model, corpus, GroundTruth.from_corpus(corpus)


@pytest.fixture
def explorer(explorer_setup):
    from mimml_edu.widgets.explain import attribution_explorer

    model, corpus, truth = explorer_setup
    return attribution_explorer(model, corpus.sessions[:2], truth=truth, k=8, n_steps=4)


def _texts(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in [ax.title, *ax.get_yticklabels()])


def test_explorer_keeps_the_contract(explorer):
    check_contract(explorer)


def test_explorer_starts_as_its_static_twin(explorer, explorer_setup):
    from mimml_edu.explain import explain_one
    from mimml_edu.plots.explain import plot_attribution_explorer

    model, corpus, truth = explorer_setup
    session = corpus.sessions[0]
    assert explorer.state == {
        "session": "S000",
        "method": "ig",
        "modality": "all",
        "target": "logit",
    }
    shapley, attribution = explain_one(model, session, k=8, n_steps=4)
    twin = plot_attribution_explorer(
        shapley,
        attribution,
        session,
        modality="all",
        signal_turns=truth.signal_turns[session.session_id],
        signal_channels=truth.signal_channels,
    )
    assert explorer.png == figure_to_png(twin)
    with pytest.raises(ValueError, match="modality"):
        plot_attribution_explorer(shapley, attribution, session, modality="smell")


@pytest.mark.parametrize(
    ("control", "value", "expect"),
    [
        ("session", "S001", "session S001"),
        ("modality", "audio", "per turn, audio"),
        ("method", "occlusion", "occlusion: per turn, all modalities"),
        ("target", "prob", "target prob"),
    ],
)
def test_explorer_draws_what_each_control_says(explorer, control, value, expect):
    explorer.controls[control].value = value
    assert explorer.state[control] == value
    assert expect in _texts(explorer.figure) + explorer.figure.get_suptitle()


def test_explorer_explains_each_session_method_target_once(explorer_setup, monkeypatch):
    import mimml_edu.widgets.explain as module

    calls = []
    real = module.explain_one

    def counted(*args, **kwargs):
        calls.append(kwargs["method"])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "explain_one", counted)
    model, corpus, truth = explorer_setup
    app = module.attribution_explorer(model, corpus.sessions[:2], truth=truth, k=8, n_steps=4)
    first = app.png
    for modality in ("text", "audio", "all"):
        app.controls["modality"].value = modality
    assert calls == ["ig"], "choosing a modality must not explain again"
    assert app.png == first  # back to the first setting: the same picture
    with pytest.raises(ValueError, match="at least one session"):
        module.attribution_explorer(model, [])


# ------------------------------------------------------------------ corpus knobs, playground


def test_corpus_knobs_keep_the_contract_and_start_as_the_twin():
    from mimml_edu.plots.data import plot_corpus_knobs
    from mimml_edu.widgets.data import corpus_knobs

    app = corpus_knobs(n_sessions=40, seed=2)
    assert app.png == figure_to_png(plot_corpus_knobs(n_sessions=40, seed=2))
    assert len(app.children) == 4  # two rows of sliders, the status line, the figure
    check_contract(app)


def test_mi_playground_keeps_the_contract_and_starts_as_the_twin():
    from mimml_edu.plots.mi import plot_playground
    from mimml_edu.widgets.mi import PLAYGROUND_ESTIMATORS, mi_playground

    app = mi_playground(steps=50, mi=2.0)
    twin = plot_playground(estimator="smile_5", mi=2.0, batch_size=64, steps=50, seed=0)
    assert app.png == figure_to_png(twin)
    assert "smile_inf" in PLAYGROUND_ESTIMATORS and "club" in PLAYGROUND_ESTIMATORS
    check_contract(app)
    with pytest.raises(ValueError, match="not offered"):
        mi_playground(estimator="smile_7")


def test_regime_browser_keeps_the_contract_and_starts_as_the_twin():
    from test_plots_catalogue import _component_map

    from mimml_edu.plots.regimes import plot_component_map
    from mimml_edu.widgets.regimes import regime_browser

    rows, verdicts = _component_map()
    app = regime_browser(rows, verdicts)
    assert app.png == figure_to_png(plot_component_map(rows, verdicts))
    assert list(app.controls["regime"].options) == ["all", "local", "dominant"]
    check_contract(app)
    app.controls["regime"].value = "dominant"
    assert app.status.value == "" and app.state["regime"] == "dominant"


# ---------------------------------------------------------------------------- the helper


def _line(n: int, *, scale: float = 1.0):
    from mimml_edu.plots.model import plot_padding_check

    if n > 4:
        raise ValueError(f"n = {n} is too large")
    return plot_padding_check([scale * np.arange(n)], ["a"])


def test_figure_app_follows_its_controls_and_reports_rejected_settings():
    app = figure_app(_line, {"n": widgets.IntSlider(value=2, min=2, max=6)}, fixed={"scale": 2})
    check_contract(app)  # moves n to 3
    shown = app.png
    app.controls["n"].value = 5
    assert app.png == shown and "n = 5 is too large" in app.status.value
    assert app.state == {"n": 3}
    app.controls["n"].value = 3
    assert app.status.value == "" and app.png == shown
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and bundle["image/png"]


def test_figure_app_rejects_what_breaks_the_contract():
    slider = widgets.IntSlider(value=2, min=2, max=4)
    with pytest.raises(TypeError, match="standard ipywidgets value control"):
        figure_app(_line, {"n": widgets.Button()})
    with pytest.raises(ValueError, match="every control exactly once"):
        figure_app(_line, {"n": slider}, rows=[["n"], ["n"]])
    with pytest.raises(ValueError, match="at least one control"):
        figure_app(_line, {})
    with pytest.raises(TypeError, match="not a Figure"):
        figure_app(lambda n: "text", {"n": slider})
    with pytest.raises(ValueError, match="too large"):  # the first figure must draw
        figure_app(_line, {"n": widgets.IntSlider(value=5, min=2, max=6)})
