"""Ablation table: MIMML and its variants on the synthetic corpus, mean +- sd over seeds.

Variants (issue 5): full MIMML; without CPC; without BA; without any MI term; without
multi-task; each fusion block (gru, cnn, concat: the "-gate" rows); text, audio, video
alone; early fusion (concatenate + MLP); late fusion (average of unimodal predictions).
Each run trains with the same time box and seed list; the test split is scored at
session level. The ceiling column is the oracle's balanced accuracy on the same test
sessions when it may only look at the variant's modalities.

    .venv/bin/python bench/ablation.py [--seeds 5] [--seconds 30] [--csv ablation.csv]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from mimml_edu.config import Config
from mimml_edu.data.synthetic import balanced_accuracy, make_corpus, oracle_posterior
from mimml_edu.evaluate import evaluate
from mimml_edu.train import fit

ALL = ("text", "audio", "video")
VARIANTS: dict[str, dict] = {
    "MIMML (full)": {},
    "- CPC": {"mi_cpc": False},
    "- BA": {"mi_ba": False},
    "- MI (no CPC, no BA)": {"mi_cpc": False, "mi_ba": False},
    "- multi-task": {"multitask": False},
    "fusion: BiGRU only": {"fusion": "gru"},
    "fusion: CNN only": {"fusion": "cnn"},
    "fusion: concat (no fusion block)": {"fusion": "concat"},
    "text only": {"modalities": ("text",)},
    "audio only": {"modalities": ("audio",)},
    "video only": {"modalities": ("video",)},
    "early fusion (concat + MLP)": {"fusion": "early"},
    "late fusion (mean of unimodal)": {"fusion": "late"},
}
METRICS = ("balanced_accuracy", "macro_f1", "auroc")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0, help="training time box per run")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument(
        "--knob", action="append", default=[], help="corpus knob KEY=FLOAT (e.g. amplitude=1)"
    )
    parser.add_argument("--sessions", type=int, default=189)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", nargs="*", default=None, help="run these variant names")
    parser.add_argument("--csv", default="ablation.csv")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    knobs = {k: float(v) for k, _, v in (item.partition("=") for item in args.knob)}
    corpus = make_corpus(args.sessions, seed=0, **knobs)
    train, dev, test = corpus.split("train"), corpus.split("dev"), corpus.split("test")
    labels = [s.label for s in test]
    variants = {k: v for k, v in VARIANTS.items() if args.only is None or k in args.only}
    rows = []
    sizes = f"{len(train)}/{len(dev)}/{len(test)}"
    print(f"synthetic corpus n={args.sessions} {knobs or 'default knobs'} ({sizes}), "
          f"{args.seeds} seeds, {args.seconds:g} s per run, threads={args.threads}")  # fmt: skip
    for name, switches in variants.items():
        mods = switches.get("modalities", ALL)
        ceiling = balanced_accuracy(
            labels, oracle_posterior(test, corpus.config, modalities=mods).predictions()
        )
        values = {m: [] for m in METRICS}
        seconds = []
        for seed in range(args.seeds):
            config = Config()
            config.model.input_dims = train[0].dims()
            for key, value in switches.items():
                setattr(config.model, key, value)
            config.train.epochs, config.train.max_seconds = args.epochs, args.seconds
            config.train.seed = seed
            t0 = time.perf_counter()
            result = fit(config.validate(), train, dev, progress=False)
            seconds.append(time.perf_counter() - t0)
            e = evaluate(result.model, test, k=config.train.k, n_boot=0)
            for m in METRICS:
                values[m].append(e.metrics[m]["value"])
        row = {
            "variant": name,
            "oracle_balanced_accuracy": round(ceiling, 4),
            "seeds": args.seeds,
            "seconds_per_run": round(float(np.mean(seconds)), 1),
        }
        for m in METRICS:
            row[f"{m}_mean"] = round(float(np.nanmean(values[m])), 4)
            row[f"{m}_sd"] = round(float(np.nanstd(values[m], ddof=1)), 4) if args.seeds > 1 else 0
        rows.append(row)
        ba, sd = row["balanced_accuracy_mean"], row["balanced_accuracy_sd"]
        print(f"  {name:<34} BA {ba:.3f} +- {sd:.3f}  (oracle {ceiling:.3f})", flush=True)
    with open(args.csv, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print()
    head = f"{'variant':<34} {'bal. acc.':>15} {'macro-F1':>15} {'AUROC':>15} {'oracle BA':>9}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        cells = [f"{r[f'{m}_mean']:.3f} +- {r[f'{m}_sd']:.3f}" for m in METRICS]
        print(f"{r['variant']:<34} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15} "
              f"{r['oracle_balanced_accuracy']:>9.3f}")  # fmt: skip
    print(f"\n(session level, test split; CSV: {args.csv})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
