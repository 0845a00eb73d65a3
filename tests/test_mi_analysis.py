"""Chapter 05's estimators with the optimal critic, and its exercise checkers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mimml_edu.mi_lab import gaussian
from mimml_edu.mi_lab.optimal_critics import optimal_critic_estimates
from mimml_edu.objectives import mi
from mimml_edu.objectives.mi_exercises import check_infonce, check_mi_to_rho, check_nwj

pytestmark = pytest.mark.usefixtures("one_thread")


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
