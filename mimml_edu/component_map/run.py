"""Train and score the variants of one regime: the work behind ``bench/regimes.py``.

- :func:`prepare_regime`: the regime's training corpus (seed 0: train and dev splits), its
  fresh test sessions under each test condition (seed 1: new people), and the oracle's
  decisions there for every set of modalities a variant may see.
- :func:`run_job`: train one variant with one seed (:func:`~mimml_edu.train.fit`, early
  stopping on dev), score it on every condition's fresh sessions, read its gates and
  probe its unimodal representations.
- :func:`run_regime`: every (variant, seed) of a regime in this process, with a progress bar.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mimml_edu.component_map.diagnostics import forward_pass, probe_sessions
from mimml_edu.component_map.variants import Recipe, modalities_of, variant_config
from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.oracle import oracle_posterior
from mimml_edu.data.regimes import Regime, get_condition, get_regime
from mimml_edu.errors import ConfigError

#: Sets of modalities a variant can see (all three, or one).
VIEWS: tuple[tuple[str, ...], ...] = (MODALITIES, *((m,) for m in MODALITIES))
#: The test condition the diagnostics (probes, gates) are read under.
DIAGNOSTIC_CONDITION = "as generated"


@dataclass
class RegimeData:
    """Everything the variants of one regime are trained and scored on.

    Attributes:
        regime: the :class:`~mimml_edu.data.regimes.Regime`.
        train, dev: the training corpus's splits (the test split is not used).
        fresh: condition -> the fresh test sessions (the same people in every condition).
        labels: ``(n_fresh,)`` their labels.
        oracle: ``(condition, modalities)`` -> ``(n_fresh,)`` the oracle's decisions (0/1).
        oracle_prob: the same keys -> the oracle's P(depressed).
    """

    regime: Regime
    train: list[Session]
    dev: list[Session]
    fresh: dict[str, list[Session]]
    labels: np.ndarray
    oracle: dict[tuple[str, tuple[str, ...]], np.ndarray] = field(default_factory=dict)
    oracle_prob: dict[tuple[str, tuple[str, ...]], np.ndarray] = field(default_factory=dict)

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(self.fresh)


def prepare_regime(
    regime: Regime | str,
    *,
    n_fresh: int = 1000,
    conditions: Sequence[str] | None = None,
) -> RegimeData:
    """Build a regime's data and the oracle's decisions (see the module docstring).

    Args:
        regime: a regime or its name.  n_fresh: fresh test sessions per condition.
        conditions: the test conditions (default: the regime's own).
    """
    regime = get_regime(regime) if isinstance(regime, str) else regime
    if n_fresh < 20:
        raise ConfigError(f"n_fresh must be >= 20 to score anything, got {n_fresh}", key="n_fresh")
    conditions = tuple(regime.conditions if conditions is None else conditions)
    for c in conditions:
        get_condition(c)
    corpus = regime.corpus()
    people = regime.corpus(seed=1, n_sessions=n_fresh)
    fresh = {c: get_condition(c).apply(people.sessions) for c in conditions}
    data = RegimeData(
        regime=regime,
        train=corpus.split("train"),
        dev=corpus.split("dev"),
        fresh=fresh,
        labels=people.labels,
    )
    for c, sessions in fresh.items():
        for view in VIEWS:
            post = oracle_posterior(sessions, corpus.config, modalities=view)
            data.oracle[(c, view)] = post.predictions()
            data.oracle_prob[(c, view)] = post.p_depressed
    return data


@dataclass
class JobResult:
    """One trained variant and seed, scored.

    Attributes:
        regime, variant, seed: what was run.
        prob: condition -> ``(n_fresh,)`` session P(depressed) on the fresh sessions.
        probe: modality -> ``(n_fresh,)`` linear-probe P(depressed) from ``h_m`` under
            :data:`DIAGNOSTIC_CONDITION` (NaN where the session lacks the modality or the
            variant has no ``h_m``).
        gate: block -> mean gate under :data:`DIAGNOSTIC_CONDITION` (empty without gates).
        train_seconds, eval_seconds: wall time of training and of scoring.
        best_epoch: the epoch kept (best dev macro-F1).  stopped: why training ended.
    """

    regime: str
    variant: str
    seed: int
    prob: dict[str, np.ndarray]
    probe: dict[str, np.ndarray]
    gate: dict[str, float]
    train_seconds: float
    eval_seconds: float
    best_epoch: int
    stopped: str


def run_job(data: RegimeData, variant: str, seed: int, recipe: Recipe) -> JobResult:
    """Train ``variant`` with ``seed`` on ``data`` and score it (module docstring)."""
    from mimml_edu.train import fit

    config = variant_config(variant, input_dims=data.train[0].dims(), recipe=recipe, seed=seed)
    t0 = time.perf_counter()
    result = fit(config, data.train, data.dev, progress=False)
    t1 = time.perf_counter()
    k = config.train.k
    prob, probe, gate = {}, {}, {}
    for c, sessions in data.fresh.items():
        passed = forward_pass(result.model, sessions, k=k)
        prob[c] = passed.session_prob
        if c == DIAGNOSTIC_CONDITION:
            gate = passed.gate
            train_pass = forward_pass(result.model, data.train, k=k)
            labels = np.array([s.label for s in data.train])
            probe = {
                m: probe_sessions(train_pass, labels, passed, m, len(sessions))
                for m in MODALITIES
                if m in modalities_of(variant)
            }
    return JobResult(
        regime=data.regime.name,
        variant=variant,
        seed=seed,
        prob=prob,
        probe=probe,
        gate=gate,
        train_seconds=t1 - t0,
        eval_seconds=time.perf_counter() - t1,
        best_epoch=result.best_epoch,
        stopped=result.stopped,
    )


def run_regime(
    data: RegimeData,
    variants: Sequence[str],
    seeds: Sequence[int],
    recipe: Recipe | None = None,
    *,
    progress: bool = True,
) -> list[JobResult]:
    """Every (variant, seed) of one regime, one after the other in this process.

    Args:
        data: from :func:`prepare_regime`.  variants: names in
            :data:`~mimml_edu.component_map.variants.VARIANTS` (the full model is needed
            for the differences).  seeds: training seeds.  recipe: default :class:`Recipe`.
        progress: show a tqdm bar.
    Returns:
        one :class:`JobResult` per (variant, seed), variants in the order given.
    """
    from tqdm.auto import tqdm

    recipe = recipe or Recipe()
    jobs = [(v, s) for v in variants for s in seeds]
    out = []
    for variant, seed in tqdm(jobs, desc=f"{data.regime.name}", disable=not progress):
        out.append(run_job(data, variant, seed, recipe))
    return out
