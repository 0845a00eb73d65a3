"""Benchmark MI estimators against the analytic truth on correlated Gaussians.

Standard protocol (the defaults): d = 20, MI staircase 2, 4, 6, 8, 10 nats, batch 64,
Adam lr 5e-4, separable critic (ReLU MLPs, hidden 256, embedding 32), one critic per
estimator trained through all stages. Prints a table and, with --csv, writes columns
``estimator,critic,data,steps_per_stage,true_mi,mean,std,median,seconds,note`` (seconds: wall
time of that estimator's whole run, repeated on each of its rows). An estimator whose
critic diverges (inf/NaN scores) is reported as DIVERGED, with ``nan`` in its CSV rows and
the reason (step and stage) in ``note``, and the benchmark goes on with the next one.

    .venv/bin/python bench/mi_gaussian.py --steps-per-stage 1000 --csv /tmp/mi.csv

Chapter 05 reads its closing tables from ``bench/results/mi_gaussian.csv`` and
``bench/results/mi_gaussian_cubic.csv`` (see ``bench/results/README.md``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import torch

from mimml_edu.mi_lab.staircase import ESTIMATOR_NAMES, score_estimator, train_staircase

COLUMNS = (
    "estimator",
    "critic",
    "data",
    "steps_per_stage",
    "true_mi",
    "mean",
    "std",
    "median",
    "seconds",
    "note",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--estimators",
        default=",".join(ESTIMATOR_NAMES),
        help="comma-separated names (default: all): " + ", ".join(ESTIMATOR_NAMES),
    )
    p.add_argument("--steps-per-stage", type=int, default=1000)
    p.add_argument(
        "--window",
        type=int,
        default=None,
        help="statistics over the last N steps of each stage (default: all)",
    )
    p.add_argument("--mi", default="2,4,6,8,10", help="comma-separated staircase in nats")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--critic", choices=("separable", "concat"), default="separable")
    p.add_argument("--data", choices=("gaussian", "cubic"), default="gaussian")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--dim", type=int, default=20)
    p.add_argument("--csv", type=Path, default=None, help="write the table to this CSV file")
    p.add_argument(
        "--figure",
        type=Path,
        default=None,
        help="save the staircase figure (PNG/SVG/PDF by suffix) to this file",
    )
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    args = p.parse_args(argv)
    args.estimators = [n.strip() for n in args.estimators.split(",") if n.strip()]
    for name in args.estimators:
        if name not in ("ba", "club"):
            try:
                score_estimator(name)
            except ValueError as err:
                p.error(str(err))
    args.mi = [float(v) for v in args.mi.split(",")]
    if args.window is not None and not 1 <= args.window <= args.steps_per_stage:
        p.error(f"--window must be between 1 and --steps-per-stage ({args.steps_per_stage})")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    header = (
        f"{'estimator':<10} {'critic':<10} {'true_mi':>7} {'mean':>8} {'std':>8} "
        f"{'median':>8} {'ms/step':>8}"
    )
    print(
        f"# d={args.dim} batch={args.batch_size} lr={args.lr} data={args.data} "
        f"steps/stage={args.steps_per_stage} window={args.window or 'all'} "
        f"threads={args.threads} seed={args.seed}"
    )
    print(header)
    rows = []
    results = []
    writer = None
    handle = None
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        handle = args.csv.open("w", newline="")
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
    try:
        for name in args.estimators:
            try:
                result = train_staircase(
                    name,
                    mi_values=args.mi,
                    steps_per_stage=args.steps_per_stage,
                    batch_size=args.batch_size,
                    lr=args.lr,
                    dim=args.dim,
                    critic=args.critic,
                    data=args.data,
                    seed=args.seed,
                )
            except FloatingPointError as err:  # a diverged estimator is a result, not a crash
                print(f"{name:<10} DIVERGED: {err}", flush=True)
                for truth in args.mi:
                    row = {
                        "estimator": name,
                        "critic": args.critic,
                        "data": args.data,
                        "steps_per_stage": args.steps_per_stage,
                        "true_mi": truth,
                        "mean": "nan",
                        "std": "nan",
                        "median": "nan",
                        "seconds": "nan",
                        "note": str(err),
                    }
                    if writer is not None:
                        writer.writerow(row)
                continue
            results.append(result)
            for stats in result.stage_stats(args.window):
                row = {
                    "estimator": name,
                    "critic": result.critic,
                    "data": args.data,
                    "steps_per_stage": args.steps_per_stage,
                    **stats,
                    "seconds": round(result.seconds, 3),
                    "note": "",
                }
                rows.append(row)
                print(
                    f"{name:<10} {result.critic:<10} {stats['true_mi']:>7.1f} "
                    f"{stats['mean']:>8.3f} {stats['std']:>8.3f} {stats['median']:>8.3f} "
                    f"{result.ms_per_step:>8.2f}",
                    flush=True,
                )
                if writer is not None:
                    writer.writerow(
                        {k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}
                    )
                    handle.flush()
    finally:
        if handle is not None:
            handle.close()
    if args.figure is not None and results:
        from mimml_edu.plots.mi import plot_staircase

        args.figure.parent.mkdir(parents=True, exist_ok=True)
        plot_staircase(results).savefig(args.figure, dpi=120)
        print(f"# figure written to {args.figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
