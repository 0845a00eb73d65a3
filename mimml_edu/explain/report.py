"""All explanations over a list of sessions, with faithfulness scores where truth is known.

:func:`explain_sessions` is what the CLI (``mimml-edu explain``), the benchmark
(``bench/explain.py``) and chapter 09 call: per session, the exact modality Shapley values,
Integrated Gradients per turn and channel, turn occlusion, and deletion/insertion curves;
over the sessions, the averages and, given a :class:`GroundTruth`, the faithfulness scores.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.explain.faithfulness import (
    Curves,
    RankingScore,
    channel_auroc,
    deletion_insertion,
    mean_ignoring_nan,
    modality_ranking,
    prediction_direction,
    relevance_weighted_turns,
    turn_auroc,
    turn_scores,
)
from mimml_edu.explain.inputs import session_inputs
from mimml_edu.explain.modality import ModalityShapley, loss_shapley, modality_shapley
from mimml_edu.explain.turns import TurnAttribution, integrated_gradients, turn_occlusion

#: Turn scores :meth:`CorpusExplanation.turn_aurocs` can use.
TURN_SCORES = ("support", "relevant", "centred", "plain")


@dataclass
class GroundTruth:
    """What the synthetic generator knows.

    Attributes:
        signal_turns: session id -> (n_turns,) bool.
        signal_channels: modality -> (d_m,) bool.
        strength: modality -> the generator's strength knob.
        informativeness: modality -> the generator's exact signal-to-noise ratio
            (:func:`~mimml_edu.data.oracle.modality_informativeness`), or None.
    """

    signal_turns: dict[str, np.ndarray]
    signal_channels: dict[str, np.ndarray]
    strength: dict[str, float]
    informativeness: dict[str, float] | None = None

    @classmethod
    def from_corpus(cls, corpus) -> GroundTruth:
        """From a :class:`~mimml_edu.data.synthetic.SyntheticCorpus`."""
        from mimml_edu.data.oracle import modality_informativeness

        return cls(
            signal_turns=dict(corpus.signal_turns),
            signal_channels=dict(corpus.signal_channels),
            strength=dict(corpus.config.strength),
            informativeness=modality_informativeness(corpus.sessions, corpus.config),
        )


@dataclass
class SessionExplanation:
    """Everything computed for one session (see :func:`explain_sessions`)."""

    session: Session
    shapley: ModalityShapley
    ig: TurnAttribution
    occlusion: TurnAttribution | None
    curves: dict[str, Curves] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class CorpusExplanation:
    """Per-session explanations and their summary.

    Attributes:
        sessions: one :class:`SessionExplanation` per session, in order.
        target: the explained output.  truth: the ground truth used, if any.
    """

    sessions: list[SessionExplanation]
    target: str
    truth: GroundTruth | None = None
    removal: str = "background"

    def mean_shapley(self, *, absolute: bool = False) -> dict[str, float]:
        """modality -> mean (or mean absolute) Shapley value over sessions."""
        vals = np.array([[e.shapley.shapley[m] for m in MODALITIES] for e in self.sessions])
        vals = np.abs(vals) if absolute else vals
        return {m: float(v) for m, v in zip(MODALITIES, vals.mean(axis=0), strict=True)}

    def channel_attribution(self, modality: str) -> np.ndarray:
        """(d_m,) mean over sessions of ``|IG attribution summed over turns|`` per channel."""
        return np.mean([np.abs(e.ig.channel_attribution(modality)) for e in self.sessions], 0)

    def channel_support(self, modality: str) -> np.ndarray:
        """(d_m,) mean over sessions of each channel's support for the prediction.

        A session's channel attribution (IG summed over turns) times the predicted class's
        sign (:func:`~mimml_edu.explain.faithfulness.prediction_direction`): positive where
        the channel pushed the output towards the class the model chose. A channel the
        predictions rest on does so in most sessions, so its mean is large; a channel whose
        attribution is the model's reaction to noise pushes either way and averages out
        (:meth:`channel_attribution`, the mean of ``|.|``, keeps it). Sessions on the
        threshold, and targets without a threshold, count as zero.
        """
        values = []
        for e in self.sessions:
            direction = prediction_direction(e.ig.output, e.ig.target) or 0.0
            values.append(e.ig.channel_attribution(modality) * direction)
        return np.mean(values, axis=0)

    def turn_relevance(self) -> dict[str, np.ndarray]:
        """modality -> (d_m,) the channel weights of the ``relevant`` turn score:
        :meth:`channel_support` clipped at 0 (channels that on average push against the
        prediction get no weight)."""
        return {m: np.clip(self.channel_support(m), 0.0, None) for m in MODALITIES}

    def global_importance(self) -> dict[str, float]:
        """modality -> Shapley value of the loss reduction over these sessions (SAGE; see
        :func:`~mimml_edu.explain.modality.loss_shapley`). Needs labels of both classes."""
        labels = np.array([e.session.label for e in self.sessions])
        return loss_shapley(
            [e.shapley.coalitions for e in self.sessions], labels, target=self.target
        )

    def ranking(self, importance: str = "loss") -> RankingScore | None:
        """Modality importance against what the generator knows (None without truth).

        Args:
            importance: ``loss`` (default; :meth:`global_importance`: how much each modality
                improves the predictions) or ``abs_shapley`` (mean ``|Shapley value|``: how far
                it moves the output, which a model reacting to noise also does).
        """
        if self.truth is None:
            return None
        if importance == "loss":
            values = self.global_importance()
        elif importance == "abs_shapley":
            values = self.mean_shapley(absolute=True)
        else:
            raise ValueError(f"importance must be 'loss' or 'abs_shapley', got {importance!r}")
        return modality_ranking(
            values, self.truth.strength, informativeness=self.truth.informativeness
        )

    def turn_aurocs(self, method: str = "ig", *, score: str = "support") -> np.ndarray:
        """(n_sessions,) per-session turn AUROC (NaN without truth or for one-class sessions).

        Args:
            method: ``ig`` or ``occlusion``.
            score: ``support`` (``a_t`` times the predicted class's sign; the default),
                ``relevant`` (the same support with ``a_t`` summed over channels weighted by
                :meth:`turn_relevance`, IG only: see
                :func:`~mimml_edu.explain.faithfulness.relevance_weighted_turns`; NaN
                everywhere when no channel supports the predictions on average),
                ``centred`` (``|a_t - median|``) or ``plain`` (``|a_t|``); see
                :mod:`~mimml_edu.explain.faithfulness`.
        """
        if score not in TURN_SCORES:
            raise ValueError(f"score must be one of {TURN_SCORES}, got {score!r}")
        if score == "relevant" and method != "ig":
            raise ValueError("score='relevant' needs per-channel attributions (method='ig')")
        relevance = None
        if score == "relevant":
            relevance = self.turn_relevance()
            if not any(r.any() for r in relevance.values()):
                return np.full(len(self.sessions), np.nan)
        out = []
        for e in self.sessions:
            attr = e.ig if method == "ig" else e.occlusion
            sid = e.session.session_id
            truth = None if self.truth is None else self.truth.signal_turns.get(sid)
            if attr is None or truth is None:
                out.append(float("nan"))
                continue
            direction, total = None, attr.turn_total
            if score in ("support", "relevant"):
                direction = prediction_direction(attr.output, attr.target)
            if relevance is not None:
                total = relevance_weighted_turns(attr.features, relevance)
            out.append(
                turn_auroc(
                    total,
                    attr.present,
                    truth,
                    direction=direction,
                    center=score == "centred",
                )
            )
        return np.array(out)

    def summary(self) -> dict:
        """One JSON-ready dict: Shapley means, IG deltas, faithfulness, timings."""
        rel = np.array([e.ig.relative_delta for e in self.sessions])
        out: dict = {
            "n_sessions": len(self.sessions),
            "target": self.target,
            "modality_removal": self.removal,
            "shapley_mean": self.mean_shapley(),
            "shapley_mean_abs": self.mean_shapley(absolute=True),
            "ig_convergence": {
                "relative_delta_median": mean_ignoring_nan([np.nanmedian(rel)]),
                "relative_delta_max": float(np.nanmax(rel)) if np.isfinite(rel).any() else None,
                "share_under_1pct": float(np.mean(rel[np.isfinite(rel)] < 0.01))
                if np.isfinite(rel).any()
                else None,
                "steps_max": max(e.ig.n_steps for e in self.sessions),
            },
            "seconds_per_session": {
                name: mean_ignoring_nan([e.seconds.get(name, np.nan) for e in self.sessions])
                for name in ("shapley", "ig", "occlusion", "curves")
            },
        }
        curves = {}
        for order in ("ig", "occlusion", "random", "truth"):
            got = [e.curves[order] for e in self.sessions if order in e.curves]
            if got:
                curves[order] = {
                    "deletion_auc": mean_ignoring_nan([c.deletion_auc for c in got]),
                    "insertion_auc": mean_ignoring_nan([c.insertion_auc for c in got]),
                }
        out["deletion_insertion"] = curves
        labels = np.array([e.session.label for e in self.sessions])
        if self.target in ("logit", "prob") and len(set(labels.tolist()) & {0, 1}) == 2:
            out["shapley_loss"] = self.global_importance()
        if self.truth is not None:
            ranking = self.ranking("loss" if "shapley_loss" in out else "abs_shapley")
            by_abs = self.ranking("abs_shapley")
            out["faithfulness"] = {
                "turn_auroc_ig": mean_ignoring_nan(self.turn_aurocs("ig")),
                "turn_auroc_occlusion": mean_ignoring_nan(self.turn_aurocs("occlusion")),
                "turn_auroc_ig_relevant": mean_ignoring_nan(
                    self.turn_aurocs("ig", score="relevant")
                ),
                "turn_auroc_ig_centred": mean_ignoring_nan(
                    self.turn_aurocs("ig", score="centred")
                ),
                "turn_auroc_ig_plain": mean_ignoring_nan(self.turn_aurocs("ig", score="plain")),
                "channel_auroc_ig": {
                    m: channel_auroc(self.channel_attribution(m), self.truth.signal_channels[m])
                    for m in MODALITIES
                },
                "modality_ranking": {
                    "importance": "shapley_loss" if "shapley_loss" in out else "shapley_mean_abs",
                    "strength": ranking.strength,
                    "informativeness": ranking.informativeness,
                    "spearman": ranking.spearman,
                    "correct": ranking.correct,
                    "correct_by_mean_abs_shapley": by_abs.correct,
                },
            }
        return out


def explain_one(
    model: nn.Module,
    session: Session,
    *,
    method: str = "ig",
    target: str = "logit",
    baseline: str = "training",
    k: int = 16,
    stride: int | None = None,
    n_steps: int = 64,
    device: str | torch.device = "cpu",
) -> tuple[ModalityShapley, TurnAttribution]:
    """The modality Shapley values and one turn attribution of one session.

    Args:
        model: the trained MIMML.  session: the session.  method: ``ig`` or ``occlusion``.
        target: the explained output.  baseline: ``training`` or ``session``.
        k, stride: windows.  n_steps: IG steps.  device: where to compute.
    Returns:
        (:class:`ModalityShapley`, :class:`TurnAttribution`): what the explorer shows.
    """
    model.eval()
    inputs = session_inputs(model, session, k=k, stride=stride, baseline=baseline, device=device)
    shap = modality_shapley(model, inputs, target=target)
    if method == "ig":
        return shap, integrated_gradients(model, inputs, target=target, n_steps=n_steps)
    if method == "occlusion":
        return shap, turn_occlusion(model, inputs, target=target)
    raise ValueError(f"method must be 'ig' or 'occlusion', got {method!r}")


def explain_sessions(
    model: nn.Module,
    sessions: Sequence[Session],
    *,
    truth: GroundTruth | None = None,
    target: str = "logit",
    baseline: str = "training",
    removal: str = "background",
    background: Sequence[Session] | None = None,
    k: int = 16,
    stride: int | None = None,
    n_steps: int = 64,
    ig_tolerance: float | None = None,
    occlusion: bool = True,
    curves: bool = True,
    seed: int = 0,
    progress: bool = True,
    device: str | torch.device = "cpu",
) -> CorpusExplanation:
    """Explain each session: Shapley over modalities, IG and occlusion over turns, curves.

    Args:
        model: the trained MIMML (put in eval mode here).  sessions: the sessions.
        truth: the generator's ground truth (adds faithfulness scores and the ``truth``
            ordering to the curves), or None for real data.
        target: the explained output.  baseline: ``training`` or ``session`` (see
            :func:`~mimml_edu.explain.inputs.session_inputs`).
        removal: how the modality Shapley values remove a modality (``background``,
            ``mean`` or ``mask``; see :mod:`~mimml_edu.explain.modality`).
        background: sessions to draw removed modalities from (up to 8 are used; default:
            the explained sessions, each session never its own background).
        k, stride: windows.  n_steps: IG steps.
        ig_tolerance: double IG's steps (up to 1024) for a session until its relative
            convergence delta is at most this (see
            :func:`~mimml_edu.explain.turns.integrated_gradients`); None: ``n_steps`` only.
        occlusion: also run turn occlusion.
        curves: also compute deletion/insertion curves (orders: IG and occlusion by support for
            the prediction, random, truth).
        seed: for the random ordering.  progress: a tqdm bar.  device: where to compute.
    Returns:
        :class:`CorpusExplanation`.
    """
    from tqdm.auto import tqdm

    if not sessions:
        raise ValueError("explain_sessions needs at least one session")
    model.eval()
    rng = np.random.default_rng(seed)
    pool = []
    if removal == "background":
        candidates = list(background if background is not None else sessions)[:9]
        pool = [(s.session_id, session_inputs(model, s, k=k, stride=stride)) for s in candidates]
    results = []
    for session in tqdm(sessions, desc="explain", disable=not progress):
        inputs = session_inputs(
            model, session, k=k, stride=stride, baseline=baseline, device=device
        )
        seconds = {}
        t0 = time.perf_counter()
        others = [b for sid, b in pool if sid != session.session_id][:8] or None
        shap = modality_shapley(model, inputs, target=target, removal=removal, background=others)
        seconds["shapley"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        ig = integrated_gradients(
            model, inputs, target=target, n_steps=n_steps, tolerance=ig_tolerance
        )
        seconds["ig"] = time.perf_counter() - t0
        occ = None
        if occlusion:
            t0 = time.perf_counter()
            occ = turn_occlusion(model, inputs, target=target)
            seconds["occlusion"] = time.perf_counter() - t0
        found = {}
        if curves:
            t0 = time.perf_counter()
            ig_dir = prediction_direction(ig.output, target)
            orders = {
                "ig": turn_scores(ig.turn_total, ig.present, direction=ig_dir),
                "random": rng.random(session.n_turns),
            }
            if occ is not None:
                orders["occlusion"] = turn_scores(occ.turn_total, occ.present, direction=ig_dir)
            if truth is not None and session.session_id in truth.signal_turns:
                signal = np.asarray(truth.signal_turns[session.session_id], float)
                orders["truth"] = signal + 1e-3 * rng.random(session.n_turns)
            for name, scores in orders.items():
                found[name] = deletion_insertion(model, inputs, scores, target=target)
            seconds["curves"] = time.perf_counter() - t0
        results.append(SessionExplanation(session, shap, ig, occ, found, seconds))
    return CorpusExplanation(sessions=results, target=target, truth=truth, removal=removal)
