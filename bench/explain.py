"""Benchmark the explanations against the synthetic corpus's ground truth; print a table.

For each knob setting: generate the corpus (``--n-sessions``, default 189 like DAIC-WOZ),
train the full MIMML with the package's default ``Config`` (up to ``--epochs`` epochs,
early stopping on dev macro-F1, the best dev epoch kept), explain the test sessions (all
47 by default, ``--max-sessions``); the last two rows explain committed checkpoints
without training: chapter 09's (recipe ``mimml_explain``) on its own corpus, and
``mimml_synthetic`` (the compact model of the default corpus), both from
:mod:`mimml_edu.pretrained`. Each row reports

- the model's session-level test AUROC (how much there is to explain) and its best epoch,
  and its test AUROC with each modality masked in every turn (``auroc_without_*``: how much
  the model leans on that modality, a modality without signal included);
- turn AUROC against the true signal turns: IG and occlusion with the default score, the
  turn's *support for the prediction* (``a_t * sign(F(x))``); IG with that support counted
  in channels weighted by their mean support for the prediction over the explained
  sessions, clipped at 0 (``relevant``, the target's score; the same with the earlier
  weights, mean |channel attribution|, is the diagnostic ``..._by_magnitude``); IG's unsigned
  ``|a_t - median|`` (``centred``) and ``|a_t|`` (``plain``) for comparison; channel AUROC
  per modality (see :mod:`mimml_edu.explain.faithfulness`);
- the modality ranking: each modality's global importance, the Shapley value of how much
  it lowers the class-balanced log-loss over the explained sessions (``sage_*``, SAGE),
  against the generator's exact informativeness (``info_*``, the SNR of the oracle's
  statistic; within a factor 1.25 = tied): Spearman, correct? Modalities are removed by
  drawing them from 8 training sessions (``background``). For comparison, the ranking by
  mean |Shapley| (``shap_*``, how far a modality moves the output:
  ``ranking_abs_shapley_ok``) and by mean |Shapley| with the training-mean removal
  against the strengths (``rank_mean_ok``, the earlier criterion);
- IG's convergence delta relative to ``|F(x) - F(baseline)|`` (median, max, share < 1 %),
  with ``--n-steps`` Gauss-Legendre steps (default 128), doubled for a session (up to
  1024, ``ig_steps_max``) until its delta is under ``--ig-tolerance`` (default 1 %);
- deletion/insertion areas (|change| of the log-odds; larger = better) for the IG, random
  and true-signal orderings;
- seconds per session for each method.

``--train-seeds 0 1 2 3 4`` trains each setting's model once per seed on the same corpus
(``--seed``) and prints the spread over the seeds at the end: one training run is one draw,
and the turn AUROC of one model moves by a few hundredths from seed to seed. ``--split dev``
explains the dev split instead (where the turn score's channel weights were chosen:
``relevant`` against ``diag_turn_auroc_relevant_by_magnitude``). ``--fresh N``
adds the ``relevant`` turn AUROC on N new sessions from the same generator for each trained
model (``fresh_*``), since 47 test sessions give about +-0.02.

Targets: turn AUROC >= 0.9 on the default corpus; ranking correct for every
setting; relative IG delta < 1 %. A wrong ranking is printed with the model's own test
AUROC without the modality ranked too high, so a model that leans on a modality without
signal shows up as such. Run: ``python bench/explain.py [--csv FILE]``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import time

import numpy as np
import torch

from mimml_edu.config import Config, ModelConfig, TrainConfig
from mimml_edu.data.batch import MODALITIES
from mimml_edu.data.channels import DIMS
from mimml_edu.data.generator import signal_weights
from mimml_edu.data.oracle import oracle_posterior
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions
from mimml_edu.explain import (
    GroundTruth,
    explain_sessions,
    modality_ranking,
    modality_shapley,
    prediction_direction,
    session_inputs,
    turn_auroc,
)
from mimml_edu.explain.faithfulness import mean_ignoring_nan, relevance_weighted_turns
from mimml_edu.metrics import auroc
from mimml_edu.pretrained import RECIPES, load_pretrained
from mimml_edu.train import fit

EASY = {"amplitude": 1.5, "identity": 0.0, "tau": 0.5}
SETTINGS: dict[str, dict] = {
    "default": {},
    "t1/a.5/v0": {"strength": {"text": 1.0, "audio": 0.5, "video": 0.0}},
    "t0/a1/v.5": {"strength": {"text": 0.0, "audio": 1.0, "video": 0.5}},
    "t.5/a0/v1": {"strength": {"text": 0.5, "audio": 0.0, "video": 1.0}},
    "easy": dict(EASY),
    "easy t1/a.5/v0": {**EASY, "strength": {"text": 1.0, "audio": 0.5, "video": 0.0}},
    "chapter 09 checkpoint": {},  # recipe mimml_explain on its own corpus
    "default, packaged mimml_synthetic": {},  # recipe mimml_synthetic on the default corpus
}
#: The settings that explain a committed checkpoint instead of training a model.
CHECKPOINT_SETTINGS = ("chapter 09 checkpoint", "default, packaged mimml_synthetic")


def run_setting(name: str, knobs: dict, args: argparse.Namespace, train_seed: int) -> dict:
    t0 = time.perf_counter()
    k, stride, best_epoch = 16, None, None
    if name in CHECKPOINT_SETTINGS:
        recipe = "mimml_explain" if name == "chapter 09 checkpoint" else "mimml_synthetic"
        model, saved, _ = load_pretrained(recipe, train_if_missing=False)
        k, stride = saved.train.k, saved.train.stride
        corpus = RECIPES[recipe].load_corpus().synthetic  # the corpus it was trained on
    else:
        corpus = make_corpus(args.n_sessions, seed=args.seed, **knobs)
        config = Config(
            model=ModelConfig(input_dims=dict(DIMS), dropout=args.dropout),
            train=TrainConfig(epochs=args.epochs, seed=train_seed),
        ).validate()
        fitted = fit(config, corpus.split("train"), corpus.split("dev"), progress=False)
        model, best_epoch = fitted.model, fitted.best_epoch
    train_s = time.perf_counter() - t0
    test = corpus.split(args.split)
    windows = predict_windows(model, test, k=k, stride=stride)
    model_auroc = compute_metrics(to_sessions(windows))["auroc"]
    result = explain_sessions(
        model,
        test[: args.max_sessions] if args.max_sessions else test,
        truth=GroundTruth.from_corpus(corpus),
        background=corpus.split("train")[:8],
        k=k,
        stride=stride,
        n_steps=args.n_steps,
        ig_tolerance=args.ig_tolerance or None,
        progress=False,
    )
    s = result.summary()
    by_mean = [
        modality_shapley(model, session_inputs(model, e.session, k=k, stride=stride)).shapley
        for e in result.sessions
    ]
    rank_mean = modality_ranking(
        {m: float(np.mean([abs(v[m]) for v in by_mean])) for m in by_mean[0]},
        corpus.config.strength,
    )
    faith, ig, sec = s["faithfulness"], s["ig_convergence"], s["seconds_per_session"]
    info = faith["modality_ranking"]["informativeness"] or {}
    oracle_single = _oracle_single_modality(corpus, args.seed)
    curves = s["deletion_insertion"]
    trained = name not in CHECKPOINT_SETTINGS
    return {
        "setting": name,
        "train_seed": train_seed if trained else None,
        "oracle_bacc": corpus.oracle_balanced_accuracy(args.split),
        "model_auroc": model_auroc,
        **{
            f"auroc_without_{m}": _masked_auroc(model, test, m, k, stride)
            for m in model.config.modalities
        },
        "best_epoch": best_epoch,
        "train_s": train_s,
        "n_explained": s["n_sessions"],
        "turn_auroc_ig": faith["turn_auroc_ig"],
        "turn_auroc_ig_relevant": faith["turn_auroc_ig_relevant"],
        "turn_auroc_occ": faith["turn_auroc_occlusion"],
        "turn_auroc_ig_centred": faith["turn_auroc_ig_centred"],
        "turn_auroc_ig_plain": faith["turn_auroc_ig_plain"],
        **_turn_diagnostics(result, corpus),
        **(_fresh_turns(model, corpus, args) if trained and args.fresh else {}),
        **{f"chan_auroc_{m}": v for m, v in faith["channel_auroc_ig"].items()},
        **{f"shap_{m}": v for m, v in s["shapley_mean_abs"].items()},
        **{f"sage_{m}": v for m, v in s.get("shapley_loss", {}).items()},
        **{f"info_{m}": v for m, v in info.items()},
        "spearman": faith["modality_ranking"]["spearman"],
        "ranking_ok": faith["modality_ranking"]["correct"],
        "ranking_abs_shapley_ok": faith["modality_ranking"]["correct_by_mean_abs_shapley"],
        "rank_mean_ok": rank_mean.correct,
        "zero_last": _zero_last(s["shapley_mean_abs"], corpus.config.strength),
        **{f"oracle_auroc_{m}": v for m, v in oracle_single.items()},
        "finding": _ranking_finding(
            model, test, s, corpus.config.strength, oracle_single, model_auroc, k, stride
        ),
        "ig_rel_delta_med": ig["relative_delta_median"],
        "ig_rel_delta_max": ig["relative_delta_max"],
        "ig_under_1pct": ig["share_under_1pct"],
        "ig_steps_max": ig["steps_max"],
        "del_auc_ig": curves["ig"]["deletion_auc"],
        "del_auc_random": curves["random"]["deletion_auc"],
        "del_auc_truth": curves["truth"]["deletion_auc"],
        "ins_auc_ig": curves["ig"]["insertion_auc"],
        "ins_auc_random": curves["random"]["insertion_auc"],
        "ins_auc_truth": curves["truth"]["insertion_auc"],
        **{f"s_{k}": v for k, v in sec.items()},
    }


def _turn_diagnostics(result, corpus) -> dict:
    """References that use the truth (never targets): IG's support counted in the true
    signal channels only (how much the model's reaction to channels without signal costs),
    the data's own per-turn evidence ``|sum_m strength_m * sum_c w_c x_tc|`` (the turn AUROC
    a detector that knew the channels would reach), the same evidence signed by the model's
    prediction (the ceiling for any score that, like ``support``, takes the direction from
    the prediction), and the ``relevant`` turn AUROC split by
    whether the model classifies the session correctly (``n_wrong`` sessions it does not:
    there the turns that support the wrong prediction are not the signal turns)."""
    truth_ch, strength = corpus.signal_channels, corpus.config.strength
    by_magnitude = {m: result.channel_attribution(m) for m in MODALITIES}  # earlier weights
    in_channels, data, data_signed, magnitude = [], [], [], []
    for e in result.sessions:
        signal = corpus.signal_turns[e.session.session_id]
        direction = prediction_direction(e.ig.output, "logit")
        total = sum(e.ig.features[m][:, truth_ch[m]].sum(axis=1) for m in MODALITIES)
        in_channels.append(turn_auroc(total, e.ig.present, signal, direction=direction))
        evidence = _data_evidence(e.session, strength)
        data.append(turn_auroc(evidence, e.ig.present, signal, center=False))
        data_signed.append(turn_auroc(evidence, e.ig.present, signal, direction=direction))
        weighted = relevance_weighted_turns(e.ig.features, by_magnitude)
        magnitude.append(turn_auroc(weighted, e.ig.present, signal, direction=direction))
    relevant = result.turn_aurocs("ig", score="relevant")
    correct = _classified_correctly(result)
    return {
        "diag_turn_auroc_signal_channels": mean_ignoring_nan(in_channels),
        "diag_turn_auroc_data": mean_ignoring_nan(data),
        "diag_turn_auroc_data_pred_sign": mean_ignoring_nan(data_signed),
        "diag_turn_auroc_relevant_by_magnitude": mean_ignoring_nan(magnitude),
        "diag_turn_auroc_relevant_correct": mean_ignoring_nan(relevant[correct]),
        "diag_turn_auroc_relevant_wrong": mean_ignoring_nan(relevant[~correct]),
        "n_wrong": int((~correct).sum()),
    }


def _data_evidence(session, strength: dict[str, float]) -> np.ndarray:
    """(n_turns,) ``sum_m strength_m * sum_c w_c x_tc`` over the true signal channels."""
    evidence = np.zeros(session.n_turns)
    for m in MODALITIES:
        idx, signs = signal_weights(m)
        x = session.features[m][:, idx].astype(np.float64) @ signs
        evidence += strength[m] * np.where(session.masks[m], x, 0.0)
    return evidence


def _classified_correctly(result) -> np.ndarray:
    """(n_sessions,) bool: the model's predicted class is the session's label."""
    return np.array(
        [
            prediction_direction(e.ig.output, "logit") == 2 * e.session.label - 1
            for e in result.sessions
        ]
    )


def _fresh_corpus(corpus, n: int, seed: int):
    """``n`` new sessions from the generator (every knob of ``corpus``), another seed."""
    knobs = {f.name: getattr(corpus.config, f.name) for f in dataclasses.fields(corpus.config)}
    knobs.pop("n_sessions")
    return make_corpus(n, seed=seed, **knobs)


def _fresh_turns(model, corpus, args) -> dict:
    """The ``relevant`` turn AUROC on ``--fresh`` new sessions from the same generator (new
    participants; relevance weights from these sessions' own attributions), overall and on
    the sessions the model classifies correctly: 47 test sessions give about +-0.02."""
    fresh = _fresh_corpus(corpus, args.fresh, args.seed + 2000)
    result = explain_sessions(
        model,
        fresh.sessions,
        truth=GroundTruth.from_corpus(fresh),
        background=corpus.split("train")[:8],
        n_steps=args.n_steps,
        ig_tolerance=args.ig_tolerance or None,
        occlusion=False,
        curves=False,
        progress=False,
    )
    relevant = result.turn_aurocs("ig", score="relevant")
    correct = _classified_correctly(result)
    ceiling = [
        turn_auroc(
            _data_evidence(e.session, corpus.config.strength),
            e.ig.present,
            fresh.signal_turns[e.session.session_id],
            direction=prediction_direction(e.ig.output, "logit"),
        )
        for e in result.sessions
    ]
    return {
        "fresh_n": len(result.sessions),
        "fresh_diag_data_pred_sign": mean_ignoring_nan(ceiling),
        "fresh_turn_auroc_ig_relevant": mean_ignoring_nan(relevant),
        "fresh_turn_auroc_ig_relevant_se": float(np.nanstd(relevant, ddof=1))
        / np.sqrt(np.isfinite(relevant).sum()),
        "fresh_turn_auroc_ig_relevant_correct": mean_ignoring_nan(relevant[correct]),
        "fresh_n_wrong": int((~correct).sum()),
    }


def _oracle_single_modality(corpus, seed: int, n: int = 1000) -> dict[str, float]:
    """modality -> AUROC of the Bayes oracle that sees only that modality, on ``n`` fresh
    sessions from the same generator (NaN for a modality without signal): how much each
    modality tells about the label, whatever its strength knob."""
    fresh = _fresh_corpus(corpus, n, seed + 1000)
    out = {}
    for m in MODALITIES:
        if fresh.config.strength[m] == 0:
            out[m] = float("nan")
            continue
        posterior = oracle_posterior(fresh.sessions, fresh.config, modalities=(m,))
        out[m] = auroc(fresh.labels, posterior.p_depressed)
    return out


def _zero_last(importance: dict[str, float], strength: dict[str, float]) -> bool | None:
    """Whether every modality without signal has a smaller mean |Shapley| than every
    modality with signal (None when all modalities carry signal)."""
    zero = [m for m in importance if strength[m] == 0]
    rest = [m for m in importance if strength[m] > 0]
    if not zero:
        return None
    return max(importance[m] for m in zero) < min(importance[m] for m in rest)


def _ranking_finding(model, test, summary, strength, oracle_single, model_auroc, k, stride) -> str:
    """Empty when the ranking is right; else what the model and the data say.

    A modality without signal that is not last is the model's doing (the data give it
    nothing): the test AUROC with that modality masked says how much the model leans on it.
    Otherwise the modality ranked too high is named, with the single-modality Bayes AUROC
    (how much each modality tells about the label, whatever its strength knob).
    """
    ranking = summary["faithfulness"]["modality_ranking"]
    if ranking["correct"]:
        return ""
    importance = summary[ranking["importance"]]
    zero = [m for m in importance if strength[m] == 0]
    with_signal = [m for m in importance if strength[m] > 0]
    loud = [m for m in zero if importance[m] > min(importance[n] for n in with_signal)]
    if loud:
        m = loud[0]
        text = f"{m} (strength 0, no signal) is not last: the model leans on it"
    else:
        m = max(importance, key=importance.get)
        oracle = ", ".join(f"{n} {oracle_single[n]:.3f}" for n in with_signal)
        text = f"{m} (strength {strength[m]}) ranked first; single-modality Bayes AUROC {oracle}"
    masked = _masked_auroc(model, test, m, k, stride)
    return f"{text}; test AUROC {model_auroc:.3f}, with {m} masked {masked:.3f}"


def _masked_auroc(model, sessions, modality: str, k: int, stride: int | None) -> float:
    """Session-level AUROC of the model with ``modality`` masked in every turn."""
    keep = [_without(s, modality) for s in sessions]
    return compute_metrics(to_sessions(predict_windows(model, keep, k=k, stride=stride)))["auroc"]


def _without(session, modality: str):
    """The session with one modality masked in every turn (the model sees it missing)."""
    masks = dict(session.masks)
    masks[modality] = np.zeros_like(masks[modality])
    return dataclasses.replace(session, masks=masks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-sessions", type=int, default=189)
    parser.add_argument("--epochs", type=int, default=30, help="at most; early stopping on dev")
    parser.add_argument("--max-sessions", type=int, default=0, help="0 = all test sessions")
    parser.add_argument("--n-steps", type=int, default=128)
    parser.add_argument(
        "--ig-tolerance",
        type=float,
        default=0.01,
        help="double a session's IG steps (up to 1024) until the relative delta is at most "
        "this (0 = fixed --n-steps)",
    )
    parser.add_argument(
        "--dropout", type=float, default=ModelConfig.dropout, help="of the trained models"
    )
    parser.add_argument("--seed", type=int, default=0, help="of the corpus (and of training)")
    parser.add_argument(
        "--train-seeds",
        type=int,
        nargs="*",
        default=None,
        help="train each setting's model once per seed on the same corpus (default: --seed)",
    )
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument(
        "--split",
        default="test",
        choices=("test", "dev"),
        help="the split explained (dev: where choices between scores are made)",
    )
    parser.add_argument(
        "--fresh",
        type=int,
        default=0,
        help="also explain this many fresh sessions per trained model (turn AUROC only)",
    )
    parser.add_argument("--csv", default=None, help="also write the rows to this CSV file")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = []
    for name in args.settings:
        fixed = name in CHECKPOINT_SETTINGS
        for train_seed in [args.seed] if fixed else args.train_seeds or [args.seed]:
            rows.append(run_setting(name, SETTINGS[name], args, train_seed))
            _print(rows)
    _print_over_seeds(rows)
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=_columns(rows))
            writer.writeheader()
            writer.writerows(rows)
    return 0


def _print_over_seeds(rows: list[dict]) -> None:
    """Per setting trained with several seeds: the spread of the targets over the seeds."""
    names = list(dict.fromkeys(r["setting"] for r in rows))
    lines = []
    for name in names:
        got = [r for r in rows if r["setting"] == name]
        if len(got) < 2:
            continue
        turn = np.array([r["turn_auroc_ig_relevant"] for r in got], dtype=float)
        fresh = np.array([r.get("fresh_turn_auroc_ig_relevant", np.nan) for r in got], float)
        lines.append(
            f"{name} | {len(got)} | {turn.mean():.3f} | {turn.std(ddof=1):.3f} | "
            f"{turn.min():.3f} | {np.mean(fresh):.3f} | {np.min(fresh):.3f} | "
            f"{sum(bool(r['ranking_ok']) for r in got)} | "
            f"{max(r['ig_rel_delta_max'] for r in got):.3g}"
        )
    if lines:
        print(
            "\nover training seeds: setting | seeds | turn_auroc_ig_relevant mean | sd | min"
            " | fresh mean | fresh min | ranking_ok | ig_rel_delta_max (max)"
        )
        print("\n".join(lines))
        sys.stdout.flush()


def _columns(rows: list[dict]) -> list[str]:
    """Every column of any row, in first-seen order (checkpoint rows have no ``fresh_*``)."""
    return list(dict.fromkeys(c for r in rows for c in r))


def _print(rows: list[dict]) -> None:
    cols = _columns(rows)
    print("\n" + " | ".join(cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            cells.append(f"{v:.3g}" if isinstance(v, float) else str(v))
        print(" | ".join(cells))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
