"""``mimml-edu evaluate --checkpoint FILE [--data ...] [--json]``: session-level metrics.

Prints accuracy, balanced accuracy, F1 of each class, macro-F1, AUROC and PHQ-8 MAE/RMSE
at session level with bootstrap 95 % intervals, a gender breakdown, and window-level
metrics labelled as such. ``--data`` defaults to the data the checkpoint was trained on.
"""

from __future__ import annotations

import argparse
import json
import time

from mimml_edu import DISCLAIMER


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True, help="best.pt or last.pt from train")
    parser.add_argument("--data", default=None, help="synthetic[:n=N,seed=S] or a folder")
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (small models: 1 is fastest)"
    )


def run(args: argparse.Namespace) -> int:
    from mimml_edu.commands.train import load_data
    from mimml_edu.evaluate import evaluate
    from mimml_edu.train import load_checkpoint

    start = time.perf_counter()
    import torch

    torch.set_num_threads(max(1, args.threads))
    try:
        model, config, ckpt = load_checkpoint(args.checkpoint)
        spec = args.data or ckpt.get("extra", {}).get("data") or "synthetic"
        data = load_data(spec)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}")
        return 2
    sessions = data.splits.get(args.split) or []
    if not sessions:
        print(f"error: --data {spec}: no {args.split} sessions")
        return 2
    dims = sessions[0].dims()
    if dims != dict(config.model.input_dims):
        print(f"error: {args.checkpoint} expects feature widths {config.model.input_dims}, "
              f"the {args.split} sessions of {spec} have {dims}")  # fmt: skip
        return 2
    evaluation = evaluate(
        model, sessions, k=config.train.k, stride=config.train.stride, n_boot=args.n_boot
    )
    oracle = data.oracle_balanced_accuracy.get(args.split)
    if args.json:
        out = evaluation.to_dict()
        out.update(
            split=args.split,
            data=spec,
            checkpoint=str(args.checkpoint),
            oracle_balanced_accuracy=oracle,
            wall_seconds=time.perf_counter() - start,
        )
        print(json.dumps(out))
        return 0
    print(f"{args.checkpoint} on the {args.split} split of {spec}:")
    print(evaluation.table(oracle={"balanced_accuracy": oracle} if oracle else None))
    print(f"\n{DISCLAIMER}")
    return 0
