"""Ablation table: MIMML and its variants on the synthetic corpus, mean +- sd over seeds.

Variants: full MIMML; without CPC; without BA; without any MI term; without
multi-task; each fusion block (gru, cnn, concat: the "-gate" rows); text, audio, video
alone; early fusion (concatenate + MLP); late fusion (average of unimodal predictions).
One more, only with ``--only "+ per-window centering"``: full MIMML with
``center_turns=True`` (the normalisation chapter 04 discusses).
Each run trains with the same time box and seed list; the test split is scored at
session level. The ceiling column is the oracle's balanced accuracy on the same test
sessions when it may only look at the variant's modalities.

The 47 test sessions are a small sample: one balanced accuracy on them has a 95 % interval
about +-0.1 wide, and the oracle's own score there (0.90 on the default corpus) is far above
its average over new people (0.83). With ``--fresh N`` every run is also scored on N fresh
sessions from the same generator (seed 1: new people, never used for training or model
selection), beside the oracle on the same fresh sessions: the columns to compare variants
whose test-split scores sit at the ceiling.

    .venv/bin/python bench/ablation.py [--seeds 5] [--seconds 30] [--fresh 1000] \\
        [--csv ablation.csv]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time

import numpy as np
import torch

from mimml_edu.config import Config
from mimml_edu.data.oracle import oracle_posterior
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.evaluate import evaluate
from mimml_edu.metrics import balanced_accuracy
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
    # not one of the paper-style variants: run it with --only (chapter 04 quotes it)
    "+ per-window centering": {"center_turns": True},
}
DEFAULT_VARIANTS = tuple(k for k in VARIANTS if k != "+ per-window centering")
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
    parser.add_argument(
        "--fresh", type=int, default=0, help="also score on this many fresh sessions (0: no)"
    )
    parser.add_argument("--csv", default="ablation.csv")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    knobs = {k: float(v) for k, _, v in (item.partition("=") for item in args.knob)}
    corpus = make_corpus(args.sessions, seed=0, **knobs)
    train, dev, test = corpus.split("train"), corpus.split("dev"), corpus.split("test")
    labels = [s.label for s in test]
    fresh = make_corpus(args.fresh, seed=1, **knobs).sessions if args.fresh else []
    wanted = DEFAULT_VARIANTS if args.only is None else args.only
    unknown = [k for k in wanted if k not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; known: {list(VARIANTS)}")
    variants = {k: VARIANTS[k] for k in wanted}
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
        fresh_values = {m: [] for m in METRICS}
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
            if fresh:
                f = evaluate(result.model, fresh, k=config.train.k, n_boot=0)
                for m in METRICS:
                    fresh_values[m].append(f.metrics[m]["value"])
        row = {
            "variant": name,
            "oracle_balanced_accuracy": round(ceiling, 4),
            "seeds": args.seeds,
            "seconds_per_run": round(float(np.mean(seconds)), 1),
        }
        for m in METRICS:
            row[f"{m}_mean"] = round(float(np.nanmean(values[m])), 4)
            row[f"{m}_sd"] = round(float(np.nanstd(values[m], ddof=1)), 4) if args.seeds > 1 else 0
        fresh_note = ""
        if fresh:
            fresh_ceiling = balanced_accuracy(
                [s.label for s in fresh],
                oracle_posterior(fresh, corpus.config, modalities=mods).predictions(),
            )
            row["fresh_sessions"] = len(fresh)
            row["fresh_oracle_balanced_accuracy"] = round(fresh_ceiling, 4)
            for m in METRICS:
                v = fresh_values[m]
                row[f"fresh_{m}_mean"] = round(float(np.nanmean(v)), 4)
                row[f"fresh_{m}_sd"] = round(float(np.nanstd(v, ddof=1)), 4) if len(v) > 1 else 0
            f_ba, f_sd = row["fresh_balanced_accuracy_mean"], row["fresh_balanced_accuracy_sd"]
            fresh_note = f"; fresh {f_ba:.3f} +- {f_sd:.3f} (oracle {fresh_ceiling:.3f})"
        rows.append(row)
        ba, sd = row["balanced_accuracy_mean"], row["balanced_accuracy_sd"]
        print(f"  {name:<34} BA {ba:.3f} +- {sd:.3f}  (oracle {ceiling:.3f}){fresh_note}",
              flush=True)  # fmt: skip
    with open(args.csv, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print()
    head = f"{'variant':<34} {'bal. acc.':>15} {'macro-F1':>15} {'AUROC':>15} {'oracle BA':>9}"
    if fresh:
        head += f" {'fresh bal. acc.':>15} {'fresh oracle':>12}"
    print(head + "\n" + "-" * len(head))
    for r in rows:
        cells = [f"{r[f'{m}_mean']:.3f} +- {r[f'{m}_sd']:.3f}" for m in METRICS]
        line = (f"{r['variant']:<34} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15} "
                f"{r['oracle_balanced_accuracy']:>9.3f}")  # fmt: skip
        if fresh:
            f_ba, f_sd = r["fresh_balanced_accuracy_mean"], r["fresh_balanced_accuracy_sd"]
            cell = f"{f_ba:.3f} +- {f_sd:.3f}"
            line += f" {cell:>15} {r['fresh_oracle_balanced_accuracy']:>12.3f}"
        print(line)
    where = f"test split and {len(fresh)} fresh sessions" if fresh else "test split"
    print(f"\n(session level, {where}; CSV: {args.csv})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
