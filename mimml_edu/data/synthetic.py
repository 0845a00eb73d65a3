"""The synthetic teaching corpus: sessions whose ground truth, and Bayes optimum, are known.

Public API:

- :func:`make_corpus` ``(n_sessions=189, *, seed=0, **knobs) -> SyntheticCorpus``.
- :class:`SyntheticCorpus` ``.sessions`` (list of :class:`~mimml_edu.data.batch.Session`,
  each with ``split`` set by participant), ``.signal_channels`` (modality -> bool ``(d_m,)``),
  ``.signal_turns`` (session id -> bool ``(n_turns,)``), ``.oracle`` (an
  :class:`~mimml_edu.data.oracle.OracleResult` for the whole corpus), ``.split(name)``,
  ``.oracle_balanced_accuracy(split=None)``.

The generative model and its knobs (:class:`~mimml_edu.data.generator.SyntheticConfig`)
are in :mod:`mimml_edu.data.generator`; the exact Bayes posterior in
:mod:`mimml_edu.data.oracle`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.channels import DIMS
from mimml_edu.data.generator import (
    PER_MODALITY_KNOBS,
    SyntheticConfig,
    generate_session,
    signal_weights,
)
from mimml_edu.data.oracle import OracleResult, oracle_posterior
from mimml_edu.data.splits import SPLITS, assign_splits
from mimml_edu.metrics import balanced_accuracy


@dataclass
class SyntheticCorpus:
    """A generated corpus with its ground truth.

    Attributes:
        sessions: the sessions, ``split`` set (by participant, stratified).
        config: the :class:`SyntheticConfig` that made them.
        seed: the seed.
        signal_channels: modality -> bool ``(d_m,)``, True where a channel carries signal.
        signal_turns: session id -> bool ``(n_turns,)``, True for turns with signal.
        oracle: :class:`~mimml_edu.data.oracle.OracleResult` of all sessions (all modalities).
    """

    sessions: list[Session]
    config: SyntheticConfig
    seed: int
    signal_channels: dict[str, np.ndarray]
    signal_turns: dict[str, np.ndarray]
    oracle: OracleResult

    def split(self, name: str) -> list[Session]:
        """The sessions of one split (``"train"``, ``"dev"`` or ``"test"``)."""
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}; expected one of {SPLITS}")
        return [s for s in self.sessions if s.split == name]

    def oracle_balanced_accuracy(self, split: str | None = None) -> float:
        """Session-level balanced accuracy of the Bayes rule on a split (None = all)."""
        keep = [i for i, s in enumerate(self.sessions) if split is None or s.split == split]
        if split is not None and split not in SPLITS:
            raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
        labels = [self.sessions[i].label for i in keep]
        return balanced_accuracy(labels, self.oracle.predictions()[keep])

    @property
    def labels(self) -> np.ndarray:
        """``(n,)`` binary labels."""
        return np.array([s.label for s in self.sessions], dtype=int)


def make_corpus(n_sessions: int = 189, *, seed: int = 0, **knobs) -> SyntheticCorpus:
    """Generate the synthetic teaching corpus (deterministic by ``seed``).

    Args:
        n_sessions: number of sessions (189 like DAIC-WOZ).
        seed: random seed. Session ``i`` depends only on ``seed`` and ``i``, and draws the
            same random numbers whatever the knobs, so changing a knob changes only what
            that knob controls.
        **knobs: any field of :class:`SyntheticConfig` (``strength``, ``shared``,
            ``prevalence``, ``confound``, ...). ``strength``, ``p_missing_session`` and
            ``p_missing_turn`` may give only some modalities; the rest keep the defaults.
    Returns:
        :class:`SyntheticCorpus`.
    """
    base = SyntheticConfig()
    for name in PER_MODALITY_KNOBS:
        if name in knobs:
            unknown = set(knobs[name]) - set(MODALITIES)
            if unknown:
                raise ValueError(f"{name}: unknown modalities {sorted(unknown)}")
            knobs[name] = {**getattr(base, name), **knobs[name]}
    unknown = set(knobs) - set(SyntheticConfig.__dataclass_fields__)
    if unknown:
        raise TypeError(f"unknown knobs {sorted(unknown)}; see SyntheticConfig")
    config = replace(base, n_sessions=n_sessions, **knobs)
    children = np.random.SeedSequence(seed).spawn(n_sessions)
    sessions = [
        generate_session(i, np.random.default_rng(ch), config) for i, ch in enumerate(children)
    ]
    assign_splits(sessions, fractions=config.split_fractions, seed=seed)
    signal_channels = {}
    for m in MODALITIES:
        flags = np.zeros(DIMS[m], dtype=bool)
        flags[signal_weights(m)[0]] = True
        signal_channels[m] = flags
    return SyntheticCorpus(
        sessions=sessions,
        config=config,
        seed=seed,
        signal_channels=signal_channels,
        signal_turns={s.session_id: s.meta["signal_turns"] for s in sessions},
        oracle=oracle_posterior(sessions, config),
    )
