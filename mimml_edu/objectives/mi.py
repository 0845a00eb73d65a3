"""Mutual-information estimators on a critic's score matrix, and a Gaussian conditional model.

One signature style for every score-based estimator::

    estimate = estimator(scores)     # scores: (B, B), scalar tensor out

``scores[i, j]`` is the critic's value for the pair ``(x_i, y_j)``: the diagonal holds
the B positive pairs drawn from p(x, y), the off-diagonal entries stand in for samples
of p(x)p(y). The returned scalar is built so that

* its **value** is the MI estimate in nats that the method reports, and
* its **gradient** is the gradient of the method's training objective (maximize it).

For InfoNCE, NWJ and DV the two coincide. For MINE, JS and SMILE they do not: the value
is the estimate, the gradient is that of a different, better-behaved surrogate (this is
how the reference implementations of Poole et al. 2019 and Song & Ermon 2020 work). So
one line serves both training and reporting::

    loss = -estimator(critic(x, y)); loss.backward()   # train
    float(estimator(critic(x, y)))                      # report

Estimators that need a conditional model q(y|x) (Barber–Agakov, CLUB) live in
:mod:`mimml_edu.objectives.mi_variational`; their Gaussian model
:class:`~mimml_edu.model.conditional.GaussianConditional` is part of the network (MIMML
holds its Barber–Agakov heads) and lives in :mod:`mimml_edu.model.conditional`; it is
imported here so that ``objectives.mi`` offers the whole family.

References: Oord et al. 2018 (InfoNCE/CPC); Nguyen, Wainwright & Jordan 2010 (NWJ);
Donsker & Varadhan 1983 (DV); Belghazi et al. 2018 (MINE); Nowozin et al. 2016 and
Poole et al. 2019 (JS-based training); Song & Ermon 2020 (SMILE).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from mimml_edu.model.conditional import GaussianConditional, gaussian_log_prob

__all__ = [
    "MINE",
    "GaussianConditional",
    "dv",
    "gaussian_log_prob",
    "infonce",
    "js",
    "js_fgan",
    "logmeanexp_offdiag",
    "nwj",
    "smile",
    "tuba",
]


def _check_scores(scores: Tensor, name: str) -> int:
    """Validate a (B, B) score matrix and return B."""
    if not isinstance(scores, Tensor):
        raise TypeError(f"{name}: scores must be a torch.Tensor, got {type(scores).__name__}")
    if scores.dim() != 2 or scores.shape[0] != scores.shape[1]:
        raise ValueError(
            f"{name}: scores must be a square (B, B) matrix, got {tuple(scores.shape)}"
        )
    if scores.shape[0] < 2:
        raise ValueError(f"{name}: needs a batch of at least 2 pairs, got B={scores.shape[0]}")
    if not torch.isfinite(scores).all():
        bad = (~torch.isfinite(scores)).nonzero()[0].tolist()
        raise ValueError(f"{name}: scores hold a non-finite value (first at [i, j] = {bad})")
    return int(scores.shape[0])


def logmeanexp_offdiag(scores: Tensor) -> Tensor:
    """log of the mean of exp(scores) over the B·(B−1) off-diagonal entries.

    Args:
        scores: (B, B) score matrix.
    Returns:
        scalar tensor.
    """
    b = _check_scores(scores, "logmeanexp_offdiag")
    eye = torch.eye(b, dtype=torch.bool, device=scores.device)
    off = scores.masked_fill(eye, float("-inf"))
    return torch.logsumexp(off.reshape(-1), dim=0) - math.log(b * (b - 1))


def infonce(scores: Tensor) -> Tensor:
    """InfoNCE / CPC lower bound: mean_i [s_ii − log mean_j exp(s_ij)].

    A **lower bound** on I(X; Y) that can never exceed log B (each row is a B-way
    classification of the positive among B candidates). Low variance, but badly biased
    once the true MI approaches or passes log B: a batch of 64 cannot certify more than
    log 64 ≈ 4.16 nats. The optimal critic is log p(y|x)/p(y) plus any function of x.

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor, the estimate in nats (value and training objective coincide).
    """
    b = _check_scores(scores, "infonce")
    return (scores.diagonal() - torch.logsumexp(scores, dim=1)).mean() + math.log(b)


def tuba(scores: Tensor) -> Tensor:
    """TUBA lower bound with a constant baseline: 1 + E_p[f] − E_{p(x)p(y)}[e^f].

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor. Optimal critic: f = log p(x, y)/(p(x)p(y)).
    """
    _check_scores(scores, "tuba")
    return 1.0 + scores.diagonal().mean() - logmeanexp_offdiag(scores).exp()


def nwj(scores: Tensor) -> Tensor:
    """NWJ (f-divergence, "MINE-f") lower bound: E_p[f] − e^{−1}·E_{p(x)p(y)}[e^f].

    A **lower bound**, unbiased for a fixed critic, but its variance grows roughly like
    e^I because the second term averages exponentials of the critic: at 8–10 nats the
    estimate is dominated by a few off-diagonal pairs. The optimal critic is
    1 + log p(x, y)/(p(x)p(y)).

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor, the estimate in nats (value and training objective coincide).
    """
    return tuba(scores - 1.0)


def dv(scores: Tensor) -> Tensor:
    """Donsker–Varadhan lower bound: E_p[f] − log E_{p(x)p(y)}[e^f].

    A **lower bound** for the exact expectations; with a minibatch the log of a sample
    mean is biased (Jensen), so the batch estimate is neither a strict bound nor
    unbiased. Variance grows roughly like e^I. Optimal critic: the log density ratio
    plus any constant.

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor, the estimate in nats (value and training objective coincide).
    """
    _check_scores(scores, "dv")
    return scores.diagonal().mean() - logmeanexp_offdiag(scores)


def js_fgan(scores: Tensor) -> Tensor:
    """f-GAN lower bound on the Jensen–Shannon divergence (not an MI estimate).

    ``E_p[−softplus(−f)] − E_{p(x)p(y)}[softplus(f)]``: a bounded, low-variance
    objective whose optimal critic is the log density ratio log p(x, y)/(p(x)p(y)).

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor (a JS-divergence bound, up to constants, in nats).
    """
    b = _check_scores(scores, "js_fgan")
    eye = torch.eye(b, dtype=torch.bool, device=scores.device)
    positive = -nn.functional.softplus(-scores.diagonal()).mean()
    negative = nn.functional.softplus(scores[~eye]).mean()
    return positive - negative


def _value_with_gradient_of(value: Tensor, objective: Tensor) -> Tensor:
    """A scalar whose value is ``value`` and whose gradient is that of ``objective``."""
    return objective + (value - objective).detach()


def js(scores: Tensor) -> Tensor:
    """JS-based estimator: train with the f-GAN JS objective, report the NWJ/TUBA estimate.

    The critic learns the log density ratio through the bounded, low-variance JS
    objective (:func:`js_fgan`); the MI is then read off with TUBA on the same critic
    (:func:`tuba`, i.e. NWJ evaluated at f + 1, whose optimal critic is the same log
    ratio). The reported value is a **lower bound** (for exact expectations) with NWJ's
    variance; training is stable.

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
    Returns:
        scalar tensor: value = TUBA estimate in nats, gradient = that of :func:`js_fgan`.
    """
    return _value_with_gradient_of(tuba(scores), js_fgan(scores))


def smile(scores: Tensor, tau: float | None = 5.0) -> Tensor:
    """SMILE(τ): DV estimate with the partition term computed on scores clipped to [−τ, τ].

    Clipping bounds the variance of the partition term (roughly by e^{2τ}/B) at the cost
    of a bias: with small τ the estimate saturates below the truth; with ``tau=None``
    (τ = ∞) it is plain DV with its e^I variance. **Neither** a lower nor an upper bound
    for finite τ. Trained, as in Song & Ermon (2020), with the JS objective.

    Args:
        scores: (B, B) critic scores, diagonal = positive pairs.
        tau: clip value (> 0), or None for no clipping.
    Returns:
        scalar tensor: value = clipped-DV estimate in nats, gradient = that of
        :func:`js_fgan`.
    """
    _check_scores(scores, "smile")
    if tau is not None and not tau > 0:
        raise ValueError(f"smile: tau must be positive or None, got {tau}")
    clipped = scores if tau is None else scores.clamp(-tau, tau)
    estimate = scores.diagonal().mean() - logmeanexp_offdiag(clipped)
    return _value_with_gradient_of(estimate, js_fgan(scores))


class MINE:
    """MINE: the DV bound with a moving-average correction of its biased gradient.

    The minibatch gradient of log E[e^f] is biased because the expectation sits inside
    a log. MINE replaces the denominator of that gradient, the batch mean of e^f, with an
    exponential moving average ``m`` over batches; the reported estimate uses the same
    average: ``E_p[f] − log m``. Stateful: one instance per critic being trained. Like
    DV, a **lower bound** only for exact expectations; variance grows roughly like e^I.

    Args:
        momentum (keyword-only): weight of the old average, in [0, 1). 0.9 is a short memory.
    """

    def __init__(self, *, momentum: float = 0.9) -> None:
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"MINE: momentum must be in [0, 1), got {momentum}")
        self.momentum = momentum
        self.average: float | None = None

    def reset(self) -> None:
        """Forget the moving average (start of a new training run)."""
        self.average = None

    def __call__(self, scores: Tensor) -> Tensor:
        """Update the moving average and return the estimate.

        Args:
            scores: (B, B) critic scores, diagonal = positive pairs.
        Returns:
            scalar tensor: value = E_p[f] − log m (nats), gradient =
            ∇E_p[f] − ∇(batch mean of e^f)/m.
        """
        _check_scores(scores, "MINE")
        batch_mean = logmeanexp_offdiag(scores).exp()
        current = float(batch_mean.detach())
        if self.average is None:
            self.average = current
        else:
            self.average = self.momentum * self.average + (1.0 - self.momentum) * current
        self.average = max(self.average, 1e-8)
        estimate = scores.diagonal().mean() - math.log(self.average)
        correction = batch_mean / self.average
        return estimate - correction + correction.detach()
