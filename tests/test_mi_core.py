"""InfoNCE and the Gaussian conditional model (the parts the MIMML objective reuses)."""

from __future__ import annotations

import math

import pytest
import torch

from mimml_edu.objectives.mi import GaussianConditional, gaussian_log_prob, infonce

pytestmark = pytest.mark.usefixtures("one_thread")


def test_infonce_equals_cross_entropy_form():
    g = torch.Generator().manual_seed(0)
    scores = torch.randn(16, 16, generator=g) * 3
    expected = math.log(16) - torch.nn.functional.cross_entropy(scores, torch.arange(16))
    assert torch.allclose(infonce(scores), expected, atol=1e-6)


@pytest.mark.parametrize("batch", [2, 8, 64])
def test_infonce_never_exceeds_log_batch(batch):
    g = torch.Generator().manual_seed(batch)
    for scale in (0.1, 10.0, 1e3):
        scores = torch.randn(batch, batch, generator=g) * scale
        scores = scores + torch.eye(batch) * scale * 5  # strongly separated positives
        assert float(infonce(scores)) <= math.log(batch) + 1e-5
    # a perfect critic reaches the ceiling
    assert float(infonce(torch.eye(batch) * 1e4)) == pytest.approx(math.log(batch), abs=1e-5)


def test_infonce_gradient_flows_and_is_finite():
    scores = torch.randn(8, 8, requires_grad=True)
    infonce(scores).backward()
    assert torch.isfinite(scores.grad).all() and scores.grad.abs().sum() > 0


@pytest.mark.parametrize(
    "bad, match",
    [(torch.zeros(3, 4), "square"), (torch.zeros(1, 1), "at least 2"), (torch.zeros(5), "square")],
)
def test_infonce_rejects_bad_shapes(bad, match):
    with pytest.raises(ValueError, match=match):
        infonce(bad)


def test_infonce_rejects_nan_and_names_the_entry():
    scores = torch.zeros(4, 4)
    scores[2, 1] = float("nan")
    with pytest.raises(ValueError, match=r"\[2, 1\]"):
        infonce(scores)


def test_gaussian_conditional_is_keyword_only():
    with pytest.raises(TypeError):
        GaussianConditional(3, 2, 8)  # type: ignore[misc]
    with pytest.raises(ValueError, match="logvar_min < logvar_max"):
        GaussianConditional(d_x=3, d_y=2, hidden=8, logvar_min=1.0, logvar_max=0.0)
    with pytest.raises(ValueError, match="hidden"):
        GaussianConditional(d_x=3, d_y=2, hidden=0)


def test_log_prob_is_the_full_gaussian_log_likelihood():
    torch.manual_seed(0)
    q = GaussianConditional(d_x=5, d_y=3, hidden=16)
    x, y = torch.randn(10, 5), torch.randn(10, 3)
    mean, logvar = q(x)
    reference = torch.distributions.Normal(mean, torch.exp(0.5 * logvar)).log_prob(y).sum(-1)
    got = q.log_prob(x, y)
    assert got.shape == (10,)
    assert torch.allclose(got, reference, atol=1e-5)
    # the matrix form: entry [i, j] = log q(y_j | x_i), diagonal = paired samples
    matrix = q.log_prob_matrix(x, y)
    assert matrix.shape == (10, 10)
    assert torch.allclose(matrix.diagonal(), got, atol=1e-5)
    j_ref = torch.distributions.Normal(mean[2], torch.exp(0.5 * logvar[2])).log_prob(y[7]).sum()
    assert torch.allclose(matrix[2, 7], j_ref, atol=1e-5)


def test_logvar_is_bounded_even_for_extreme_inputs():
    torch.manual_seed(0)
    q = GaussianConditional(d_x=4, d_y=2, hidden=8, logvar_min=-3.0, logvar_max=2.0)
    with torch.no_grad():
        _, logvar = q(torch.randn(50, 4) * 1e6)
    assert float(logvar.min()) >= -3.0 and float(logvar.max()) <= 2.0
    assert torch.isfinite(q.log_prob(torch.randn(50, 4) * 1e3, torch.randn(50, 2))).all()


def test_gaussian_conditional_rejects_wrong_shapes():
    q = GaussianConditional(d_x=4, d_y=2, hidden=8)
    with pytest.raises(ValueError, match=r"\(B, 4\)"):
        q(torch.randn(3, 5))
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        q.log_prob(torch.randn(3, 4), torch.randn(3, 3))


def test_fitting_recovers_the_true_conditional_variance():
    # y = rho*x + sqrt(1-rho^2)*eps: the maximum-likelihood logvar is log(1 - rho^2)
    torch.manual_seed(0)
    rho = 0.8
    q = GaussianConditional(d_x=1, d_y=1, hidden=16)
    opt = torch.optim.Adam(q.parameters(), lr=1e-2)
    for _ in range(300):
        x = torch.randn(256, 1)
        y = rho * x + math.sqrt(1 - rho**2) * torch.randn(256, 1)
        loss = -q.log_prob(x, y).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        _, logvar = q(torch.zeros(1, 1))
    assert float(logvar) == pytest.approx(math.log(1 - rho**2), abs=0.15)
    # and the fitted log-likelihood approaches the true conditional entropy
    true_nll = 0.5 * (math.log(2 * math.pi * (1 - rho**2)) + 1)
    assert loss.item() == pytest.approx(true_nll, abs=0.1)


def test_gaussian_log_prob_broadcasts():
    y = torch.zeros(2, 1, 3)
    mean = torch.zeros(1, 4, 3)
    logvar = torch.zeros(1, 4, 3)
    out = gaussian_log_prob(y, mean, logvar)
    assert out.shape == (2, 4)
    assert torch.allclose(out, torch.full((2, 4), -1.5 * math.log(2 * math.pi)))
