"""The attribution explorer responds to each control, and its static twin draws the same."""

from __future__ import annotations

import pytest
from explain_testdata import untrained


@pytest.fixture(scope="module")
def explorer():
    from mimml_edu import widgets
    from mimml_edu.explain import GroundTruth

    model, corpus = untrained()
    sessions = corpus.sessions[:2]
    return widgets.attribution_explorer(
        model, sessions, truth=GroundTruth.from_corpus(corpus), k=8, n_steps=4
    )


def _texts(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in [ax.title, *ax.get_yticklabels()])


def test_starts_with_a_figure(explorer):
    assert set(explorer.controls) == {"session", "method", "modality", "target"}
    assert explorer.state == {
        "session": "S000",
        "method": "ig",
        "modality": "all",
        "target": "logit",
    }
    assert "session S000" in _texts(explorer.figure)


@pytest.mark.parametrize(
    ("control", "value", "expect"),
    [
        ("session", "S001", "session S001"),
        ("modality", "audio", "per turn, audio"),
        ("method", "occlusion", "occlusion: per turn, all modalities (occlusion"),
        ("target", "prob", "target prob"),
    ],
)
def test_each_control_redraws(explorer, control, value, expect):
    before = explorer.figure
    explorer.controls[control].value = value
    assert explorer.state[control] == value
    assert explorer.figure is not before
    assert expect in _texts(explorer.figure) + explorer.figure.get_suptitle()


def test_static_twin_matches(explorer):
    from mimml_edu.explain import explain_one
    from mimml_edu.plots import plot_attribution_explorer

    model, corpus = untrained()
    shapley, attribution = explain_one(model, corpus.sessions[0], k=8, n_steps=4)
    fig = plot_attribution_explorer(shapley, attribution, corpus.sessions[0], modality="video")
    assert "per turn, video" in _texts(fig)
    with pytest.raises(ValueError, match="modality"):
        plot_attribution_explorer(shapley, attribution, corpus.sessions[0], modality="smell")
