"""``mimml-edu train --config FILE --out DIR``: train MIMML and evaluate it on the test split.

Data (``--data``): ``synthetic`` (the default synthetic corpus), ``synthetic:n=189,seed=0``
(its size and seed), or a DAIC-WOZ folder (needs the DAIC-WOZ reader). Writes ``best.pt``,
``last.pt`` (resumable with ``--resume``), ``config.yaml`` and ``history.json`` to DIR.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from mimml_edu import DISCLAIMER


@dataclass
class Data:
    """Sessions by split, what they are, and the oracle's ceiling where one exists."""

    spec: str
    splits: dict = field(default_factory=dict)
    oracle_balanced_accuracy: dict = field(default_factory=dict)
    oracle_prob: dict = field(default_factory=dict)


def load_data(spec: str) -> Data:
    """Read the sessions that ``spec`` names (see the module docstring).

    Raises:
        ValueError for a malformed spec; FileNotFoundError for a missing folder.
    """
    from mimml_edu.data.splits import SPLITS

    if spec == "synthetic" or spec.startswith("synthetic:"):
        from mimml_edu.data.synthetic import make_corpus

        knobs = {"n": 189, "seed": 0}
        for item in filter(None, spec.partition(":")[2].split(",")):
            key, _, value = item.partition("=")
            if key not in knobs or not value.strip().isdigit():
                raise ValueError(f"--data {spec!r}: expected synthetic:n=INT,seed=INT")
            knobs[key] = int(value)
        corpus = make_corpus(knobs["n"], seed=knobs["seed"])
        data = Data(spec=f"synthetic:n={knobs['n']},seed={knobs['seed']}")
        for name in SPLITS:
            data.splits[name] = corpus.split(name)
            try:
                data.oracle_balanced_accuracy[name] = corpus.oracle_balanced_accuracy(name)
            except ValueError:  # a split with one class has no balanced accuracy
                pass
            ids = {s.session_id for s in data.splits[name]}
            data.oracle_prob[name] = {
                sid: float(p)
                for sid, p in zip(
                    corpus.oracle.session_ids, corpus.oracle.p_depressed, strict=True
                )
                if sid in ids
            }
        return data
    path = Path(spec)
    if not path.exists():
        raise FileNotFoundError(f"--data {spec!r}: not 'synthetic' and no such file or folder")
    try:
        from mimml_edu.data.daicwoz import read_daicwoz
    except ImportError:
        raise ValueError(
            f"--data {spec}: reading a DAIC-WOZ folder needs mimml_edu.data.daicwoz, "
            "which is not in this version of the package"
        ) from None
    sessions = read_daicwoz(path).sessions
    data = Data(spec=str(path))
    for name in SPLITS:
        data.splits[name] = [s for s in sessions if s.split == name]
    return data


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, help="YAML config (model/objective/train)")
    parser.add_argument("--out", required=True, help="folder for checkpoints and history")
    parser.add_argument("--data", default="synthetic", help="synthetic[:n=N,seed=S] or a folder")
    parser.add_argument("--resume", action="store_true", help="continue from DIR/last.pt")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (small models: 1 is fastest)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from mimml_edu.config import ConfigError, load_config, save_config
    from mimml_edu.evaluate import evaluate
    from mimml_edu.train import fit

    start = time.perf_counter()
    import torch

    torch.set_num_threads(max(1, args.threads))
    try:
        config = load_config(args.config)
        data = load_data(args.data)
    except (ConfigError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}")
        return 2
    train, dev, test = (data.splits[s] for s in ("train", "dev", "test"))
    if not train or not dev:
        print(f"error: --data {args.data}: needs train and dev sessions")
        return 2
    dims = train[0].dims()
    if dict(config.model.input_dims) != dims:
        config.model.input_dims = dims  # the data decides the input widths
    out = Path(args.out)
    save_config(config, out / "config.yaml")
    result = fit(
        config,
        train,
        dev,
        out_dir=out,
        resume=args.resume,
        progress=not (args.quiet or args.json),
        extra={"data": data.spec},
    )
    (out / "history.json").write_text(json.dumps(result.history, indent=1))
    report = {"stopped": result.stopped, "best_epoch": result.best_epoch,
              "checkpoint": str(out / "best.pt"), "data": data.spec}  # fmt: skip
    eval_split = "test" if test else "dev"
    sessions = test or dev
    evaluation = evaluate(
        result.model, sessions, k=config.train.k, stride=config.train.stride, n_boot=args.n_boot
    )
    oracle = data.oracle_balanced_accuracy.get(eval_split)
    if args.json:
        out_json = evaluation.to_dict()
        out_json.update(report, split=eval_split, oracle_balanced_accuracy=oracle)
        out_json["wall_seconds"] = time.perf_counter() - start
        print(json.dumps(out_json))
        return 0
    print(
        f"trained on {data.spec}: {result.stopped} after {len(result.history.get('lr', []))} "
        f"epochs, best dev macro-F1 {result.best_dev_macro_f1:.3f} at epoch {result.best_epoch}"
    )
    print(f"checkpoint: {out / 'best.pt'}")
    print(f"\nevaluation on the {eval_split} split:")
    print(evaluation.table(oracle={"balanced_accuracy": oracle} if oracle else None))
    print(f"\n{DISCLAIMER}")
    return 0
