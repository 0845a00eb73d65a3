"""``mimml-edu demo [--out DIR] [--json]``: the environment check, then MIMML end to end.

1. The environment check (versions, device); a failing check stops the demo (exit 1).
2. Train MIMML on the synthetic corpus (train/dev split by participant, time-boxed by
   ``--max-seconds``), evaluate it on the test split at session level with bootstrap
   95 % intervals, next to the oracle's (Bayes-optimal) balanced accuracy.
3. Run the trained model on the shipped DAIC-WOZ-layout sample sessions and print its
   per-session output.
4. With ``--out DIR``: write ``history.png`` (per-term curves), ``sessions.png`` (model vs
   oracle per session), ``best.pt`` and ``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from mimml_edu import DISCLAIMER
from mimml_edu.commands.common import add_threads_argument, count, nonnegative_float, positive_int
from mimml_edu.envcheck import check_environment


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default=None, help="folder for figures, checkpoint, metrics")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_threads_argument(parser)
    parser.add_argument("--sessions", type=positive_int, default=189, help="synthetic corpus size")
    parser.add_argument("--epochs", type=positive_int, default=30, help="maximum epochs")
    parser.add_argument(
        "--max-seconds", type=nonnegative_float, default=45.0,
        help="training time box (0: no limit)",
    )  # fmt: skip
    parser.add_argument(
        "--n-boot", type=count, default=1000, help="bootstrap resamples (0: no intervals)"
    )
    parser.add_argument("--seed", type=count, default=0, help="seed of the corpus and the run")


def _samples_demo(model, config) -> dict:
    """Predictions on the shipped DAIC-WOZ-layout samples, or why there are none."""
    from mimml_edu.data.daicwoz import read_daicwoz
    from mimml_edu.data.samples import shipped_daicwoz

    try:
        sessions = read_daicwoz(shipped_daicwoz()).sessions
    except FileNotFoundError as err:
        return {"status": f"not available: {err}"}
    if not sessions:
        return {"status": "no sample sessions found"}
    if sessions[0].dims() != dict(config.model.input_dims):
        return {
            "status": f"not run: samples have feature widths {sessions[0].dims()}, "
            f"the model expects {dict(config.model.input_dims)}"
        }
    from mimml_edu.evaluate import predict_windows, to_sessions

    p = to_sessions(predict_windows(model, sessions, k=config.train.k, stride=config.train.stride))
    return {
        "status": "ok (synthetic samples in the DAIC-WOZ layout: not a real evaluation)",
        "sessions": {
            sid: {"p_depressed": float(prob), "phq8_predicted": float(phq)}
            for sid, prob, phq in zip(p.session_id, p.prob, p.phq_pred, strict=True)
        },
    }


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    import torch

    torch.set_num_threads(args.threads)
    report = check_environment()
    if not args.json:
        print(report.format())
        print()
    if not report.ok:
        if args.json:
            print(json.dumps({"environment": report.to_dict(), "model_demo": "skipped"}))
        return 1

    import numpy as np

    from mimml_edu.checkpoints import data_record
    from mimml_edu.config import Config
    from mimml_edu.data.corpora import load_corpus, synthetic_spec
    from mimml_edu.evaluate import evaluate
    from mimml_edu.train import fit

    corpus = load_corpus(synthetic_spec(args.sessions, args.seed))
    train, dev, test = (corpus.split(s) for s in ("train", "dev", "test"))
    config = Config()
    config.model.input_dims = train[0].dims()
    config.train.epochs = args.epochs
    config.train.max_seconds = args.max_seconds
    config.train.seed = args.seed
    out = Path(args.out) if args.out else None
    if not args.json:
        print(f"Training MIMML on {corpus.spec} ({len(train)} train / {len(dev)} dev sessions, "
              f"at most {args.max_seconds:g} s) ...")  # fmt: skip
    data = data_record(corpus.spec, [*train, *dev], format="synthetic", split_seed=args.seed)
    result = fit(config, train, dev, out_dir=out, progress=not args.json, data=data)
    evaluation = evaluate(result.model, test, k=config.train.k, n_boot=args.n_boot)
    oracle = corpus.oracle_balanced_accuracy("test")
    samples = _samples_demo(result.model, config)
    figures = []
    if out is not None:
        from mimml_edu.plots.training import plot_history, plot_session_scores

        s = evaluation.sessions
        oracle_prob = corpus.oracle_prob("test")
        oracle_p = np.array([oracle_prob[sid] for sid in s.session_id])
        for name, fig in (
            ("history.png", plot_history(result.history)),
            ("sessions.png", plot_session_scores(s.prob, s.label, oracle_p)),
        ):
            fig.savefig(out / name, dpi=110)
            figures.append(str(out / name))
    summary = evaluation.to_dict()
    summary.update(
        split="test",
        data=corpus.spec,
        oracle_balanced_accuracy=oracle,
        stopped=result.stopped,
        epochs=len(result.history.get("lr", [])),
        training_seconds=result.wall_seconds,
        daicwoz_samples=samples,
        figures=figures,
    )
    summary["wall_seconds"] = time.perf_counter() - start
    if out is not None:
        (out / "metrics.json").write_text(json.dumps(summary, indent=1))
    if args.json:
        print(json.dumps({"environment": report.to_dict(), **summary}))
        return 0
    print(f"\n{result.stopped} after {summary['epochs']} epochs "
          f"({result.wall_seconds:.1f} s of training); test split, session level:")  # fmt: skip
    print(evaluation.table(oracle={"balanced_accuracy": oracle} if oracle else None))
    print(f"\nDAIC-WOZ-layout samples: {samples['status']}")
    for sid, v in samples.get("sessions", {}).items():
        print(f"  {sid}: P(depressed) = {v['p_depressed']:.2f}, "
              f"PHQ-8 = {v['phq8_predicted']:.1f}")  # fmt: skip
    for path in figures:
        print(f"figure: {path}")
    print(f"\n{DISCLAIMER}")
    return 0
