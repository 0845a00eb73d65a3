"""Session-level evaluation with bootstrap intervals, a gender breakdown, and window metrics.

Every reported number is **session level** unless its name says otherwise: a session's
P(depressed) is the mean over its windows, its PHQ-8 prediction the mean of its windows'
predictions; the decision threshold is 0.5. Window-level metrics (each window scored
as if it were a session) are available under ``window_level`` and labelled as such.
Intervals: percentile bootstrap over sessions (95 %, 1000 resamples by default);
resamples where a metric is undefined (e.g. AUROC with one class) are skipped, and the
number of resamples used is kept.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from mimml_edu.data.batch import PHQ8_THRESHOLD, Session, WindowDataset
from mimml_edu.metrics import auroc

METRICS = (
    "accuracy",
    "balanced_accuracy",
    "f1_depressed",
    "f1_not_depressed",
    "macro_f1",
    "auroc",
    "phq_mae",
    "phq_rmse",
)
#: metrics where a lower value is better (errors)
LOWER_IS_BETTER = ("phq_mae", "phq_rmse")
#: the metrics the synthetic corpus's oracle is the Bayes-optimal rule for (see
#: :func:`mimml_edu.analysis.oracle_metrics`): deciding "depressed" where the posterior is at
#: least the prevalence maximises expected balanced accuracy, the posterior itself is the best
#: ranking (AUROC), and the posterior mean PHQ-8 minimises the expected squared error (RMSE).
#: For accuracy (the Bayes rule thresholds at 0.5), the F1 scores and MAE (the posterior
#: median) the oracle's numbers are a reference, not a ceiling.
ORACLE_OPTIMAL = ("balanced_accuracy", "auroc", "phq_rmse")


def better(name: str, value: float, reference: float) -> bool:
    """Whether ``value`` of metric ``name`` is better than ``reference`` (lower for errors)."""
    return value < reference if name in LOWER_IS_BETTER else value > reference


@dataclass
class Predictions:
    """Per-item predictions (windows or sessions).

    Attributes:
        session_id: (N,) ids.  prob: (N,) P(depressed).  phq_pred: (N,) predicted PHQ-8.
        label: (N,) true label (-1 unknown).  phq: (N,) true PHQ-8 (NaN unknown).
        gender: (N,) 0 female, 1 male, -1 unknown.
    """

    session_id: list[str]
    prob: np.ndarray
    phq_pred: np.ndarray
    label: np.ndarray
    phq: np.ndarray
    gender: np.ndarray


@torch.no_grad()
def predict_windows(
    model: nn.Module,
    sessions: Sequence[Session],
    *,
    k: int = 16,
    stride: int | None = None,
    batch_size: int = 256,
    device: str | torch.device = "cpu",
) -> Predictions:
    """Run the model over every window of every session (eval mode, no gradients).

    Returns:
        window-level :class:`Predictions`, in session then turn order.
    """
    dataset = WindowDataset(sessions, k=k, stride=stride)
    was_training = model.training
    model.eval()
    probs, phqs = [], []
    for i in range(0, len(dataset), batch_size):
        batch = dataset.collate(dataset.windows[i : i + batch_size]).to(device)
        out = model(batch)
        probs.append(out.prob.cpu())
        phqs.append(out.phq_points.clamp(0, 24).cpu())
    model.train(was_training)
    windows = dataset.windows
    return Predictions(
        session_id=[w.session.session_id for w in windows],
        prob=torch.cat(probs).numpy().astype(np.float64),
        phq_pred=torch.cat(phqs).numpy().astype(np.float64),
        label=np.array([_or(w.session.label, -1) for w in windows]),
        phq=np.array([_or(w.session.phq_score, np.nan) for w in windows], dtype=np.float64),
        gender=np.array([_or(w.session.gender, -1) for w in windows]),
    )


def to_sessions(windows: Predictions) -> Predictions:
    """Average window predictions per session (in order of first appearance)."""
    order: dict[str, list[int]] = {}
    for i, sid in enumerate(windows.session_id):
        order.setdefault(sid, []).append(i)
    idx = list(order.values())
    first = np.array([rows[0] for rows in idx])
    return Predictions(
        session_id=list(order),
        prob=np.array([windows.prob[rows].mean() for rows in idx]),
        phq_pred=np.array([windows.phq_pred[rows].mean() for rows in idx]),
        label=windows.label[first],
        phq=windows.phq[first],
        gender=windows.gender[first],
    )


def compute_metrics(p: Predictions, *, threshold: float = 0.5) -> dict[str, float]:
    """Point metrics; NaN where undefined (no labels, one class for AUROC, no scores).

    Returns:
        metric name (see ``METRICS``) -> value, plus ``n`` and ``n_depressed``.
    """
    known = p.label >= 0
    y, prob = p.label[known], p.prob[known]
    pred = (prob >= threshold).astype(int)
    out = dict.fromkeys(METRICS, math.nan)
    out["n"] = int(known.sum())
    out["n_depressed"] = int((y == 1).sum())
    if known.any():
        out["accuracy"] = float((pred == y).mean())
        recall, f1 = {}, {}
        for c in (0, 1):
            tp = float(((pred == c) & (y == c)).sum())
            n_true, n_pred = float((y == c).sum()), float((pred == c).sum())
            if n_true:
                recall[c] = tp / n_true
                f1[c] = 2 * tp / (n_true + n_pred)
        out["f1_not_depressed"] = f1.get(0, math.nan)
        out["f1_depressed"] = f1.get(1, math.nan)
        if len(recall) == 2:
            out["balanced_accuracy"] = (recall[0] + recall[1]) / 2
            out["macro_f1"] = (f1[0] + f1[1]) / 2
            out["auroc"] = auroc(y, prob)
    scored = ~np.isnan(p.phq)
    if scored.any():
        err = p.phq_pred[scored] - p.phq[scored]
        out["phq_mae"] = float(np.abs(err).mean())
        out["phq_rmse"] = float(np.sqrt((err**2).mean()))
    return out


def bootstrap(
    p: Predictions, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, tuple[float, float, int]]:
    """Percentile bootstrap over items.

    Returns:
        metric -> (low, high, resamples where it was defined).
    """
    groups = [np.array([i]) for i in range(len(p.prob))]
    return seed_bootstrap([p], groups, n_boot=n_boot, seed=seed, level=level)


def seed_bootstrap(
    per_seed: Sequence[Predictions],
    groups: Sequence[np.ndarray],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float, int]]:
    """Percentile interval of each metric's mean over several models, resampling groups.

    Each resample draws groups with replacement (the same draw for every model) and
    averages the metric over the models; a resample where the metric is undefined for
    any model is skipped.

    Args:
        per_seed: one set of predictions per model (seed), the same items in the same
            order.
        groups: the rows of each resampled unit (a session: its row at session level,
            all its windows' rows at window level).
        n_boot: resamples.  seed: of the resampling.  level: of the interval.
    Returns:
        metric -> (low, high, resamples where it was defined).
    """
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {m: [] for m in METRICS}
    for _ in range(n_boot):
        pick = rng.integers(0, len(groups), len(groups))
        rows = np.concatenate([groups[i] for i in pick])
        values = [compute_metrics(subset(p, rows)) for p in per_seed]
        for name in METRICS:
            column = [v[name] for v in values]
            if not any(math.isnan(x) for x in column):
                draws[name].append(float(np.mean(column)))
    tail = (1 - level) / 2 * 100
    out = {}
    for name, values in draws.items():
        if values:
            lo, hi = np.percentile(values, [tail, 100 - tail])
            out[name] = (float(lo), float(hi), len(values))
        else:
            out[name] = (math.nan, math.nan, 0)
    return out


def subset(p: Predictions, rows: np.ndarray) -> Predictions:
    """The predictions of items ``rows`` (integer indices, repeats allowed)."""
    ids = [p.session_id[j] for j in rows]
    return Predictions(ids, p.prob[rows], p.phq_pred[rows], p.label[rows], p.phq[rows],
                       p.gender[rows])  # fmt: skip


@dataclass
class Evaluation:
    """Session-level metrics with intervals, a gender breakdown, and window-level metrics.

    Attributes:
        metrics: name -> {"value", "low", "high"} at session level.
        by_gender: "female"/"male" -> session-level point metrics.
        window_level: window-level point metrics (labelled as such everywhere).
        sessions: the session-level predictions.  n_boot: bootstrap resamples.
    """

    metrics: dict[str, dict[str, float]]
    by_gender: dict[str, dict[str, float]]
    window_level: dict[str, float]
    sessions: Predictions
    n_boot: int
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain JSON-able dict: session-level metric keys at the top level."""
        out: dict = {name: json_ready(v) for name, v in self.metrics.items()}
        out["n_sessions"] = len(self.sessions.prob)
        out["n_depressed"] = int((self.sessions.label == 1).sum())
        out["by_gender"] = {g: json_ready(v) for g, v in self.by_gender.items()}
        out["window_level"] = json_ready(self.window_level)
        out["bootstrap_resamples"] = self.n_boot
        out.update(json_ready(self.extra))
        return out

    def table(self, *, oracle: dict[str, float] | None = None) -> str:
        """A printable table of session-level metrics with 95 % intervals (and the oracle).

        Without bootstrap resamples there is no interval column, and an undefined value (a
        metric that needs both classes) reads ``n/a``, never ``nan``. The oracle column,
        when given, is the synthetic corpus's Bayes rule
        (:func:`~mimml_edu.analysis.oracle_metrics`). It is the best expected score only
        for the metrics of :data:`ORACLE_OPTIMAL` (marked ``*``); a model scoring better
        there on a sample is lucky (or has leaked information), while for the others it
        can be better on average too. "Better" is lower for the errors (MAE, RMSE).
        """
        ci = self.n_boot > 0
        head = f"{'metric (session level)':<24} {'value':>7}" + (f"  {'95% CI':>16}" if ci else "")
        head += f"  {'oracle':>8}" if oracle else ""
        lines = [head, "-" * len(head)]
        for name, v in self.metrics.items():
            row = f"{name:<24} {_num(v['value'], 7)}"
            if ci:
                defined = math.isfinite(v["low"]) and math.isfinite(v["high"])
                interval = f"[{v['low']:6.3f}, {v['high']:6.3f}]" if defined else "undefined"
                row += f"  {interval:>16}"
            if oracle:
                o = oracle.get(name)
                mark = "*" if name in ORACLE_OPTIMAL else " "
                row += f"  {o:7.3f}{mark}" if o is not None else f"  {'':>8}"
            lines.append(row)
        n_dep = int((self.sessions.label == 1).sum())
        lines.append(
            f"({len(self.sessions.prob)} sessions, {n_dep} depressed; "
            + (f"{self.n_boot} bootstrap resamples over sessions)" if ci else
               "no bootstrap intervals: 0 resamples)")
        )  # fmt: skip
        if oracle:
            lines.append(
                "oracle: the Bayes rule; * = the best expected score for that metric "
                "(posterior >= prevalence for balanced accuracy, the posterior for AUROC, "
                "its mean for RMSE); the other rows are a reference, not a ceiling"
            )
        beaten = [
            name
            for name, o in (oracle or {}).items()
            if o is not None
            and name in self.metrics
            and better(name, self.metrics[name]["value"], o)
        ]
        lucky = [name for name in beaten if name in ORACLE_OPTIMAL]
        if lucky:
            lines.append(
                f"note: {', '.join(lucky)} better than the oracle's on these sessions: luck of a "
                "small sample (the oracle is the best *expected* score there; on few sessions "
                "any rule can beat it by chance, as the interval shows)"
            )
        other = [name for name in beaten if name not in ORACLE_OPTIMAL]
        if other:
            lines.append(
                f"note: {', '.join(other)} better than the oracle's: the oracle's rule is not "
                "the optimum for these metrics, so this alone is no sign of luck"
            )
        for g, v in self.by_gender.items():
            lines.append(
                f"{g:<8} n={v['n']:<4} balanced_accuracy={_num(v['balanced_accuracy'])} "
                f"macro_f1={_num(v['macro_f1'])}"
            )
        w = self.window_level
        lines.append(
            f"window level (not session level): n={w['n']} accuracy={_num(w['accuracy'])} "
            f"balanced_accuracy={_num(w['balanced_accuracy'])}"
        )
        return "\n".join(lines)


def evaluate(
    model: nn.Module,
    sessions: Sequence[Session],
    *,
    k: int = 16,
    stride: int | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    device: str | torch.device = "cpu",
) -> Evaluation:
    """Evaluate a model on sessions.

    Args:
        model: a network returning :class:`~mimml_edu.model.mimml.ModelOutput`.
        sessions: the sessions (labels needed for the classification metrics).
        k, stride: windowing, as in training.  n_boot: bootstrap resamples (0 = none).
    Returns:
        :class:`Evaluation`.
    """
    windows = predict_windows(model, sessions, k=k, stride=stride, device=device)
    return evaluate_predictions(windows, n_boot=n_boot, seed=seed)


def evaluate_predictions(windows: Predictions, *, n_boot: int = 1000, seed: int = 0) -> Evaluation:
    """:func:`evaluate` from window-level predictions (``n_boot=0``: no intervals, their
    bounds None in :meth:`Evaluation.to_dict`)."""
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 0:
        raise ValueError(f"n_boot must be an integer >= 0, got {n_boot!r}")
    sessions = to_sessions(windows)
    point = compute_metrics(sessions)
    ci = bootstrap(sessions, n_boot=n_boot, seed=seed) if n_boot else {}
    metrics = {
        name: {
            "value": point[name],
            "low": ci.get(name, (math.nan,) * 3)[0],
            "high": ci.get(name, (math.nan,) * 3)[1],
        }
        for name in METRICS
    }
    by_gender = {}
    for code, name in ((0, "female"), (1, "male")):
        keep = sessions.gender == code
        if keep.any():
            by_gender[name] = compute_metrics(subset(sessions, np.flatnonzero(keep)))
    return Evaluation(metrics, by_gender, compute_metrics(windows), sessions, n_boot)


def _num(value: float, width: int = 5) -> str:
    """``value`` with three decimals, or ``n/a`` when it is undefined (NaN)."""
    return f"{value:{width}.3f}" if math.isfinite(value) else f"{'n/a':>{width}}"


def binary_label(phq: float) -> int:
    """PHQ-8 score -> 1 when >= 10."""
    return int(phq >= PHQ8_THRESHOLD)


def _or(value, default):
    return default if value is None else value


def json_ready(value):
    """A value made valid JSON: NaN and infinities become None, numpy scalars Python
    numbers, tuples lists; dicts (keys as strings) and lists are converted throughout."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "item") and not hasattr(value, "__len__"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
