"""Named settings of the synthetic generator ("regimes") and test-time conditions.

Each regime is a set of :class:`~mimml_edu.data.generator.SyntheticConfig` knobs chosen so
that one idea of MIMML has something to do (or, for the default, nothing), and keeps the
generator's exact oracle (:mod:`mimml_edu.data.oracle`): every regime is linear-Gaussian
given what the oracle is told.

- ``default``: the default corpus, exactly (the evidence is a per-turn level that every
  view of the turns can read; the ceiling, not the method, limits the models).
- ``dominant``: audio is easy (large per-entry signal); text and video carry a weak,
  slow-to-learn signal whose noise is independent of audio's (complementary evidence).
- ``redundant``: every modality sees the same severity with noise of its own (task
  information shared, nuisance unique), and each is hard on its own.
- ``unique``: the score is the sum of three independent parts and each modality sees only
  its own: what one modality tells about the label, no other can.
- ``local``: the signal sits in neighbouring pairs of turns (``+1`` then ``-1``): a
  convolution over three turns sees it, a mean over turns cancels it.
- ``order``: sessions of one window whose signal is which sign comes first (``+1`` pulses in
  the first half, ``-1`` in the second, far from the ends and from each other): a recurrent
  view over the whole window sees it, no neighbourhood of three turns does.
- ``order_large``: the same with 4000 sessions instead of 600 (more data to learn an
  order from).

A :class:`TestCondition` changes only the fresh test sessions (the models are trained on
the regime as generated): a modality missing in every session, or each modality missing
for a whole session with a probability. Missingness never depends on the person, so the
oracle stays exact under every condition (it reads the masks).

Public API: :data:`REGIMES`, :data:`MAP_REGIMES`, :data:`CONDITIONS`, :func:`get_regime`,
:func:`get_condition`, :class:`Regime` (``.config()``, ``.corpus(seed)``,
``.fresh(n, condition)``), :class:`TestCondition` (``.apply(sessions)``),
:func:`regime_fingerprint`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.generator import SyntheticConfig
from mimml_edu.data.oracle import oracle_posterior
from mimml_edu.data.synthetic import SyntheticCorpus, make_corpus
from mimml_edu.errors import ConfigError

#: Seed of the corpus a regime's models are trained and selected on.
TRAIN_SEED = 0
#: Seed of the fresh test sessions (new people, never used for training or selection).
FRESH_SEED = 1


@dataclass(frozen=True)
class TestCondition:
    """What is changed in the fresh test sessions.

    Attributes:
        name: short name.  summary: one line.
        p_missing: modality -> probability that the modality is missing for a whole test
            session (1 = missing in every session); modalities not named are left as they
            were generated.
    """

    name: str
    summary: str
    p_missing: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m, p in self.p_missing.items():
            if m not in MODALITIES:
                raise ConfigError(f"test condition {self.name!r}: unknown modality {m!r}")
            if not 0 <= p <= 1:
                raise ConfigError(
                    f"test condition {self.name!r}: p_missing[{m}]={p} not in [0, 1]"
                )

    def apply(self, sessions: Sequence[Session], *, seed: int = FRESH_SEED) -> list[Session]:
        """The sessions with this condition's missing modalities masked out.

        Session ``i``'s draws come from its own stream (``seed``, ``i``), so the same session
        loses the same modalities whatever the other sessions are. Sessions without any
        change are returned as they are (not copied).
        """
        if not self.p_missing:
            return list(sessions)
        out = []
        for i, s in enumerate(sessions):
            draws = np.random.default_rng([seed, i]).random(len(MODALITIES))
            gone = [
                m for m, u in zip(MODALITIES, draws, strict=True) if u < self.p_missing.get(m, 0)
            ]
            if not gone:
                out.append(s)
                continue
            masks = {m: np.zeros_like(v) if m in gone else v for m, v in s.masks.items()}
            out.append(replace(s, features=dict(s.features), masks=masks, meta=dict(s.meta)))
        return out


@dataclass(frozen=True)
class Regime:
    """A named generator setting.

    Attributes:
        name: short name.  summary: one line on what is special.
        knobs: :class:`~mimml_edu.data.generator.SyntheticConfig` fields (``make_corpus``
            keyword arguments; per-modality ones may be partial).
        n_sessions: sessions of the training corpus (split train/dev/test by participant).
        conditions: names of the test conditions (:data:`CONDITIONS`) it is scored under.
    """

    name: str
    summary: str
    knobs: Mapping[str, Any] = field(default_factory=dict)
    n_sessions: int = 189
    conditions: tuple[str, ...] = ("as generated",)

    def corpus(self, *, seed: int = TRAIN_SEED, n_sessions: int | None = None) -> SyntheticCorpus:
        """The corpus of this regime (deterministic by ``seed``)."""
        n = self.n_sessions if n_sessions is None else n_sessions
        return make_corpus(n, seed=seed, **{k: _copy(v) for k, v in self.knobs.items()})

    def config(self) -> SyntheticConfig:
        """The full generator config of this regime."""
        return self.corpus(n_sessions=1).config

    def fresh(
        self, n: int, condition: str = "as generated", *, seed: int = FRESH_SEED
    ) -> list[Session]:
        """``n`` fresh test sessions (seed ``seed``) under a test condition."""
        return get_condition(condition).apply(
            self.corpus(seed=seed, n_sessions=n).sessions, seed=seed
        )


def _copy(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


CONDITIONS: dict[str, TestCondition] = {
    c.name: c
    for c in (
        TestCondition("as generated", "the test sessions as the regime makes them"),
        TestCondition("audio missing", "audio missing in every test session", {"audio": 1.0}),
        TestCondition(
            "random missing",
            "each modality missing for a whole test session with probability 0.3",
            {m: 0.3 for m in MODALITIES},
        ),
    )
}

REGIMES: dict[str, Regime] = {
    r.name: r
    for r in (
        Regime(
            "default",
            "the default corpus: a per-turn level every view reads",
            conditions=("as generated", "random missing"),
        ),
        Regime(
            "dominant",
            "audio easy, text and video weak but complementary",
            {"amplitude_scale": {"audio": 1.5, "text": 0.2, "video": 0.2}, "shared": 0.0},
            conditions=("as generated", "audio missing"),
        ),
        Regime(
            "redundant",
            "one severity in every modality, each with its own noise, each weak",
            {"amplitude_scale": {m: 0.2 for m in MODALITIES}, "shared": 0.0},
            conditions=("as generated", "random missing"),
        ),
        Regime(
            "unique",
            "each modality sees its own part of the score",
            {"information": "unique", "shared": 0.0, "tau": 0.5},
            conditions=("as generated", "random missing"),
        ),
        Regime(
            "local",
            "signal in neighbouring pairs of turns (+ then -), mean over turns 0",
            {"pattern": "pairs", "signal_turn_share": 0.4, "amplitude": 1.0},
        ),
        Regime(
            "order",
            "one-window sessions, + pulses first and - pulses last, mean over turns 0",
            {"pattern": "order", "signal_turn_share": 0.375, "n_turns": (16, 16)},
            n_sessions=600,
        ),
        Regime(
            "order_large",
            "the order regime with 4000 sessions instead of 600",
            {"pattern": "order", "signal_turn_share": 0.375, "n_turns": (16, 16)},
            n_sessions=4000,
        ),
    )
}

#: The regimes of the component-effect map (``bench/regimes.py``); ``order_large`` is its
#: follow-up (the order regime with more training sessions).
MAP_REGIMES: tuple[str, ...] = ("default", "dominant", "redundant", "unique", "local", "order")


def get_regime(name: str) -> Regime:
    """The regime called ``name`` (:class:`ConfigError` naming the known ones otherwise)."""
    if name not in REGIMES:
        raise ConfigError(f"unknown regime {name!r}; known: {list(REGIMES)}", key="regime")
    return REGIMES[name]


def get_condition(name: str) -> TestCondition:
    """The test condition called ``name`` (:class:`ConfigError` otherwise)."""
    if name not in CONDITIONS:
        raise ConfigError(
            f"unknown test condition {name!r}; known: {list(CONDITIONS)}", key="condition"
        )
    return CONDITIONS[name]


def regime_fingerprint(regime: Regime | str, *, n_sessions: int = 24) -> str:
    """A short hash of what the generator makes for a regime today.

    It covers the full config, the first ``n_sessions`` sessions of the training seed
    (labels, features, masks, signal pattern) and the oracle's posterior on them, so any
    change to the regime's knobs or to the generator's or the oracle's code changes it.
    Results measured on a regime store it; comparing it with today's tells whether they
    still describe the current generator.
    """
    regime = get_regime(regime) if isinstance(regime, str) else regime
    corpus = regime.corpus(n_sessions=n_sessions)
    h = hashlib.sha256()
    config = {k: _plain(v) for k, v in asdict(corpus.config).items() if k != "n_sessions"}
    h.update(json.dumps({"regime": regime.name, "config": config, "conditions": regime.conditions},
                        sort_keys=True).encode())  # fmt: skip
    for c in regime.conditions:
        h.update(
            json.dumps({c: _plain(dict(get_condition(c).p_missing))}, sort_keys=True).encode()
        )
    for s in corpus.sessions:
        h.update(f"{s.session_id}|{s.label}|{s.phq_score}".encode())
        for m in MODALITIES:
            h.update(np.ascontiguousarray(s.features[m]).tobytes())
            h.update(s.masks[m].tobytes())
        h.update(np.asarray(s.meta["signal_pattern"], dtype=np.float64).tobytes())
    post = oracle_posterior(corpus.sessions, corpus.config)
    h.update(np.round(post.p_depressed, 4).tobytes())
    return h.hexdigest()[:16]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
