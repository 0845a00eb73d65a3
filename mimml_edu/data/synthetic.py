"""The synthetic teaching corpus: sessions whose ground truth, and Bayes optimum, are known.

Public API:

- :func:`make_corpus` ``(n_sessions=189, *, seed=0, **knobs) -> SyntheticCorpus``.
- :class:`SyntheticConfig` every knob (strength per modality, shared share, imbalance,
  missing modalities, confound, ...), stored on the corpus.
- :class:`SyntheticCorpus` ``.sessions`` (list of :class:`~mimml_edu.data.batch.Session`,
  each with ``split`` set by participant), ``.signal_channels`` (modality -> bool ``(d_m,)``),
  ``.signal_turns`` (session id -> bool ``(n_turns,)``), ``.oracle`` (an
  :class:`~mimml_edu.data.oracle.OracleResult` for the whole corpus), ``.split(name)``,
  ``.oracle_balanced_accuracy(split=None)``.
- :func:`signal_weights`, :func:`confound_channel`, :func:`severity`: the generator's
  ground truth.

The oracle itself (the exact Bayes posterior, each modality's evidence and
informativeness, balanced accuracy) is in :mod:`mimml_edu.data.oracle`.

The generative model (all per session; ``m`` is a modality):

1. PHQ-8 score ``q`` from a prior: with probability ``prevalence`` a depressed score
   (10-24, decaying), else a non-depressed one (0-9, binomial). Label ``y = q >= 10``.
   Severity ``c = (q - 9.5) / 4.5``.
2. A **shared** deviation ``u = tau * N(0, 1)`` (the same draw for all modalities) and a
   **specific** deviation ``r_m = tau * N(0, 1)`` per modality (independent draws).
   Modality ``m`` carries ``L_m = strength_m * (c + sqrt(shared) * u + sqrt(1 - shared) * r_m)``:
   every modality sees the severity through noise of the same size, and ``shared`` says how
   much of that noise the modalities have in common (1: they are redundant copies, fusion
   gains nothing; 0: independent views, fusion gains most).
3. Features ``(n_turns, d_m)``: standard normal noise, plus a per-session *identity* offset
   per channel (``identity * N(0, 1)``, the same in every turn: who the person is), plus
   ``amplitude * w_c * L_m`` in the signal channels ``c`` (fixed per corpus, signs
   ``w_c = +-1``) of the signal turns (the answers to mood questions; ``turn_text`` says
   which question each turn answers).
4. Optional confound: ``confound * (2y - 1)`` added to one channel of one modality in every
   turn: a feature that leaks the label (for the leakage chapter).
5. Missing data: a modality is missing for a whole session with probability
   ``p_missing_session[m]``, and for a single turn with probability ``p_missing_turn[m]``.

Given which turns answer mood questions, every observed quantity is linear-Gaussian given
``q``, so the posterior is exact: per modality the signal turns minus the regression on the
other turns (which removes the identity offset) gives one Gaussian statistic; the three
statistics are correlated through ``u``; summing over the 25 possible scores gives
P(y = 1 | x). The oracle is *told* which turns answer mood questions; a model is not (it
must find the signal turns from the features alone), so the oracle is a ceiling a model can
approach but need not reach. The defaults (signal in half of the turns, small identity
offsets, ``tau`` 1.2: oracle balanced accuracy about 0.83 on fresh sessions) make that
ceiling reachable from 107 training sessions; ``bench/train.py`` measures how close MIMML
gets. Features are standardised units (not raw COVAREP/CLNF scales); names and
widths are the real ones (see :mod:`mimml_edu.data.channels`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from mimml_edu.data.batch import MODALITIES, PHQ8_THRESHOLD, Session
from mimml_edu.data.channels import CHANNELS, DIMS, channel_names
from mimml_edu.data.splits import DAICWOZ_FRACTIONS, SPLITS, assign_splits

if TYPE_CHECKING:
    from mimml_edu.data.oracle import OracleResult

#: Signal channels of audio and video with their sign (+1: higher when depressed).
#: Illustrative directions loosely after the literature; not a clinical claim.
AUDIO_SIGNAL: dict[str, int] = {
    "F0": -1, "NAQ": -1, "QOQ": 1, "H1H2": 1, "PSP": 1, "peakSlope": -1,
    "MCEP_0": -1, "HMPDM_1": 1,
}  # fmt: skip
VIDEO_SIGNAL: dict[str, int] = {
    "AU12_r": -1, "AU06_r": -1, "AU04_r": 1, "AU15_r": 1, "Rx": 1, "y_0": 1,
}  # fmt: skip
#: Number of text embedding dimensions that carry signal (chosen by a fixed seed).
N_TEXT_SIGNAL = 12

MOOD_PROMPTS: tuple[str, ...] = (
    "how have you been feeling lately?",
    "have you been diagnosed with depression?",
    "how easy is it for you to get a good night's sleep?",
    "when was the last time you felt really happy?",
    "what are you most proud of in your life?",
    "how do you cope with stress?",
)
NEUTRAL_PROMPTS: tuple[str, ...] = (
    "where are you from originally?",
    "what do you do for a living?",
    "what do you enjoy about travelling?",
    "tell me about your hobbies.",
    "what is your dream job?",
    "how would your best friend describe you?",
    "do you like living in la?",
)


def _default_strength() -> dict[str, float]:
    return {"text": 1.0, "audio": 1.0, "video": 1.0}


@dataclass(frozen=True)
class SyntheticConfig:
    """Every knob of the generator (see the module docstring for the model).

    Args:
        n_sessions: number of sessions (one per participant).
        n_turns: (min, max) participant turns per session, inclusive, drawn uniformly.
        prevalence: share of depressed sessions (DAIC-WOZ: about 0.30).
        strength: modality -> signal strength (0 = no signal in that modality).
        shared: share of each modality's signal variance that comes from the shared latent
            (1 = all modalities see the same latent; 0 = each its own).
        tau: spread of the latents around the severity (sets how hard the task is).
        amplitude: size of the signal in one feature entry per unit of latent.
        identity: spread of the per-session, per-channel offsets (who the person is).
        signal_turn_share: share of turns that answer mood questions (carry the signal).
        p_missing_session: modality -> probability it is missing for a whole session.
        p_missing_turn: modality -> probability it is missing for one turn.
        confound: size of the label-leaking feature (0 = none).
        confound_modality: modality holding the confound channel.
        split_fractions: train/dev/test shares (stratified by label, by participant).
    """

    n_sessions: int = 189
    n_turns: tuple[int, int] = (45, 75)
    prevalence: float = 0.3
    strength: Mapping[str, float] = field(default_factory=_default_strength)
    shared: float = 0.5
    tau: float = 1.2
    amplitude: float = 2.0
    identity: float = 0.1
    signal_turn_share: float = 0.5
    p_missing_session: Mapping[str, float] = field(
        default_factory=lambda: {"text": 0.0, "audio": 0.02, "video": 0.05}
    )
    p_missing_turn: Mapping[str, float] = field(
        default_factory=lambda: {"text": 0.0, "audio": 0.02, "video": 0.05}
    )
    confound: float = 0.0
    confound_modality: str = "text"
    split_fractions: tuple[float, float, float] = DAICWOZ_FRACTIONS

    def __post_init__(self) -> None:
        lo, hi = self.n_turns
        if not 1 <= lo <= hi:
            raise ValueError(
                f"n_turns must be (min, max) with 1 <= min <= max, got {self.n_turns}"
            )
        if self.n_sessions < 1:
            raise ValueError(f"n_sessions must be >= 1, got {self.n_sessions}")
        if not 0 < self.prevalence < 1:
            raise ValueError(f"prevalence must be in (0, 1), got {self.prevalence}")
        if not 0 <= self.shared <= 1:
            raise ValueError(f"shared must be in [0, 1], got {self.shared}")
        if not 0 < self.signal_turn_share <= 1:
            raise ValueError(f"signal_turn_share must be in (0, 1], got {self.signal_turn_share}")
        if self.tau <= 0 or self.identity < 0 or self.amplitude < 0:
            raise ValueError("tau must be > 0, identity and amplitude >= 0")
        if self.confound_modality not in MODALITIES:
            raise ValueError(f"confound_modality must be one of {MODALITIES}")
        for name in ("strength", "p_missing_session", "p_missing_turn"):
            value = getattr(self, name)
            if set(value) != set(MODALITIES):
                raise ValueError(f"{name} needs a value for each of {MODALITIES}, got {value}")
            if name != "strength" and not all(0 <= v < 1 for v in value.values()):
                raise ValueError(f"{name} values must be in [0, 1), got {value}")


def signal_weights(modality: str) -> tuple[np.ndarray, np.ndarray]:
    """The signal channels of a modality and their signs.

    Returns:
        (channel indices, signs +-1), both 1-D of the same length.
    """
    names = CHANNELS[modality]
    if modality == "audio":
        table = AUDIO_SIGNAL
    elif modality == "video":
        table = VIDEO_SIGNAL
    else:
        rng = np.random.default_rng(20250)
        idx = np.sort(rng.choice(DIMS["text"] - 1, size=N_TEXT_SIGNAL, replace=False))
        return idx, np.where(rng.random(N_TEXT_SIGNAL) < 0.5, -1.0, 1.0)
    return np.array([names.index(n) for n in table]), np.array(list(table.values()), float)


def confound_channel(modality: str) -> int:
    """Index of the confound channel: the last channel (never a signal channel)."""
    return DIMS[modality] - 1


def _score_prior(prevalence: float) -> tuple[np.ndarray, np.ndarray]:
    """P(q | y=0) over 0..9 and P(q | y=1) over 10..24, as length-25 arrays."""
    scores = np.arange(25)
    p0 = np.array([math.comb(9, s) * 0.4**s * 0.6 ** (9 - s) if s < 10 else 0.0 for s in scores])
    p1 = np.where(scores >= PHQ8_THRESHOLD, np.exp(-(scores - PHQ8_THRESHOLD) / 5.0), 0.0)
    return p0 / p0.sum(), p1 / p1.sum()


def severity(score: np.ndarray | float) -> np.ndarray:
    """``c = (q - 9.5) / 4.5``: the latent mean for a PHQ-8 score."""
    return (np.asarray(score, dtype=float) - 9.5) / 4.5


def _make_session(index: int, rng: np.random.Generator, cfg: SyntheticConfig) -> Session:
    p0, p1 = _score_prior(cfg.prevalence)
    y = int(rng.random() < cfg.prevalence)
    score = int(rng.choice(25, p=p1 if y else p0))
    gender = int(rng.random() < 0.5)
    c = float(severity(score))
    u = cfg.tau * rng.standard_normal()
    r = {m: cfg.tau * rng.standard_normal() for m in MODALITIES}
    lo, hi = cfg.n_turns
    n = int(rng.integers(lo, hi + 1))
    n_signal = max(1, round(cfg.signal_turn_share * n))
    signal_turns = np.zeros(n, dtype=bool)
    signal_turns[rng.choice(n, size=n_signal, replace=False)] = True
    features, masks = {}, {}
    for m in MODALITIES:
        x = rng.standard_normal((n, DIMS[m])).astype(np.float32)
        x += (cfg.identity * rng.standard_normal(DIMS[m])).astype(np.float32)
        deviation = math.sqrt(cfg.shared) * u + math.sqrt(1 - cfg.shared) * r[m]
        latent = cfg.strength[m] * (c + deviation)
        idx, signs = signal_weights(m)
        x[np.ix_(signal_turns, idx)] += (cfg.amplitude * latent * signs).astype(np.float32)
        if m == cfg.confound_modality and cfg.confound:
            x[:, confound_channel(m)] += cfg.confound * (2 * y - 1)
        missing_session = rng.random() < cfg.p_missing_session[m]
        mask = rng.random(n) >= cfg.p_missing_turn[m]
        masks[m] = np.zeros(n, bool) if missing_session else mask
        features[m] = x
    durations = rng.uniform(2.0, 20.0, size=n)
    gaps = rng.uniform(3.0, 10.0, size=n)
    starts = np.cumsum(gaps + np.concatenate([[0.0], durations[:-1]]))
    mood, neutral = iter(np.resize(MOOD_PROMPTS, n)), iter(np.resize(NEUTRAL_PROMPTS, n))
    turn_text = [
        f"[answer to: {next(mood) if s else next(neutral)}]" for s in signal_turns.tolist()
    ]
    return Session(
        session_id=f"S{index:03d}",
        features=features,
        masks=masks,
        phq_score=float(score),
        label=y,
        gender=gender,
        turn_times=np.stack([starts, starts + durations], axis=1),
        turn_text=turn_text,
        channel_names=channel_names(),
        meta={"signal_turns": signal_turns, "synthetic": True},
    )


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
        from mimml_edu.data.oracle import balanced_accuracy

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
    from mimml_edu.data.oracle import oracle_posterior

    base = SyntheticConfig()
    for name in ("strength", "p_missing_session", "p_missing_turn"):
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
        _make_session(i, np.random.default_rng(ch), config) for i, ch in enumerate(children)
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
