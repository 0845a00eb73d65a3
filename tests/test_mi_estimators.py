"""Score-matrix estimators, critics and the Gaussian benchmark against analytic truths."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mimml_edu.mi_lab.gaussian import (
    entropy_y,
    mi_to_rho,
    rho_to_mi,
    sample_correlated_gaussian,
    true_log_ratio,
)
from mimml_edu.objectives import mi
from mimml_edu.objectives.critics import ConcatCritic, SeparableCritic, make_critic

pytestmark = pytest.mark.usefixtures("one_thread")


D = 20


def optimal_scores(mi_value, batch, draws, seed=0, cubic=False):
    g = torch.Generator().manual_seed(seed)
    for _ in range(draws):
        x, y = sample_correlated_gaussian(
            batch_size=batch, dim=D, mi=mi_value, cubic=cubic, generator=g
        )
        yield true_log_ratio(x, y, mi=mi_value, cubic=cubic)


def test_mi_rho_round_trip_and_sample_correlation():
    for value in (0.0, 2.0, 10.0):
        assert rho_to_mi(mi_to_rho(value, D), D) == pytest.approx(value, abs=1e-9)
    g = torch.Generator().manual_seed(0)
    x, y = sample_correlated_gaussian(batch_size=20000, dim=3, mi=1.5, generator=g)
    corr = float(torch.corrcoef(torch.stack([x[:, 0], y[:, 0]]))[0, 1])
    assert corr == pytest.approx(mi_to_rho(1.5, 3), abs=0.02)
    with pytest.raises(ValueError, match="mi"):
        mi_to_rho(float("nan"), D)
    with pytest.raises(ValueError, match="rho"):
        rho_to_mi(1.0, D)


def test_cubic_entropy_matches_monte_carlo():
    # H(Y^3) = H(Y) + E log|3 Y^2| per coordinate
    y = torch.randn(2_000_000, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    mc = 0.5 * math.log(2 * math.pi * math.e) + float(torch.log(3 * y**2).mean())
    assert entropy_y(1, cubic=True) == pytest.approx(mc, abs=5e-3)
    assert entropy_y(4) == pytest.approx(4 * 0.5 * math.log(2 * math.pi * math.e))


def test_optimal_critic_matches_the_true_mi_on_average():
    # E_p[log ratio] = I exactly, for gaussian and cubic data
    for cubic in (False, True):
        diag = [float(s.diagonal().mean()) for s in optimal_scores(3.0, 256, 20, cubic=cubic)]
        assert np.mean(diag) == pytest.approx(3.0, abs=0.1)


def test_nwj_with_its_optimal_critic_is_unbiased():
    values = [float(mi.nwj(s + 1.0)) for s in optimal_scores(2.0, 128, 200)]
    se = np.std(values) / math.sqrt(len(values))
    assert abs(np.mean(values) - 2.0) < 4 * se + 0.02


def test_infonce_with_the_optimal_critic_stays_below_log_batch_at_high_mi():
    values = [float(mi.infonce(s)) for s in optimal_scores(10.0, 64, 20)]
    assert max(values) <= math.log(64) + 1e-5
    assert np.mean(values) > math.log(64) - 0.2  # saturated at the ceiling


def test_smile_clipping_reduces_variance_at_high_mi():
    scores = list(optimal_scores(10.0, 64, 100, seed=3))
    std5 = np.std([float(mi.smile(s, tau=5.0)) for s in scores])
    std_inf = np.std([float(mi.smile(s, tau=None)) for s in scores])
    assert std5 < 0.7 * std_inf
    # tau = inf is exactly DV
    assert float(mi.smile(scores[0], tau=None)) == pytest.approx(float(mi.dv(scores[0])))


def test_surrogate_values_and_gradients():
    g = torch.Generator().manual_seed(0)
    base = torch.randn(16, 16, generator=g) + 2 * torch.eye(16)

    def grad(fn):
        s = base.clone().requires_grad_(True)
        out = fn(s)
        out.backward()
        return float(out.detach()), s.grad

    js_value, js_grad = grad(mi.js)
    _, fgan_grad = grad(mi.js_fgan)
    assert js_value == pytest.approx(float(mi.tuba(base)), abs=1e-5)
    assert torch.allclose(js_grad, fgan_grad)
    smile_value, smile_grad = grad(lambda s: mi.smile(s, tau=1.0))
    clipped = base.diagonal().mean() - mi.logmeanexp_offdiag(base.clamp(-1, 1))
    assert smile_value == pytest.approx(float(clipped), abs=1e-5)
    assert torch.allclose(smile_grad, fgan_grad)
    # InfoNCE, NWJ, DV: value and objective coincide (gradient = autograd of the formula)
    _, dv_grad = grad(mi.dv)
    ref = base.clone().requires_grad_(True)
    eye = torch.eye(16, dtype=torch.bool)
    (ref.diagonal().mean() - torch.log(ref[~eye].exp().mean())).backward()
    assert torch.allclose(dv_grad, ref.grad, atol=1e-6)


def test_mine_uses_its_moving_average_for_value_and_gradient():
    g = torch.Generator().manual_seed(0)
    first, second = torch.randn(8, 8, generator=g), torch.randn(8, 8, generator=g) + 1.0
    estimator = mi.MINE(momentum=0.9)
    # first call: the average is the batch mean, so MINE equals DV
    assert float(estimator(first)) == pytest.approx(float(mi.dv(first)), abs=1e-5)
    m1 = float(mi.logmeanexp_offdiag(first).exp())
    s = second.clone().requires_grad_(True)
    out = estimator(s)
    batch_mean = mi.logmeanexp_offdiag(second).exp()
    average = 0.9 * m1 + 0.1 * float(batch_mean)
    assert estimator.average == pytest.approx(average, rel=1e-6)
    expected = float(second.diagonal().mean()) - math.log(average)
    assert float(out.detach()) == pytest.approx(expected, rel=1e-5)
    out.backward()
    ref = second.clone().requires_grad_(True)
    (ref.diagonal().mean() - mi.logmeanexp_offdiag(ref).exp() / average).backward()
    assert torch.allclose(s.grad, ref.grad, atol=1e-6)
    estimator.reset()
    assert estimator.average is None
    with pytest.raises(ValueError, match="momentum"):
        mi.MINE(momentum=1.0)


def test_smile_rejects_bad_tau():
    with pytest.raises(ValueError, match="tau"):
        mi.smile(torch.zeros(4, 4), tau=0.0)


def test_critics_score_every_pair():
    torch.manual_seed(0)
    x, y = torch.randn(5, 3), torch.randn(5, 4)
    sep = SeparableCritic(d_x=3, d_y=4, hidden=16, embed=8)
    scores = sep(x, y)
    assert scores.shape == (5, 5)
    assert torch.allclose(scores[1, 3], sep.g(x[1]) @ sep.h(y[3]), atol=1e-6)
    cat = ConcatCritic(d_x=3, d_y=4, hidden=16)
    scores = cat(x, y)
    assert scores.shape == (5, 5)
    assert torch.allclose(scores[2, 0], cat.f(torch.cat([x[2], y[0]]))[0], atol=1e-6)
    with pytest.raises(ValueError, match=r"\(5, 4\)"):
        sep(x, torch.randn(5, 3))
    with pytest.raises(ValueError, match="unknown critic"):
        make_critic("bilinear", d_x=3, d_y=3)
    with pytest.raises(TypeError):
        SeparableCritic(3, 4)  # type: ignore[misc]
