"""``mimml-edu evaluate --checkpoint FILE [--data SPEC] [--json]``: session-level metrics.

Prints accuracy, balanced accuracy, F1 of each class, macro-F1, AUROC and PHQ-8 MAE/RMSE
at session level with bootstrap 95 % intervals, a gender breakdown, and window-level
metrics labelled as such. ``--data`` defaults to the corpus the checkpoint was trained on
(read with the same reader options); data with other feature widths, channel names or
text model than the model's stops with a message naming both.
"""

from __future__ import annotations

import argparse
import json
import time

from mimml_edu import DISCLAIMER
from mimml_edu.commands.common import (
    add_data_arguments,
    add_reader_arguments,
    add_threads_argument,
    count,
    set_threads,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkpoint", required=True, help="best.pt or last.pt from train")
    add_data_arguments(parser, default=None)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument(
        "--n-boot", type=count, default=1000, help="bootstrap resamples (0: no intervals)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_threads_argument(parser)
    add_reader_arguments(parser)


def checkpoint_and_data(
    checkpoint: str,
    spec: str | None,
    fmt: str | None,
    text_model: str | None = None,
    args: argparse.Namespace | None = None,
):
    """Load a checkpoint and its data (``spec``, else the data it was trained on, read with
    the reader options it was trained with; ``args`` gives ``--strict`` and
    ``--max-member-mb``), and check that the model can read that data.

    Returns:
        (model, config, checkpoint dict, corpus).
    Raises:
        CheckpointError naming both sides when the data's feature widths, channel names,
        text model or extractor settings differ from the model's.
    """
    from mimml_edu.checkpoints import check_data, load_checkpoint
    from mimml_edu.commands.common import load_data
    from mimml_edu.errors import CheckpointError

    model, config, ckpt = load_checkpoint(checkpoint)
    record = ckpt.get("data", {}) or {}
    options = dict(record.get("options") or {})
    if spec is None:
        spec = record.get("spec")
        if not spec:
            raise CheckpointError(
                "records no training data; name the data with --data", path=checkpoint
            )
        fmt = None
    else:  # other data: read it the way the model was trained, unless told otherwise
        options = {k: v for k, v in options.items() if k == "text_model"}
        if spec == "synthetic" or spec.startswith("synthetic:"):
            options = {}
    if text_model is not None:
        options["text_model"] = text_model
    corpus = load_data(spec, fmt, args, split_seed=record.get("split_seed") or 0, **options)
    check_data(
        ckpt,
        spec=corpus.spec,
        widths=corpus.feature_widths(),
        where=str(checkpoint),
        config=config,
        channel_names=corpus.channel_names(),
        options=corpus.options,
        extractor=corpus.extractor,
    )
    return model, config, ckpt, corpus


def run(args: argparse.Namespace) -> int:
    from mimml_edu.errors import CorpusError
    from mimml_edu.evaluate import evaluate

    start = time.perf_counter()
    set_threads(args.threads)
    model, config, ckpt, corpus = checkpoint_and_data(
        args.checkpoint, args.data, args.format, args.text_model, args
    )
    sessions = [s for s in corpus.split(args.split) if s.label is not None]
    if not sessions:
        raise CorpusError(f"--data {corpus.spec}: no labelled {args.split} sessions")
    evaluation = evaluate(
        model, sessions, k=config.train.k, stride=config.train.stride, n_boot=args.n_boot
    )
    oracle = corpus.oracle_balanced_accuracy(args.split)
    trained_on = ckpt.get("data", {}).get("spec")
    if args.json:
        out = evaluation.to_dict()
        out.update(
            split=args.split,
            data=corpus.spec,
            trained_on=trained_on,
            checkpoint=str(args.checkpoint),
            oracle_balanced_accuracy=oracle,
            wall_seconds=time.perf_counter() - start,
        )
        print(json.dumps(out))
        return 0
    print(
        f"{args.checkpoint} (trained on {trained_on}) on the {args.split} split of {corpus.spec}:"
    )
    print(evaluation.table(oracle={"balanced_accuracy": oracle} if oracle else None))
    print(f"\n{DISCLAIMER}")
    return 0
