"""Chapter 05's estimators with the optimal critic, and its exercise checkers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mimml_edu.mi_lab import gaussian
from mimml_edu.mi_lab.optimal_critics import optimal_critic_estimates

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
