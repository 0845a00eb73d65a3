"""Are the attributions right? Scores against the synthetic corpus's ground truth.

The synthetic generator (:mod:`mimml_edu.data.synthetic`) knows which turns carry the
signal (answers to mood questions), which channels carry it, and how strong each modality
is. So an explanation can be *checked*:

- :func:`turn_auroc`: within a session, do the signal turns stand out? The default score of
  a turn is its **support for the prediction**, ``a_t * sign(F(x) - threshold)``: its
  attribution (summed over modalities and channels) counted positive when it pushes the
  output towards the predicted class (threshold 0 for the log-odds and the scaled PHQ-8,
  0.5 for the probability). A signal turn carries the evidence the prediction rests on; a
  turn without signal is only noise around the session's typical turn. AUROC depends only
  on the order of the scores within a session, so an offset that every turn shares (every
  turn differs from the training-mean baseline) cannot change it.
  :func:`relevance_weighted_turns` gives a variant of ``a_t`` that counts each channel by
  its corpus-level relevance, how much it supports the predictions on average (the
  benchmark's ``relevant`` score).
  Two unsigned scores are kept for comparison (the benchmark reports all three):
  ``|a_t - median_s(a_s)|`` ("centred": the turns that stand out from the session's median
  turn, in either direction) and the plain ``|a_t|``. The centred score needs the signal
  turns to be a minority: when half the turns carry signal, as in the default corpus, the
  median falls between signal and plain turns and both groups stand out equally.
  AUROC 0.5 = chance.
- :func:`channel_auroc`: do the signal channels of a modality get larger ``|attribution|``
  (summed over turns, then averaged over sessions) than the others?
- :func:`modality_ranking`: Spearman correlation between each modality's importance and
  what the generator knows of it (its exact informativeness, or its strength knob), and
  whether the order is right (modalities nearly equally informative may come in any order).
- :func:`deletion_insertion`: remove turns from the most to the least attributed (deletion)
  and watch how far the output moves away from ``F(x)``; or add them to the all-baseline
  session in the same order (insertion) and watch how far it moves away from
  ``F(baseline)``. Both curves are ``|change|`` in the target's units (log-odds by default),
  so sessions can be averaged whatever the sign of their evidence, and a session where
  ``F(x)`` is close to ``F(baseline)`` does not blow up a ratio. A ranking faithful to the
  model moves the output early: a **larger area is better for both**, compared with a
  random order.

Model-independent references are part of each result where they make sense (a random
order for the curves, the true signal turns as an ordering).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES, PHQ8_THRESHOLD
from mimml_edu.explain.inputs import SessionInputs, WindowTarget, replace_turns
from mimml_edu.metrics import auroc, spearman

#: The decision threshold of each explained output (the sign of ``F(x) - threshold`` is the
#: predicted class: + depressed, - not).
THRESHOLDS = {"logit": 0.0, "prob": 0.5, "phq": PHQ8_THRESHOLD - 0.5}


def prediction_direction(output: float, target: str) -> float | None:
    """+1 when ``output`` predicts depressed, -1 when it predicts not, 0 on the threshold.

    Args:
        output: the session-level output F(x).  target: the explained output's name.
    Returns:
        the sign, or None for a target without a decision threshold (e.g. an MI term).
    """
    if target not in THRESHOLDS:
        return None
    return float(np.sign(output - THRESHOLDS[target]))


def relevance_weighted_turns(
    features: Mapping[str, np.ndarray], relevance: Mapping[str, np.ndarray]
) -> np.ndarray:
    """(n_turns,) turn attributions summed over channels, each channel weighted by relevance.

    A turn's plain total ``a_t = sum_c a_tc`` adds the model's reaction to *every* channel
    of that turn. Where the model has learned small weights on many channels that carry no
    signal (384 text channels, 107 training interviews), those reactions are noise that
    cancels over a session's turns (the session output hardly depends on them) but not
    within one turn, and it can drown the signal channels. Weighting channel ``c`` by its
    relevance ``r_c`` counts each turn's evidence in the channels the predictions rest on.
    The benchmark and :meth:`~mimml_edu.explain.report.CorpusExplanation.turn_aurocs` use
    the channel's mean support for the prediction over the explained sessions, clipped at 0
    (:meth:`~mimml_edu.explain.report.CorpusExplanation.turn_relevance`, computed from the
    attributions alone): a channel the model reacts to but whose pushes average out over
    sessions (noise) gets little weight, which the mean of ``|sum_t a_tc|`` would not give
    it. The weights are scaled to average 1 over all channels, so uniform relevance gives
    back ``a_t``.

    Args:
        features: modality -> (n_turns, d_m) IG attribution per turn and channel.
        relevance: modality -> (d_m,) channel relevance (>= 0), for the same modalities.
    Returns:
        (n_turns,) ``sum_m sum_c w_c a_tc`` with ``w = r / mean(r)``.
    """
    mods = [m for m in MODALITIES if m in features]
    missing = [m for m in mods if m not in relevance]
    if missing:
        raise ValueError(f"relevance is missing modalities {missing}")
    weights = {m: np.asarray(relevance[m], dtype=np.float64) for m in mods}
    for m in mods:
        if weights[m].shape != (np.shape(features[m])[1],) or (weights[m] < 0).any():
            raise ValueError(
                f"relevance[{m!r}] must be ({np.shape(features[m])[1]},) and >= 0, "
                f"got shape {weights[m].shape}"
            )
    scale = float(np.mean(np.concatenate([weights[m] for m in mods])))
    if not scale > 0:
        raise ValueError("relevance is zero in every channel")
    return sum(np.asarray(features[m], dtype=np.float64) @ (weights[m] / scale) for m in mods)


def turn_scores(
    turn_total: np.ndarray,
    present: np.ndarray,
    *,
    direction: float | None = None,
    center: bool = True,
) -> np.ndarray:
    """(n_turns,) how much each turn matters; 0 where the turn is absent.

    Args:
        turn_total: (n_turns,) attribution per turn.  present: (n_turns,) bool.
        direction: the predicted class's sign (:func:`prediction_direction`): when given,
            the score is the support ``a_t * direction`` (signed: a turn against the
            prediction scores below a turn without effect). When None: ``|a_t - median|``
            over present turns (``center=True``) or ``|a_t|``.
        center: for the unsigned score, subtract the median over present turns first.
    """
    a = np.asarray(turn_total, dtype=np.float64)
    present = np.asarray(present, bool)
    if direction is not None:
        return np.where(present, a * float(direction), 0.0)
    mid = float(np.median(a[present])) if center and present.any() else 0.0
    return np.where(present, np.abs(a - mid), 0.0)


def turn_auroc(
    turn_total: np.ndarray,
    present: np.ndarray,
    signal_turns: np.ndarray,
    *,
    direction: float | None = None,
    center: bool = True,
) -> float:
    """AUROC of :func:`turn_scores` for the true signal turns among present turns.

    Args:
        turn_total: (n_turns,) attribution per turn.  present: (n_turns,) bool.
        signal_turns: (n_turns,) bool, the generator's signal turns.
        direction: the predicted class's sign: score the support ``a_t * direction``
            (what :meth:`~mimml_edu.explain.report.CorpusExplanation.turn_aurocs` uses).
            None: the unsigned ``|a_t - median|`` (``center=True``) or ``|a_t|``.
        center: see :func:`turn_scores`.
    Returns:
        AUROC, or NaN when the present turns are all signal or all not.
    """
    turn_total, present = np.asarray(turn_total), np.asarray(present, bool)
    signal = np.asarray(signal_turns, bool)
    if not turn_total.shape == present.shape == signal.shape:
        raise ValueError(
            f"shapes differ: attribution {turn_total.shape}, present {present.shape}, "
            f"signal {signal.shape}"
        )
    y = signal[present].astype(int)
    if y.min(initial=1) == y.max(initial=0):
        return float("nan")
    scores = turn_scores(turn_total, present, direction=direction, center=center)
    return auroc(y, scores[present])


def channel_auroc(channel_scores: np.ndarray, signal_channels: np.ndarray) -> float:
    """AUROC of ``|channel attribution|`` for the true signal channels of one modality.

    Args:
        channel_scores: (d_m,) attribution per channel.  signal_channels: (d_m,) bool.
    """
    signal = np.asarray(signal_channels, bool)
    scores = np.abs(np.asarray(channel_scores, dtype=np.float64))
    if scores.shape != signal.shape:
        raise ValueError(f"{scores.shape[0]} channel scores for {signal.shape[0]} channels")
    if signal.all() or not signal.any():
        return float("nan")
    return auroc(signal.astype(int), scores)


@dataclass
class RankingScore:
    """Modality ranking against the generator.

    Attributes:
        importance: modality -> the importance that was ranked (see
            :meth:`~mimml_edu.explain.report.CorpusExplanation.ranking`).
        strength: modality -> generator knob.
        spearman: rank correlation with the truth, nearly equal truths tied (NaN when either
            side is constant).
        correct: every modality the truth puts clearly above another is ranked above it.
        informativeness: modality -> the generator's exact signal-to-noise ratio, when it
            was the truth (else None: the strengths were).
        tie_ratio: truths within this factor of each other count as tied.
    """

    importance: dict[str, float]
    strength: dict[str, float]
    spearman: float
    correct: bool
    informativeness: dict[str, float] | None = None
    tie_ratio: float = 1.0


def _tie_groups(truth: np.ndarray, ratio: float) -> np.ndarray:
    """Truth values with those within ``ratio`` of a larger one merged into its group
    (0 stays apart from any positive value); larger group = larger value."""
    order = np.argsort(-truth, kind="mergesort")
    group = np.empty(len(truth))
    top, g = None, 0.0
    for i in order:
        if top is None or truth[i] == 0 < top or truth[i] * ratio < top:
            top, g = truth[i], g - 1
        group[i] = g
    return group


def modality_ranking(
    importance: Mapping[str, float],
    strength: Mapping[str, float],
    *,
    informativeness: Mapping[str, float] | None = None,
    tie_ratio: float = 1.25,
) -> RankingScore:
    """Compare the modalities' importance with what the generator knows.

    The truth is the generator's ``informativeness`` when given (see
    :func:`~mimml_edu.data.oracle.modality_informativeness`: the strength knob scales the
    latent noise with the signal, so two non-zero strengths can be equally informative),
    else the strength knobs. Truths within ``tie_ratio`` of a larger one form one tie group
    (0 never ties with a positive value); the ranking is correct when every modality of a
    higher group has the larger importance; within a group any order is right.
    With the strengths as truth only exact ties count (``tie_ratio`` is not used).

    Args:
        importance: modality -> importance (larger = more important).
        strength: modality -> the generator's strength knob.
        informativeness: modality -> exact signal-to-noise ratio, or None.
        tie_ratio: truths within this factor count as tied (>= 1).
    Returns:
        :class:`RankingScore`.
    """
    if tie_ratio < 1:
        raise ValueError(f"tie_ratio must be >= 1, got {tie_ratio}")
    mods = [m for m in MODALITIES if m in importance]
    imp = np.array([importance[m] for m in mods], dtype=float)
    if not np.isfinite(imp).all():
        raise ValueError(f"importance has non-finite values: {dict(importance)}")
    truth_map = informativeness if informativeness is not None else strength
    truth = np.array([truth_map[m] for m in mods], dtype=float)
    ratio = tie_ratio if informativeness is not None else 1.0
    groups = _tie_groups(truth, ratio)
    rho = spearman(imp, groups)
    n = len(mods)
    correct = all(imp[i] > imp[j] for i in range(n) for j in range(n) if groups[i] > groups[j])
    return RankingScore(
        importance={m: float(v) for m, v in zip(mods, imp, strict=True)},
        strength={m: float(strength[m]) for m in mods},
        spearman=rho,
        correct=bool(correct),
        informativeness=None
        if informativeness is None
        else {m: float(informativeness[m]) for m in mods},
        tie_ratio=ratio,
    )


@dataclass
class Curves:
    """Deletion and insertion curves of one session for one turn ordering.

    Attributes:
        fractions: (F,) share of present turns removed (deletion) or inserted (insertion).
        deletion: (F,) ``|F(x with the top turns removed) - F(x)|``.
        insertion: (F,) ``|F(baseline with the top turns inserted) - F(baseline)|``.
        deletion_auc, insertion_auc: trapezoid areas over ``fractions`` (0 to 1); larger =
            the ordering found the turns the output depends on sooner.
    """

    fractions: np.ndarray
    deletion: np.ndarray
    insertion: np.ndarray

    @property
    def deletion_auc(self) -> float:
        return float(np.trapezoid(self.deletion, self.fractions))

    @property
    def insertion_auc(self) -> float:
        return float(np.trapezoid(self.insertion, self.fractions))


@torch.no_grad()
def deletion_insertion(
    model: nn.Module,
    inputs: SessionInputs,
    turn_scores: np.ndarray,
    *,
    target: str = "logit",
    n_points: int = 11,
) -> Curves:
    """Deletion and insertion curves for an ordering of the session's turns.

    Args:
        model: the trained MIMML.  inputs: the session.
        turn_scores: (n_turns,) higher = removed/inserted first (e.g. :func:`turn_scores`).
        target: the explained output.  n_points: points on each curve (0 % to 100 %).
    Returns:
        :class:`Curves`.
    """
    scores = np.asarray(turn_scores, dtype=np.float64)
    n = inputs.session.n_turns
    if scores.shape != (n,):
        raise ValueError(f"turn_scores must have shape ({n},), got {scores.shape}")
    present = np.zeros(n, bool)
    for m in MODALITIES:
        present |= inputs.session.masks[m]
    order = [i for i in np.argsort(-scores, kind="mergesort") if present[i]]
    fractions = np.linspace(0.0, 1.0, n_points)
    f = WindowTarget(model=model, target=target)
    masks = inputs.mask_args()
    feats_del, feats_ins = [], []
    for frac in fractions:
        top = torch.zeros(n, dtype=torch.bool, device=inputs.turn_index.device)
        top[order[: round(frac * len(order))]] = True
        deleted = replace_turns(inputs, top)
        inserted = replace_turns(inputs, ~top)
        feats_del.append(tuple(deleted[m] for m in MODALITIES))
        feats_ins.append(tuple(inserted[m] for m in MODALITIES))
    rows = feats_del + feats_ins
    args = [torch.cat([r[i] for r in rows]) for i in range(3)]
    args += [torch.cat([mk] * len(rows)) for mk in masks]
    values = f(*args).reshape(len(rows), inputs.n_windows).mean(dim=1).cpu().numpy()
    k = len(fractions)
    full, base = values[0], values[k]  # nothing deleted; nothing inserted
    return Curves(
        fractions=fractions,
        deletion=np.abs(values[:k] - full).astype(np.float64),
        insertion=np.abs(values[k:] - base).astype(np.float64),
    )


def mean_ignoring_nan(values: Sequence[float]) -> float:
    """Mean over the finite values (NaN when none)."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else float("nan")
