"""``mimml-edu train --config FILE --out DIR [--data SPEC]``: train MIMML and evaluate it.

Data (``--data``): any corpus spec (:mod:`mimml_edu.data.corpora`; default the synthetic
corpus). The model's input widths come from the data. Writes ``best.pt``, ``last.pt``
(resumable with ``--resume`` on the same data), ``config.yaml`` and ``history.json`` to
DIR, then evaluates the best model on the test split (dev when there is no labelled test
split) at session level.

When a loss term becomes non-finite, training stops and the command exits with an error
naming the term; the last good checkpoint is kept and named (or the message says that no
checkpoint was written by this run), and no untrained model is evaluated.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from mimml_edu import DISCLAIMER
from mimml_edu.commands.common import (
    add_data_arguments,
    add_reader_arguments,
    add_threads_argument,
    count,
    set_threads,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="YAML config (model/objective/train)")
    parser.add_argument("--out", required=True, help="folder for checkpoints and history")
    add_data_arguments(parser, default="synthetic")
    parser.add_argument("--resume", action="store_true", help="continue from DIR/last.pt")
    parser.add_argument(
        "--n-boot", type=count, default=1000, help="bootstrap resamples (0: no intervals)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_threads_argument(parser)
    add_reader_arguments(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from mimml_edu.checkpoints import corpus_record
    from mimml_edu.commands.common import load_data
    from mimml_edu.config import load_config, save_config
    from mimml_edu.errors import CorpusError, TrainingError
    from mimml_edu.evaluate import evaluate
    from mimml_edu.train import fit

    start = time.perf_counter()
    set_threads(args.threads)
    config = load_config(args.config)
    corpus = load_data(args.data, args.format, args, text_model=args.text_model)
    train, dev, test = (corpus.split(s) for s in ("train", "dev", "test"))
    if not train or not dev:
        counts = {s: len(corpus.split(s)) for s in ("train", "dev", "test")}
        raise CorpusError(
            f"--data {corpus.spec}: training needs train and dev sessions; found {counts}"
        )
    corpus.check_classes(
        ("train", "dev"),
        why="training needs depressed and non-depressed sessions in train, and in dev for "
        "early stopping on its macro-F1",
    )
    config.model.input_dims = corpus.feature_widths()  # the data decides the input widths
    out = Path(args.out)
    data = corpus_record(corpus, [*train, *dev])
    save_config(config, out / "config.yaml")
    result = fit(
        config,
        train,
        dev,
        out_dir=out,
        resume=args.resume,
        data=data,
        progress=not (args.quiet or args.json),
    )
    (out / "history.json").write_text(json.dumps(result.history, indent=1))
    if result.stopped.startswith("non-finite"):
        raise TrainingError(f"training stopped: {result.stopped}; {_kept(result, out)}")
    if result.best_path is None:
        raise TrainingError(f"no epoch finished ({result.stopped}); no checkpoint was written")
    report = {
        "stopped": result.stopped,
        "best_epoch": result.best_epoch,
        "checkpoint": str(result.best_path),
        "data": corpus.spec,
    }
    labelled_test = [s for s in test if s.label is not None]
    eval_split = "test" if labelled_test else "dev"
    sessions = labelled_test or dev
    evaluation = evaluate(
        result.model, sessions, k=config.train.k, stride=config.train.stride, n_boot=args.n_boot
    )
    oracle = corpus.oracle_balanced_accuracy(eval_split)
    if args.json:
        out_json = evaluation.to_dict()
        out_json.update(report, split=eval_split, oracle_balanced_accuracy=oracle)
        out_json["wall_seconds"] = time.perf_counter() - start
        print(json.dumps(out_json))
        return 0
    print(
        f"trained on {corpus.spec}: {result.stopped} after {len(result.history.get('lr', []))} "
        f"epochs, best dev macro-F1 {result.best_dev_macro_f1:.3f} at epoch {result.best_epoch}"
    )
    print(f"checkpoint: {result.best_path}")
    print(f"\nevaluation on the {eval_split} split:")
    print(evaluation.table(oracle={"balanced_accuracy": oracle} if oracle else None))
    print(f"\n{DISCLAIMER}")
    return 0


def _kept(result, out: Path) -> str:
    """What is left on disk after training stopped early."""
    if result.best_path is not None:
        return (
            f"the last good checkpoint is {result.best_path} (epoch {result.best_epoch}, dev "
            f"macro-F1 {result.best_dev_macro_f1:.3f})"
        )
    stale = [p.name for p in (out / "best.pt", out / "last.pt") if p.exists()]
    earlier = f" ({', '.join(stale)} in {out} are from an earlier run)" if stale else ""
    return f"no checkpoint was written by this run{earlier}"
