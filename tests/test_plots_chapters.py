"""The figures of chapters 04, 06, 07 and 08 draw what they are given and reject bad input."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from mimml_edu.plots.fusion import plot_logvar_pitfall, plot_representation_similarity
from mimml_edu.plots.model import plot_baselines, plot_padding_check, plot_window_gate
from mimml_edu.plots.multitask import plot_label_shift, plot_label_trajectories

RNG = np.random.default_rng(0)


def _check(fig):
    assert isinstance(fig, Figure)
    assert fig.axes
    fig.savefig(__import__("io").BytesIO(), format="png")  # renders every artist


def test_plot_window_gate_draws_and_checks_shapes():
    mask = np.array([True] * 10 + [False] * 6)
    fig = plot_window_gate(RNG.random((16, 8)), mask, signal_turns=np.arange(16) % 5 == 0)
    _check(fig)
    assert len(fig.axes[1].patches) == 16 + 6  # one bar per turn, one band per masked turn
    with pytest.raises(ValueError, match="gate must be"):
        plot_window_gate(RNG.random((12, 8)), mask)


def test_plot_baselines_one_bar_per_model_and_oracle_ticks():
    results = {
        "a": {"value": 0.6, "low": 0.5, "high": 0.7},
        "b": {"value": 0.5, "low": 0.4, "high": 0.65},
    }
    fig = plot_baselines(results, oracle={"a": 0.8, "b": 0.9}, whisker="mean ± sd")
    _check(fig)
    ax = fig.axes[0]
    assert len(ax.patches) == 2
    assert "mean ± sd" in ax.get_xlabel()
    with pytest.raises(ValueError, match="empty"):
        plot_baselines({})


def test_plot_padding_check():
    _check(plot_padding_check([np.zeros(4), np.ones(4)], ["a", "b"]))


def test_plot_logvar_pitfall():
    trace = {k: list(RNG.normal(size=20)) for k in ("objective", "log_likelihood", "logvar")}
    fig = plot_logvar_pitfall({"bug": trace, "ok": trace})
    _check(fig)
    assert len(fig.axes) == 3 and len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError):
        plot_logvar_pitfall({})


def test_plot_representation_similarity_with_retrieval():
    mats = {"A": np.eye(3), "B": np.full((3, 3), 0.5)}
    fig = plot_representation_similarity(
        mats, ["z", "h_text", "h_audio"], retrieval={"A": {"text": 0.2}}, chance=1 / 32
    )
    _check(fig)
    with pytest.raises(ValueError):
        plot_representation_similarity({}, [])


def test_label_figures():
    y_m = RNG.normal(size=50)
    snaps = {m: RNG.normal(size=(4, 50)) for m in ("text", "audio")}
    _check(plot_label_trajectories(snaps, y_m, n_show=10))
    fig = plot_label_shift(snaps, y_m)
    _check(fig)
    assert len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError, match="must be"):
        plot_label_trajectories({"text": RNG.normal(size=(4, 49))}, y_m)
    with pytest.raises(ValueError, match="multitask"):
        plot_label_shift({}, y_m)
