"""Benchmark the explanations against the synthetic corpus's ground truth; print a table.

For each knob setting: generate the corpus (``--n-sessions``, default 189 like DAIC-WOZ),
train MIMML briefly (``--epochs``), explain the test sessions (``--max-sessions``); the last
two rows explain committed checkpoints without training: chapter 09's on its own corpus,
and ``mimml_synthetic`` (trained for 12 epochs on the default corpus). Each row reports

- the model's session-level test AUROC (how much there is to explain);
- turn AUROC of IG and occlusion against the true signal turns (centred score, and IG's
  plain ``|a_t|`` score); channel AUROC per modality;
- the modality ranking (mean |Shapley| vs the generator's strengths: Spearman, correct?),
  with modalities removed by drawing them from 8 training sessions (``background``), and,
  for comparison, by the training mean (``rank_mean``);
- IG's convergence delta relative to ``|F(x) - F(baseline)|`` (median, max, share < 1 %);
- deletion/insertion areas (|change| of the log-odds; larger = better) for the IG, random
  and true-signal orderings;
- seconds per session for each method.

Targets (issue 7): turn AUROC >= 0.9 on the default corpus; ranking correct for every
setting; relative IG delta < 1 %. Run: ``python bench/explain.py [--csv FILE]``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mimml_edu.config import Config, ModelConfig, TrainConfig
from mimml_edu.data.channels import DIMS
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions
from mimml_edu.explain import (
    GroundTruth,
    explain_sessions,
    modality_ranking,
    modality_shapley,
    session_inputs,
)
from mimml_edu.explain.demo import chapter_model
from mimml_edu.train import fit, load_checkpoint, packaged_checkpoint

EASY = {"amplitude": 1.5, "identity": 0.0, "tau": 0.5}
SETTINGS: dict[str, dict] = {
    "default": {},
    "t1/a.5/v0": {"strength": {"text": 1.0, "audio": 0.5, "video": 0.0}},
    "t0/a1/v.5": {"strength": {"text": 0.0, "audio": 1.0, "video": 0.5}},
    "t.5/a0/v1": {"strength": {"text": 0.5, "audio": 0.0, "video": 1.0}},
    "easy": dict(EASY),
    "easy t1/a.5/v0": {**EASY, "strength": {"text": 1.0, "audio": 0.5, "video": 0.0}},
    "chapter 09 checkpoint": {},  # the committed model of chapter 09 on its own corpus
    "default, packaged mimml_synthetic": {},  # the model engineer's committed checkpoint
}


def run_setting(name: str, knobs: dict, args: argparse.Namespace) -> dict:
    t0 = time.perf_counter()
    k, stride = 16, None
    if name == "chapter 09 checkpoint":
        model, corpus, _ = chapter_model()
    elif name == "default, packaged mimml_synthetic":
        model, saved, _ = load_checkpoint(packaged_checkpoint("mimml_synthetic"))
        k, stride = saved.train.k, saved.train.stride
        corpus = make_corpus(189, seed=0)  # the corpus it was trained on
    else:
        corpus = make_corpus(args.n_sessions, seed=args.seed, **knobs)
        config = Config(
            model=ModelConfig(input_dims=dict(DIMS), d_proj=32, d_h=16, d_z=32),
            train=TrainConfig(epochs=args.epochs, batch_size=64, lr=1e-3, early_stopping=100),
        )
        model = fit(config, corpus.split("train"), corpus.split("dev"), progress=False).model
    train_s = time.perf_counter() - t0
    test = corpus.split("test")
    model_auroc = compute_metrics(to_sessions(predict_windows(model, test)))["auroc"]
    result = explain_sessions(
        model,
        test[: args.max_sessions],
        truth=GroundTruth.from_corpus(corpus),
        background=corpus.split("train")[:8],
        k=k,
        stride=stride,
        n_steps=args.n_steps,
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
    curves = s["deletion_insertion"]
    return {
        "setting": name,
        "oracle_bacc": corpus.oracle_balanced_accuracy("test"),
        "model_auroc": model_auroc,
        "train_s": train_s,
        "turn_auroc_ig": faith["turn_auroc_ig"],
        "turn_auroc_occ": faith["turn_auroc_occlusion"],
        "turn_auroc_ig_plain": faith["turn_auroc_ig_uncentered"],
        **{f"chan_auroc_{m}": v for m, v in faith["channel_auroc_ig"].items()},
        **{f"shap_{m}": v for m, v in s["shapley_mean_abs"].items()},
        "spearman": faith["modality_ranking"]["spearman"],
        "ranking_ok": faith["modality_ranking"]["correct"],
        "rank_mean_ok": rank_mean.correct,
        "ig_rel_delta_med": ig["relative_delta_median"],
        "ig_rel_delta_max": ig["relative_delta_max"],
        "ig_under_1pct": ig["share_under_1pct"],
        "del_auc_ig": curves["ig"]["deletion_auc"],
        "del_auc_random": curves["random"]["deletion_auc"],
        "del_auc_truth": curves["truth"]["deletion_auc"],
        "ins_auc_ig": curves["ig"]["insertion_auc"],
        "ins_auc_random": curves["random"]["insertion_auc"],
        "ins_auc_truth": curves["truth"]["insertion_auc"],
        **{f"s_{k}": v for k, v in sec.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-sessions", type=int, default=189)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--max-sessions", type=int, default=20)
    parser.add_argument("--n-steps", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--settings", nargs="*", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--csv", default=None, help="also write the rows to this CSV file")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = []
    for name in args.settings:
        rows.append(run_setting(name, SETTINGS[name], args))
        _print(rows)
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


def _print(rows: list[dict]) -> None:
    cols = list(rows[0])
    print("\n" + " | ".join(cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            cells.append(f"{v:.3g}" if isinstance(v, float) else str(v))
        print(" | ".join(cells))
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
