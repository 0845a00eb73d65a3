"""What several commands share: the ``--data`` and ``--format`` options and thread set-up.

Every command that reads sessions takes a corpus spec (:mod:`mimml_edu.data.corpora`):
``synthetic[:knob=value,...]``, a folder (format detected) or ``FORMAT:FOLDER``.
"""

from __future__ import annotations

import argparse

DATA_HELP = (
    "corpus spec: synthetic[:n=N,seed=S,knob=value,...], a corpus folder (DAIC-WOZ, "
    "E-DAIC, own recordings), or FORMAT:FOLDER"
)


def add_data_arguments(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    """``--data`` (a corpus spec) and ``--format`` (the folder's format, if not detected)."""
    extra = "" if default is None else f" (default: {default})"
    parser.add_argument("--data", default=default, help=DATA_HELP + extra)
    parser.add_argument(
        "--format",
        default=None,
        help="the folder's format when --data is a folder "
        "(daicwoz, edaic, recordings; default: detected from its files)",
    )


def add_threads_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads", type=int, default=1, help="torch CPU threads (small models: 1 is fastest)"
    )


def set_threads(n: int) -> None:
    """Use ``n`` torch threads (at least 1)."""
    import torch

    torch.set_num_threads(max(1, n))


def load_data(spec: str, fmt: str | None = None):
    """The :class:`~mimml_edu.data.corpora.Corpus` of a ``--data`` spec."""
    from mimml_edu.data.corpora import load_corpus

    return load_corpus(spec, format=fmt)
