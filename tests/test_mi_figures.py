"""Chapter 05's figures, playground widget and exercise checkers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from mimml_edu.mi_lab import gaussian
from mimml_edu.mi_lab.optimal_critics import optimal_critic_estimates
from mimml_edu.mi_lab.staircase import train_staircase
from mimml_edu.objectives import mi, mi_plots
from mimml_edu.objectives.mi_exercises import check_infonce, check_mi_to_rho, check_nwj

pytestmark = pytest.mark.usefixtures("one_thread")


SMALL = {"hidden": 16, "embed": 8, "layers": 1, "batch_size": 16}


def test_optimal_critic_estimates_shapes_and_known_values():
    names = ["infonce", "nwj", "js", "smile_inf", "dv", "ba", "club"]
    out = optimal_critic_estimates(names, mi_values=(2.0, 8.0), batch_size=32, draws=8)
    assert set(out) == set(names) and all(v.shape == (2, 8) for v in out.values())
    assert np.allclose(out["js"], out["nwj"])  # the JS readout at the optimum is NWJ's
    assert np.allclose(out["smile_inf"], out["dv"])
    assert (out["infonce"] <= math.log(32) + 1e-5).all()
    assert out["club"].mean(axis=1)[1] == pytest.approx(gaussian.club_closed_form(8.0, 20), 0.1)
    with pytest.raises(ValueError, match="draws"):
        optimal_critic_estimates(["nwj"], mi_values=(1.0,), draws=0)


def test_every_figure_is_a_figure_and_none_calls_show(monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("a plot called show()"))
    runs = [
        train_staircase(n, mi_values=(2.0, 4.0), steps_per_stage=5, **SMALL)
        for n in ("infonce", "club")
    ]
    estimates = optimal_critic_estimates(["infonce", "nwj"], mi_values=(1.0, 3.0), draws=4)
    figures = [
        mi_plots.plot_gaussian_pairs((1.0,), n=50),
        mi_plots.plot_estimate_trace(runs[0]),
        mi_plots.plot_staircase(runs, ncols=2),
        mi_plots.plot_optimal_critic(estimates, (1.0, 3.0), batch_size=64),
        mi_plots.plot_variance_vs_mi(estimates, (1.0, 3.0)),
        mi_plots.plot_smile_tradeoff(
            (1.0, 5.0), np.random.default_rng(0).normal(size=(2, 5)), true_mi=3.0
        ),
        mi_plots.plot_club((0, 2, 4), trained=runs[1]),
        mi_plots.plot_playground(estimator="smile", mi=2.0, batch_size=16, tau=2.0, steps=8),
    ]
    for fig in figures:
        assert isinstance(fig, Figure) and fig.axes


def test_trailing_mean_forgets_wild_early_values():
    series = np.array([1000.0] + [3.0] * 99)
    out = mi_plots.trailing_mean(series, 5)
    assert out[0] == 1000.0 and out[2] == pytest.approx((1000 + 6) / 3)
    assert np.allclose(out[5:], 3.0)
    assert len(mi_plots.trailing_mean(np.array([]))) == 0
    with pytest.raises(ValueError, match="window"):
        mi_plots.trailing_mean(series, 0)


def test_playground_widget_trains_on_click():
    from mimml_edu.objectives.mi_widgets import mi_playground

    app = mi_playground(steps=50, mi=2.0)
    controls, image = app.children
    left, right = controls.children
    estimator, _, batch = left.children
    tau, _, row = right.children
    button, status = row.children
    assert not tau.disabled
    estimator.value = "infonce"
    assert tau.disabled, "tau only applies to SMILE"
    batch.value = 16
    button.click()
    assert status.value == "" and bytes(image.value).startswith(b"\x89PNG")
    assert not button.disabled


def test_checkers_accept_the_reference_and_reject_wrong_answers(capsys):
    assert check_infonce(mi.infonce)
    assert check_nwj(mi.nwj)
    assert check_mi_to_rho(gaussian.mi_to_rho)
    # common mistakes: forgetting + log B, using all entries for NWJ, a wrong square root
    assert not check_infonce(lambda s: (s.diagonal() - torch.logsumexp(s, 1)).mean())
    assert not check_nwj(lambda s: s.diagonal().mean() - math.exp(-1) * s.exp().mean())
    assert not check_mi_to_rho(lambda i, d: 1 - math.exp(-2 * i / d))
    assert not check_infonce(lambda s: 1 / 0)
    out = capsys.readouterr().out
    assert out.count("✅") == 3 and out.count("❌") == 4
    assert "ZeroDivisionError" in out
