"""Data figures draw what they say, and the leakage demo they show holds."""

from __future__ import annotations

from matplotlib.figure import Figure

from mimml_edu.data.daicwoz import read_daicwoz_session
from mimml_edu.data.leakage import split_leakage
from mimml_edu.data.samples import shipped_daicwoz
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.plots.data import (
    plot_corpus_knobs,
    plot_session_alignment,
    plot_split_leakage,
    plot_windows,
)


def test_figures_are_figures():
    corpus = make_corpus(80, seed=1)
    fig = plot_corpus_knobs(n_sessions=80, shared=1.0)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    assert "shared = 1.00" in fig.axes[3].get_title()
    assert isinstance(plot_windows(corpus.sessions[0], k=8), Figure)
    path = shipped_daicwoz() / "321_P.zip"
    fig = plot_session_alignment(path, read_daicwoz_session(path))
    assert len(fig.axes) == 3


def test_split_by_window_inflates_accuracy_above_the_oracle():
    corpus = make_corpus()
    result = split_leakage(corpus.sessions, k=16, c=0.1, test_fraction=0.3, seed=0)
    honest, leaky = result["by_participant"], result["by_window"]
    assert honest["participants_on_both_sides"] == 0
    assert leaky["participants_on_both_sides"] > 100
    oracle = corpus.oracle_balanced_accuracy()
    assert 0.6 < honest["session_balanced_accuracy"] <= oracle + 0.05
    assert leaky["session_balanced_accuracy"] > oracle
    assert isinstance(plot_split_leakage(result, oracle=oracle), Figure)
    # the test side's sessions, so an oracle can be scored on the same people
    assert 40 <= len(honest["test_sessions"]) <= 70
    assert len(set(honest["test_sessions"])) == len(honest["test_sessions"])
    assert len(leaky["test_sessions"]) > 100
    per_split = {"by_participant": 0.8, "by_window": 0.85}
    fig = plot_split_leakage(result, oracle=per_split)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "oracle 0.80" in labels and "oracle 0.85" in labels
