"""Milliseconds per training step of each MI estimator at the standard protocol.

One step = draw a batch of 64 correlated-Gaussian pairs (d = 20), critic forward, estimator,
backward, Adam update (separable critic, hidden 256, embedding 32; BA/CLUB: a Gaussian q
with hidden 256). Estimators are timed in interleaved rounds, so a burst of load from other
processes hits all of them alike; the table gives the best and the median round. With
--csv, writes the columns ``estimator,best_ms,median_ms,rounds,steps,threads`` (chapter 05
reads ``bench/results/mi_step_time.csv``).

    .venv/bin/python bench/mi_step_time.py --rounds 5 --steps 100 --threads 1
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

import torch

from mimml_edu.mi_lab.gaussian import sample_correlated_gaussian
from mimml_edu.mi_lab.staircase import ESTIMATOR_NAMES, make_trainable


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--estimators", default=",".join(ESTIMATOR_NAMES))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=100, help="timed steps per round")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--critic", choices=("separable", "concat"), default="separable")
    p.add_argument("--csv", type=Path, default=None, help="write the table to this CSV file")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    names = [n.strip() for n in args.estimators.split(",") if n.strip()]
    setups = {}
    for name in names:
        trainable = make_trainable(name, dim=20, critic=args.critic)
        setups[name] = (trainable, torch.optim.Adam(trainable.module.parameters(), lr=5e-4))
    generator = torch.Generator().manual_seed(1)
    times: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(args.rounds):
        for name in names:
            trainable, optimizer = setups[name]
            start = time.perf_counter()
            for _ in range(args.steps):
                x, y = sample_correlated_gaussian(
                    batch_size=64, dim=20, mi=6.0, generator=generator
                )
                loss, _estimate = trainable.step_fn(x, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
            times[name].append(1000 * (time.perf_counter() - start) / args.steps)
    print(
        f"# ms per training step, {args.rounds} rounds x {args.steps} steps, "
        f"threads={args.threads}, critic={args.critic}, batch 64, d 20"
    )
    print(f"{'estimator':<10} {'best':>7} {'median':>7}")
    rows = []
    for name in names:
        best, median = min(times[name]), statistics.median(times[name])
        print(f"{name:<10} {best:>7.2f} {median:>7.2f}")
        rows.append(
            {
                "estimator": name,
                "best_ms": round(best, 3),
                "median_ms": round(median, 3),
                "rounds": args.rounds,
                "steps": args.steps,
                "threads": args.threads,
            }
        )
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        with args.csv.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
