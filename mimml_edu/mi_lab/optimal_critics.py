"""Estimators evaluated with the *optimal* critic: the estimator's own bias and variance.

Training a critic mixes two errors: the critic is not yet optimal, and the estimator
is biased or noisy even with the perfect critic. On the correlated-Gaussian benchmark
the perfect critic is known (:func:`~mimml_edu.mi_lab.gaussian.true_log_ratio`), so
the second error can be measured alone, in milliseconds and with no training.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from mimml_edu.mi_lab.gaussian import (
    TrueGaussianConditional,
    entropy_y,
    sample_correlated_gaussian,
    true_log_ratio,
)
from mimml_edu.mi_lab.staircase import score_estimator
from mimml_edu.objectives import mi
from mimml_edu.objectives.mi_variational import CLUB, BarberAgakov

__all__ = ["optimal_critic_estimates"]


def optimal_critic_estimates(
    names: Sequence[str],
    *,
    mi_values: Sequence[float],
    batch_size: int = 64,
    draws: int = 50,
    dim: int = 20,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Each estimator's value on fresh batches, with the optimal critic (or true q).

    Every estimator sees the same batches. Score estimators get the log density ratio
    (NWJ gets 1 + log ratio, its own optimum); MINE runs its moving average over the
    successive draws; ``ba`` uses the true p(y|x) and the true H(Y); ``club`` the true
    p(y|x).

    Args:
        names: estimator names (see :data:`~mimml_edu.mi_lab.staircase.ESTIMATOR_NAMES`).
        mi_values: true MI values in nats (keyword-only, like the rest).
        batch_size: B.
        draws: batches per MI value.
        dim: d.
        seed: seeds the batches.
    Returns:
        name -> (len(mi_values), draws) array of estimates in nats.
    """
    if draws < 1:
        raise ValueError(f"optimal_critic_estimates: draws must be >= 1, got {draws}")
    out = {name: np.empty((len(mi_values), draws)) for name in names}
    generator = torch.Generator().manual_seed(seed)
    for k, value in enumerate(mi_values):
        fns = {n: score_estimator(n) for n in names if n not in ("ba", "club")}
        truth = TrueGaussianConditional(dim=dim, mi=value)
        ba = BarberAgakov(conditional=truth, entropy_y=entropy_y(dim))
        club = CLUB(conditional=truth)
        for t in range(draws):
            x, y = sample_correlated_gaussian(
                batch_size=batch_size, dim=dim, mi=value, generator=generator
            )
            with torch.no_grad():
                scores = true_log_ratio(x, y, mi=value)
                for name in names:
                    if name == "ba":
                        v = ba(x, y)
                    elif name == "club":
                        v = club(x, y)
                    elif name == "nwj":
                        v = mi.nwj(scores + 1.0)
                    else:
                        v = fns[name](scores)
                    out[name][k, t] = float(v)
    return out
