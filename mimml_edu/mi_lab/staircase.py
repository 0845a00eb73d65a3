"""Train an MI estimator on the correlated-Gaussian staircase and record its estimates.

The standard protocol (Poole et al. 2019; Song & Ermon 2020): d = 20, the true MI
steps through 2, 4, 6, 8, 10 nats, a fixed number of Adam steps per stage (lr 5e-4,
batch 64), one critic trained across all stages, a fresh batch every step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor, nn

from mimml_edu.mi_lab.gaussian import entropy_y, sample_correlated_gaussian
from mimml_edu.objectives import mi
from mimml_edu.objectives.critics import make_critic
from mimml_edu.objectives.mi_variational import CLUB, BarberAgakov

__all__ = [
    "ESTIMATOR_NAMES",
    "LOWER_BOUNDS",
    "StaircaseResult",
    "Trainable",
    "make_trainable",
    "score_estimator",
    "train_staircase",
]

#: the benchmark's estimator names; ``smile_<tau>`` accepts any positive τ.
ESTIMATOR_NAMES = (
    "infonce",
    "nwj",
    "dv",
    "mine",
    "js",
    "smile_1",
    "smile_5",
    "smile_inf",
    "ba",
    "club",
)
#: estimators whose value is a lower bound on I(X; Y) (for exact expectations; BA with
#: the true H(Y)).
LOWER_BOUNDS = ("infonce", "nwj", "dv", "mine", "js", "ba")


def score_estimator(name: str) -> Callable[[Tensor], Tensor]:
    """The score-matrix estimator called ``name`` (a fresh one: MINE keeps state).

    Returns:
        a callable (B, B) scores -> scalar tensor (see :mod:`mimml_edu.objectives.mi`).
    """
    simple = {"infonce": mi.infonce, "nwj": mi.nwj, "dv": mi.dv, "js": mi.js}
    if name in simple:
        return simple[name]
    if name == "mine":
        return mi.MINE()
    if name.startswith("smile_"):
        raw = name.removeprefix("smile_")
        try:
            tau = None if raw == "inf" else float(raw)
        except ValueError:
            raise ValueError(f"unknown estimator {name!r}: smile_<tau> needs a number") from None
        if tau is not None and not tau > 0:
            raise ValueError(f"unknown estimator {name!r}: tau must be positive")
        return lambda scores: mi.smile(scores, tau=tau)
    raise ValueError(f"unknown estimator {name!r}; choose from {', '.join(ESTIMATOR_NAMES)}")


@dataclass
class Trainable:
    """An estimator with its trainable parts.

    Attributes:
        name: estimator name.  module: the critic or the variational estimator.
        step_fn: (x, y) -> (loss to minimize, estimate in nats as a detached scalar).
    """

    name: str
    module: nn.Module
    step_fn: Callable[[Tensor, Tensor], tuple[Tensor, Tensor]]


def make_trainable(
    name: str,
    *,
    dim: int = 20,
    critic: str = "separable",
    hidden: int = 256,
    embed: int = 32,
    layers: int = 2,
    cubic: bool = False,
) -> Trainable:
    """Build estimator ``name`` for d-dimensional x and y.

    Score-based estimators get a critic (``"separable"`` or ``"concat"``); ``ba`` and
    ``club`` get a :class:`~mimml_edu.objectives.mi.GaussianConditional` q with
    ``hidden`` units (``critic`` does not apply); BA is given the true H(Y) of the
    benchmark data.
    """
    if name == "ba":
        est = BarberAgakov.gaussian(
            d_x=dim, d_y=dim, hidden=hidden, entropy_y=entropy_y(dim, cubic=cubic)
        )
        return Trainable(name, est, lambda x, y: _loss_and_estimate(est(x, y)))
    if name == "club":
        est = CLUB.gaussian(d_x=dim, d_y=dim, hidden=hidden)

        def club_step(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
            with torch.no_grad():
                value = est(x, y)
            return est.learning_loss(x, y), value

        return Trainable(name, est, club_step)
    estimator = score_estimator(name)
    net = make_critic(critic, d_x=dim, d_y=dim, hidden=hidden, embed=embed, layers=layers)
    return Trainable(name, net, lambda x, y: _loss_and_estimate(estimator(net(x, y))))


def _loss_and_estimate(value: Tensor) -> tuple[Tensor, Tensor]:
    return -value, value.detach()


@dataclass
class StaircaseResult:
    """Per-step estimates of one training run.

    Attributes:
        estimator, critic, data: what was run.  steps_per_stage: steps at each MI.
        true_mi: (n_steps,) the truth at each step.  estimates: (n_steps,) nats.
        seconds: wall time of the training loop.  stages: the MI of each stage.
        batch_size, dim: the protocol's batch size and dimension.
    """

    estimator: str
    critic: str
    data: str
    steps_per_stage: int
    true_mi: np.ndarray
    estimates: np.ndarray
    seconds: float
    stages: tuple[float, ...] = field(default=())
    batch_size: int = 64
    dim: int = 20

    @property
    def ms_per_step(self) -> float:
        """Mean wall time of one training step (sampling, forward, backward, update)."""
        return 1000.0 * self.seconds / max(len(self.estimates), 1)

    def stage_stats(self, window: int | None = None) -> list[dict[str, float]]:
        """Mean, std and median of the estimates over the last ``window`` steps of each
        stage (all steps if None)."""
        rows = []
        for k, truth in enumerate(self.stages):
            stage = self.estimates[k * self.steps_per_stage : (k + 1) * self.steps_per_stage]
            if window is not None:
                stage = stage[-window:]
            rows.append(
                {
                    "true_mi": float(truth),
                    "mean": float(np.mean(stage)),
                    "std": float(np.std(stage)),
                    "median": float(np.median(stage)),
                }
            )
        return rows


def train_staircase(
    name: str,
    *,
    mi_values: Sequence[float] = (2.0, 4.0, 6.0, 8.0, 10.0),
    steps_per_stage: int = 1000,
    batch_size: int = 64,
    lr: float = 5e-4,
    dim: int = 20,
    critic: str = "separable",
    data: str = "gaussian",
    hidden: int = 256,
    embed: int = 32,
    layers: int = 2,
    seed: int = 0,
    device: torch.device | str = "cpu",
    progress: bool = False,
) -> StaircaseResult:
    """Train estimator ``name`` through the MI staircase; one critic for all stages.

    Args:
        name: estimator name, one of :data:`ESTIMATOR_NAMES` or ``smile_<tau>``.
        mi_values: the true MI of each stage in nats (keyword-only, like the rest).
        steps_per_stage: Adam steps at each MI.
        batch_size: pairs per step.
        lr: Adam learning rate.
        dim: d.
        critic: "separable" or "concat".
        data: "gaussian" or "cubic".
        hidden: critic (or q) width.
        embed: separable critic's embedding size.
        layers: hidden layers per critic MLP.
        seed: seeds the network initialisation and the data.
        device: where to run.
        progress: show a tqdm progress bar.
    Returns:
        a :class:`StaircaseResult` with one estimate per step.
    Raises:
        FloatingPointError: the critic's scores or the estimate became inf/NaN (the
            estimator diverged); the message names the step and the true MI.
    """
    if data not in ("gaussian", "cubic"):
        raise ValueError(f"train_staircase: data must be 'gaussian' or 'cubic', got {data!r}")
    if steps_per_stage < 1 or not mi_values:
        raise ValueError("train_staircase: need steps_per_stage >= 1 and at least one MI value")
    torch.manual_seed(seed)
    trainable = make_trainable(
        name,
        dim=dim,
        critic=critic,
        hidden=hidden,
        embed=embed,
        layers=layers,
        cubic=data == "cubic",
    )
    trainable.module.to(device)
    generator = torch.Generator(device=device).manual_seed(seed + 1)
    optimizer = torch.optim.Adam(trainable.module.parameters(), lr=lr)
    n = steps_per_stage * len(mi_values)
    truth = np.repeat(np.asarray(mi_values, dtype=float), steps_per_stage)
    estimates = np.empty(n)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=name, leave=False)
    start = time.perf_counter()
    for step in range(n):
        x, y = sample_correlated_gaussian(
            batch_size=batch_size,
            dim=dim,
            mi=float(truth[step]),
            cubic=data == "cubic",
            generator=generator,
            device=device,
        )
        try:
            loss, estimate = trainable.step_fn(x, y)
        except ValueError as err:
            if "non-finite" not in str(err):
                raise
            raise FloatingPointError(
                f"{name}: diverged at step {step} (true MI {truth[step]:g} nats): {err}"
            ) from err
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        estimates[step] = float(estimate)
        if bar is not None:
            bar.update(1)
    seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    if not np.isfinite(estimates).all():
        first = int(np.flatnonzero(~np.isfinite(estimates))[0])
        raise FloatingPointError(
            f"{name}: diverged at step {first} (true MI {truth[first]:g} nats): "
            "the estimate became non-finite"
        )
    return StaircaseResult(
        estimator=name,
        critic=critic if name not in ("ba", "club") else "gaussian_q",
        data=data,
        steps_per_stage=steps_per_stage,
        true_mi=truth,
        estimates=estimates,
        seconds=seconds,
        stages=tuple(float(v) for v in mi_values),
        batch_size=batch_size,
        dim=dim,
    )
