"""The synthetic generative model: sessions whose ground truth is known by construction.

Public API:

- :class:`SyntheticConfig` every knob (strength per modality, shared share, imbalance,
  missing modalities, confound, ...).
- :func:`generate_session` one session from a config and a random generator.
- :func:`signal_weights`, :func:`confound_channel`, :func:`severity`, :func:`score_prior`:
  the generator's ground truth, which the oracle (:mod:`mimml_edu.data.oracle`) uses.

The corpus built from it (splits, ground-truth masks, the oracle for all sessions) is in
:mod:`mimml_edu.data.synthetic`.

The generative model (all per session; ``m`` is a modality):

1. PHQ-8 score ``q`` (points, 0-24) from a prior: with probability ``prevalence`` a
   depressed score (10-24, decaying), else a non-depressed one (0-9, binomial). Label
   ``y = q >= 10``. Latent severity ``c = (q - 9.5) / 4.5`` (the generator's own scale).
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
must find the signal turns from the features alone), so the oracle's balanced accuracy and
AUROC are a ceiling a model can approach but need not reach (for plain accuracy, F1 or MAE
its decision rule is not the optimum: see :func:`mimml_edu.analysis.oracle_metrics`). The
defaults (signal in half of the turns, small identity offsets, ``tau`` 1.2) make that
ceiling reachable from 107 training sessions;
``bench/train.py`` measures how close MIMML gets (``bench/results/train_default.log``).
Features are standardised units (not raw COVAREP/CLNF scales); names and widths are the
real ones (see :mod:`mimml_edu.data.channels`).

Three structural knobs (defaults: the model above) give the settings of
:mod:`mimml_edu.data.regimes`, and keep the posterior exact:

- ``amplitude_scale[m]`` multiplies ``amplitude`` for modality ``m`` (an easy, dominant
  modality and slow-to-learn ones).
- ``pattern``: how the signal sits in the turns. ``"turns"``: ``+1`` in the signal turns.
  ``"pairs"``: neighbouring pairs of turns carry ``+1`` then ``-1`` (a local pattern whose
  mean over turns is 0: a convolution sees it, a mean over turns cancels it). ``"order"``:
  half of the signal turns lie in the first half of the session and carry ``+1``, the other
  half in the second half and carry ``-1``, all at least two turns from either end and
  three apart across the middle: which sign comes first is the signal, no neighbourhood of
  three turns shows it and the mean over turns is 0 (order over the whole session; with
  sessions of one window, over the whole window).
- ``information``: ``"shared"`` (every modality sees the whole severity) or ``"unique"``:
  the PHQ-8 score is the sum of three independent parts of 0-8 points (``Binomial(8, p)``,
  ``p`` set by ``prevalence``), and modality ``m`` sees only its own part,
  ``c_m = (3 q_m - 9.5) / 4.5``: what one modality tells about the label, no other can.

Draws that only these knobs need come after all others, so a session keeps its people,
noise and missing data whatever the knobs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from mimml_edu.data.batch import MODALITIES, PHQ8_THRESHOLD, Session
from mimml_edu.data.channels import CHANNELS, DIMS, channel_names
from mimml_edu.data.splits import DAICWOZ_FRACTIONS

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
#: How the signal sits in the turns (``SyntheticConfig.pattern``).
PATTERNS: tuple[str, ...] = ("turns", "pairs", "order")
#: What each modality sees of the severity (``SyntheticConfig.information``).
INFORMATION: tuple[str, ...] = ("shared", "unique")
#: Points of each modality's part of the PHQ-8 score when ``information="unique"``.
PART_POINTS = 8

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


#: The per-modality mappings of :class:`SyntheticConfig` (``make_corpus`` merges partial ones).
PER_MODALITY_KNOBS = ("strength", "amplitude_scale", "p_missing_session", "p_missing_turn")


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
        amplitude_scale: modality -> factor on ``amplitude`` for that modality.
        identity: spread of the per-session, per-channel offsets (who the person is).
        signal_turn_share: share of turns that answer mood questions (carry the signal).
        p_missing_session: modality -> probability it is missing for a whole session.
        p_missing_turn: modality -> probability it is missing for one turn.
        confound: size of the label-leaking feature (0 = none).
        confound_modality: modality holding the confound channel.
        split_fractions: train/dev/test shares (stratified by label, by participant).
        pattern: how the signal sits in the turns, one of :data:`PATTERNS`.
        information: what each modality sees of the severity, one of :data:`INFORMATION`.
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
    amplitude_scale: Mapping[str, float] = field(default_factory=_default_strength)
    pattern: str = "turns"
    information: str = "shared"

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
        if self.pattern not in PATTERNS:
            raise ValueError(f"pattern must be one of {PATTERNS}, got {self.pattern!r}")
        if self.information not in INFORMATION:
            raise ValueError(f"information must be one of {INFORMATION}, got {self.information!r}")
        for name in PER_MODALITY_KNOBS:
            value = getattr(self, name)
            if set(value) != set(MODALITIES):
                raise ValueError(f"{name} needs a value for each of {MODALITIES}, got {value}")
            if name.startswith("p_") and not all(0 <= v < 1 for v in value.values()):
                raise ValueError(f"{name} values must be in [0, 1), got {value}")
            if name == "amplitude_scale" and not all(v >= 0 for v in value.values()):
                raise ValueError(f"amplitude_scale values must be >= 0, got {value}")


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


def score_prior(prevalence: float) -> tuple[np.ndarray, np.ndarray]:
    """P(q | y=0) over 0..9 and P(q | y=1) over 10..24, as length-25 arrays."""
    scores = np.arange(25)
    p0 = np.array([math.comb(9, s) * 0.4**s * 0.6 ** (9 - s) if s < 10 else 0.0 for s in scores])
    p1 = np.where(scores >= PHQ8_THRESHOLD, np.exp(-(scores - PHQ8_THRESHOLD) / 5.0), 0.0)
    return p0 / p0.sum(), p1 / p1.sum()


def severity(score: np.ndarray | float) -> np.ndarray:
    """``c = (q - 9.5) / 4.5``: the latent mean for a PHQ-8 score."""
    return (np.asarray(score, dtype=float) - 9.5) / 4.5


def part_probability(prevalence: float) -> float:
    """``p`` of the score parts ``Binomial(8, p)`` such that ``P(q >= 10) = prevalence``.

    The sum of the three parts is ``Binomial(24, p)``; its tail is increasing in ``p``, so
    bisection finds ``p`` to machine precision.
    """
    n = 3 * PART_POINTS

    def tail(p: float) -> float:
        return sum(
            math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(PHQ8_THRESHOLD, n + 1)
        )

    lo, hi = 0.0, 1.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if tail(mid) < prevalence else (lo, mid)
    return (lo + hi) / 2


@dataclass(frozen=True)
class LatentStates:
    """The discrete states the generator draws a person's severity from, with their prior.

    Attributes:
        log_prior: ``(S,)`` log P(state).
        score: ``(S,)`` PHQ-8 score of each state.
        label: ``(S,)`` 1 where the score is >= 10.
        level: ``(S, 3)`` severity each modality sees (columns in ``MODALITIES`` order).
    """

    log_prior: np.ndarray
    score: np.ndarray
    label: np.ndarray
    level: np.ndarray


def latent_states(cfg: SyntheticConfig) -> LatentStates:
    """The prior over latent states under ``cfg`` (what the oracle sums over).

    ``information="shared"``: the 25 scores, every modality sees ``severity(q)``.
    ``"unique"``: the 9**3 triples of parts ``(q_text, q_audio, q_video)``; modality ``m``
    sees ``severity(3 q_m)``.
    """
    if cfg.information == "shared":
        p0, p1 = score_prior(cfg.prevalence)
        prior = cfg.prevalence * p1 + (1 - cfg.prevalence) * p0
        score = np.flatnonzero(prior > 0)
        level = np.repeat(severity(score)[:, None], len(MODALITIES), axis=1)
        log_prior = np.log(prior[score])
    else:
        p, k = part_probability(cfg.prevalence), np.arange(PART_POINTS + 1)
        pmf = np.array(
            [math.comb(PART_POINTS, j) * p**j * (1 - p) ** (PART_POINTS - j) for j in k]
        )
        parts = np.stack(np.meshgrid(k, k, k, indexing="ij"), -1).reshape(-1, 3)
        score = parts.sum(1)
        level = severity(3 * parts)
        log_prior = np.log(pmf[parts]).sum(1)
    label = (score >= PHQ8_THRESHOLD).astype(int)
    return LatentStates(log_prior, score.astype(int), label, level)


def turn_pattern(
    pattern: str, signal_turns: np.ndarray, share: float, rng: np.random.Generator
) -> np.ndarray:
    """``(n,)`` coefficient of the signal in each turn (see ``SyntheticConfig.pattern``).

    Args:
        pattern: one of :data:`PATTERNS`.  signal_turns: ``(n,)`` bool, the mood turns.
        share: share of turns in signal pairs or pulses.  rng: draws their places.
    """
    n = len(signal_turns)
    if pattern == "turns":
        return signal_turns.astype(float)
    out = np.zeros(n)
    if pattern == "order":  # +1 pulses in [2, n//2 - 1), -1 pulses in [n//2 + 2, n - 2)
        early, late = np.arange(2, n // 2 - 1), np.arange(n // 2 + 2, n - 2)
        k = min(len(early), len(late), max(1, round(share * n / 2)))
        if k:
            out[rng.choice(early, size=k, replace=False)] = 1.0
            out[rng.choice(late, size=k, replace=False)] = -1.0
        return out
    n_pairs = min(n // 2, max(1, round(share * n / 2)))
    if n_pairs:  # n_pairs sorted slots among n - n_pairs, spread out: non-overlapping pairs
        first = np.sort(rng.choice(n - n_pairs, size=n_pairs, replace=False)) + np.arange(n_pairs)
        out[first], out[first + 1] = 1.0, -1.0
    return out


def generate_session(index: int, rng: np.random.Generator, cfg: SyntheticConfig) -> Session:
    """Session ``index`` drawn from ``rng`` under ``cfg`` (the model in the module docstring).

    The turns carrying signal are kept in ``meta["signal_turns"]`` (bool) and their
    coefficients in ``meta["signal_pattern"]`` (float), for the oracle and the explanation
    checks; with ``information="unique"``, ``meta["score_parts"]`` holds the three parts.
    """
    p0, p1 = score_prior(cfg.prevalence)
    y = int(rng.random() < cfg.prevalence)
    score = int(rng.choice(25, p=p1 if y else p0))
    gender = int(rng.random() < 0.5)
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
        missing_session = rng.random() < cfg.p_missing_session[m]
        mask = rng.random(n) >= cfg.p_missing_turn[m]
        masks[m] = np.zeros(n, bool) if missing_session else mask
        features[m] = x
    durations = rng.uniform(2.0, 20.0, size=n)
    gaps = rng.uniform(3.0, 10.0, size=n)
    meta: dict = {"synthetic": True}
    level = dict.fromkeys(MODALITIES, float(severity(score)))
    if cfg.information == "unique":  # draws of the structural knobs come last
        parts = rng.binomial(PART_POINTS, part_probability(cfg.prevalence), size=len(MODALITIES))
        score = int(parts.sum())
        y = int(score >= PHQ8_THRESHOLD)
        level = {m: float(severity(3 * q)) for m, q in zip(MODALITIES, parts, strict=True)}
        meta["score_parts"] = dict(zip(MODALITIES, parts.tolist(), strict=True))
    pattern = turn_pattern(cfg.pattern, signal_turns, cfg.signal_turn_share, rng)
    signal_turns = pattern != 0
    for m in MODALITIES:
        deviation = math.sqrt(cfg.shared) * u + math.sqrt(1 - cfg.shared) * r[m]
        latent = cfg.strength[m] * (level[m] + deviation)
        idx, signs = signal_weights(m)
        a = cfg.amplitude * cfg.amplitude_scale[m]
        x = features[m]
        x[np.ix_(signal_turns, idx)] += (
            a * latent * np.outer(pattern[signal_turns], signs)
        ).astype(np.float32)
        if m == cfg.confound_modality and cfg.confound:
            x[:, confound_channel(m)] += cfg.confound * (2 * y - 1)
    starts = np.cumsum(gaps + np.concatenate([[0.0], durations[:-1]]))
    mood, neutral = iter(np.resize(MOOD_PROMPTS, n)), iter(np.resize(NEUTRAL_PROMPTS, n))
    turn_text = [
        f"[answer to: {next(mood) if s else next(neutral)}]" for s in signal_turns.tolist()
    ]
    meta.update(signal_turns=signal_turns, signal_pattern=pattern)
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
        meta=meta,
    )
