"""What several commands share: the ``--data``, ``--format``, ``--strict`` and
``--max-member-mb`` options, thread set-up, and the checked types of numeric options.

Every command that reads sessions takes a corpus spec (:mod:`mimml_edu.data.corpora`):
``synthetic[:knob=value,...]``, a folder (format detected) or ``FORMAT:FOLDER``. A session
whose files cannot be used is skipped with its reason (``inspect`` lists them) unless
``--strict``, which stops at the first one. Every numeric option is checked when it is
parsed (:func:`positive_int`, :func:`count`, :func:`positive_float`,
:func:`nonnegative_float`): a bad value is one line naming the option.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def _number(kind: Callable, text: str) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {_WORD[kind]}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


_WORD = {int: "an integer", float: "a number"}


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = _number(int, text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def count(text: str) -> int:
    """argparse type: an integer >= 0."""
    value = _number(int, text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    value = _number(float, text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def nonnegative_float(text: str) -> float:
    """argparse type: a finite number >= 0."""
    value = _number(float, text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value


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


def add_reader_arguments(parser: argparse.ArgumentParser) -> None:
    """``--strict`` and ``--max-member-mb``: how a corpus reader treats bad files."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first session, file or label row that cannot be used "
        "(default: skip that session and report why)",
    )
    parser.add_argument(
        "--max-member-mb",
        type=positive_float,
        default=None,
        help="the largest corpus file or archive member read, in MB (default 4096)",
    )


def add_threads_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads",
        type=positive_int,
        default=1,
        help="torch CPU threads (small models: 1 is fastest)",
    )


def set_threads(n: int) -> None:
    """Use ``n`` torch threads."""
    import torch

    torch.set_num_threads(n)


def reader_options(args: argparse.Namespace) -> dict:
    """``strict`` and ``limits`` for :func:`~mimml_edu.data.corpora.load_corpus` from the
    options of :func:`add_reader_arguments`."""
    from mimml_edu.data.source import Limits

    return {
        "strict": bool(getattr(args, "strict", False)),
        "limits": Limits.from_megabytes(getattr(args, "max_member_mb", None)),
    }


def load_data(spec: str, fmt: str | None = None, args: argparse.Namespace | None = None):
    """The :class:`~mimml_edu.data.corpora.Corpus` of a ``--data`` spec (with the reader
    options of ``args``, if given)."""
    from mimml_edu.data.corpora import load_corpus

    return load_corpus(spec, format=fmt, **(reader_options(args) if args is not None else {}))
