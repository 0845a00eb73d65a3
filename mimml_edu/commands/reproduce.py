"""``mimml-edu reproduce daicwoz|edaic|recordings --root PATH``: the paper's protocol.

Trains MIMML with ``--seeds`` seeds on the corpus's train split (early stopping on dev),
evaluates dev and test at session level (test labels held out until then), and writes
``results.md``, ``results.json`` and ``results.csv`` to ``--out`` (default
``reproduce_<corpus>``), plus each seed's ``best.pt`` under ``models/``. ``--json``
prints the JSON object instead of the tables. See :mod:`mimml_edu.reproduce`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mimml_edu.commands.common import (
    TEXT_MODEL_HELP,
    add_threads_argument,
    number_option,
    set_threads,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", choices=("daicwoz", "edaic", "recordings"))
    parser.add_argument(
        "--root", required=True, help="the corpus folder (recordings: raw or extracted)"
    )
    parser.add_argument("--seeds", default="5", help="training seeds (default 5)")
    parser.add_argument("--out", default=None, help="results folder (default reproduce_CORPUS)")
    parser.add_argument("--json", action="store_true", help="print the JSON object")
    parser.add_argument(
        "--with-interviewer",
        action="store_true",
        help="also train with the interviewer's prompts in the text (DAIC-WOZ; the "
        "prompt-leakage contrast)",
    )
    parser.add_argument(
        "--allow-small",
        action="store_true",
        help="run on a corpus whose splits lack a class: a demonstration, not a result",
    )
    parser.add_argument("--text-model", default=None, help=TEXT_MODEL_HELP + " (default minilm)")
    parser.add_argument("--config", default=None, help="YAML config (default: the package's)")
    parser.add_argument("--n-boot", default="1000", help="bootstrap resamples")
    parser.add_argument("--split-seed", default="0", help="split seed of unsplit recordings")
    parser.add_argument("--jobs", default="1", help="processes extracting own recordings")
    add_threads_argument(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from mimml_edu.config import Config, load_config
    from mimml_edu.reproduce import Protocol, run_protocol

    set_threads(args.threads)
    protocol = Protocol(
        corpus=args.corpus,
        root=args.root,
        seeds=number_option("--seeds", args.seeds, int, minimum=1),
        config=load_config(args.config) if args.config else Config(),
        text_model=args.text_model,
        with_interviewer=args.with_interviewer,
        allow_small=args.allow_small,
        n_boot=number_option("--n-boot", args.n_boot, int, minimum=0),
        split_seed=number_option("--split-seed", args.split_seed, int),
        jobs=number_option("--jobs", args.jobs, int, minimum=1),
        progress=not (args.quiet or args.json),
    ).validate()
    out = Path(args.out or f"reproduce_{args.corpus}")
    if out.exists() and not out.is_dir():
        from mimml_edu.errors import ConfigError

        raise ConfigError(f"--out {out}: an existing file; give a folder")
    results = run_protocol(protocol, out=out)
    if args.json:
        print(results.to_json())
        return 0
    print(results.markdown())
    print(f"wrote {out / 'results.md'}, results.json, results.csv")
    return 0
