"""Barber–Agakov and CLUB against their closed forms with the true conditional."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mimml_edu.mi_lab.gaussian import (
    TrueGaussianConditional,
    club_closed_form,
    entropy_y,
    sample_correlated_gaussian,
)
from mimml_edu.objectives.mi_variational import (
    CLUB,
    BarberAgakov,
    club,
    gaussian_entropy_estimate,
)

pytestmark = pytest.mark.usefixtures("one_thread")


D = 20


def draws(mi_value, batch, n, seed=0):
    g = torch.Generator().manual_seed(seed)
    for _ in range(n):
        yield sample_correlated_gaussian(batch_size=batch, dim=D, mi=mi_value, generator=g)


@pytest.mark.parametrize("mi_value", [2.0, 6.0])
def test_club_with_the_true_conditional_equals_its_closed_form(mi_value):
    estimator = CLUB(conditional=TrueGaussianConditional(dim=D, mi=mi_value))
    values = [float(estimator(x, y)) for x, y in draws(mi_value, 128, 30)]
    truth = club_closed_form(mi_value, D)
    assert truth > mi_value  # an upper bound, and a loose one
    assert np.mean(values) == pytest.approx(truth, rel=0.03)


def test_sampled_club_has_the_same_expectation():
    mi_value = 4.0
    g = torch.Generator().manual_seed(5)
    estimator = CLUB(
        conditional=TrueGaussianConditional(dim=D, mi=mi_value), sampled=True, generator=g
    )
    values = [float(estimator(x, y)) for x, y in draws(mi_value, 128, 60)]
    assert np.mean(values) == pytest.approx(club_closed_form(mi_value, D), rel=0.05)


def test_barber_agakov_with_the_truth_is_unbiased():
    mi_value = 4.0
    ba = BarberAgakov(
        conditional=TrueGaussianConditional(dim=D, mi=mi_value), entropy_y=entropy_y(D)
    )
    values = [float(ba(x, y)) for x, y in draws(mi_value, 64, 200, seed=1)]
    se = np.std(values) / math.sqrt(len(values))
    assert abs(np.mean(values) - mi_value) < 4 * se


def test_barber_agakov_with_estimated_entropy():
    mi_value = 4.0
    ba = BarberAgakov(conditional=TrueGaussianConditional(dim=D, mi=mi_value))
    values = [float(ba(x, y)) for x, y in draws(mi_value, 512, 10, seed=2)]
    assert np.mean(values) == pytest.approx(mi_value, abs=0.5)


def test_club_matrix_form_and_errors():
    scores = torch.tensor([[3.0, 1.0], [0.0, 2.0]])
    assert float(club(scores)) == pytest.approx(2.5 - 0.5)
    with pytest.raises(ValueError, match="square"):
        club(torch.zeros(2, 3))


def test_gaussian_entropy_estimate():
    y = torch.randn(20000, 3, generator=torch.Generator().manual_seed(0))
    assert float(gaussian_entropy_estimate(y)) == pytest.approx(entropy_y(3), abs=0.02)
    with pytest.raises(ValueError, match="B>=2"):
        gaussian_entropy_estimate(torch.zeros(1, 3))


def test_trained_club_is_an_upper_bound_after_training():
    torch.manual_seed(0)
    mi_value = 2.0
    estimator = CLUB.gaussian(d_x=D, d_y=D, hidden=32)
    opt = torch.optim.Adam(estimator.parameters(), lr=1e-2)
    values = []
    for x, y in draws(mi_value, 64, 150, seed=3):
        loss = estimator.learning_loss(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            values.append(float(estimator(x, y)))
    assert np.mean(values[-30:]) > mi_value
