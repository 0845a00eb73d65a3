"""What several commands share: ``--data``, ``--format``, ``--text-model``, ``--strict``
and ``--max-member-mb``, thread set-up, and numeric options checked with one clear message.

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


def _bounded(
    name: str, kind: Callable, low: float, *, strict: bool, doc: str
) -> Callable[[str], float]:
    """An argparse type: a finite ``kind`` above ``low`` (``strict``) or at least ``low``."""

    def parse(text: str) -> float:
        value = _number(kind, text)
        if value < low or (strict and value == low):
            raise argparse.ArgumentTypeError(
                f"must be {'>' if strict else '>='} {low}, got {text}"
            )
        return value

    parse.__doc__ = f"argparse type: {doc}."
    parse.__name__ = parse.__qualname__ = name
    return parse


positive_int = _bounded("positive_int", int, 1, strict=False, doc="an integer >= 1")
count = _bounded("count", int, 0, strict=False, doc="an integer >= 0")
positive_float = _bounded("positive_float", float, 0, strict=True, doc="a finite number > 0")
nonnegative_float = _bounded(
    "nonnegative_float", float, 0, strict=False, doc="a finite number >= 0"
)


DATA_HELP = (
    "corpus spec: synthetic[:n=N,seed=S,knob=value,...], a corpus folder (DAIC-WOZ, "
    "E-DAIC, own recordings, or a folder written by extract), or FORMAT:FOLDER"
)
TEXT_MODEL_HELP = (
    "text encoder for folders with transcripts: hashing (a fast bag-of-words stand-in), "
    "minilm (the shipped all-MiniLM-L6-v2) or a local transformers model folder (any "
    "language)"
)


def add_data_arguments(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    """``--data`` (a corpus spec), ``--format`` (the folder's format, if not detected) and
    ``--text-model``."""
    extra = "" if default is None else f" (default: {default})"
    parser.add_argument("--data", default=default, help=DATA_HELP + extra)
    parser.add_argument(
        "--format",
        default=None,
        help="the folder's format when --data is a folder "
        "(daicwoz, edaic, recordings, features; default: detected from its files)",
    )
    parser.add_argument("--text-model", default=None, help=TEXT_MODEL_HELP)


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


def number_option(
    name: str,
    text,
    kind: type = int,
    *,
    minimum: float | None = None,
    strict: bool = False,
):
    """Parse a numeric option given in code or on the command line, or raise
    :class:`~mimml_edu.errors.ConfigError` naming it.

    Args:
        name: the option (``--jobs``).  text: its value as given.  kind: int or float.
        minimum: the smallest value allowed.  strict: the value must be above ``minimum``.
    """
    from mimml_edu.errors import ConfigError

    what = "a whole number" if kind is int else "a number"
    bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum:g}"
    try:
        value = kind(str(text).strip())
    except ValueError:
        raise ConfigError(f"{name} must be {what}{bound}, got {text!r}") from None
    if kind is float and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number{bound}, got {text!r}")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        raise ConfigError(f"{name} must be {what}{bound}, got {text!r}")
    return value


def set_threads(n) -> None:
    """Use ``n`` torch threads (a whole number >= 1)."""
    import torch

    torch.set_num_threads(number_option("--threads", n, int, minimum=1))


def reader_options(args: argparse.Namespace) -> dict:
    """``strict`` and ``limits`` for :func:`~mimml_edu.data.corpora.load_corpus` from the
    options of :func:`add_reader_arguments`."""
    from mimml_edu.data.source import Limits

    return {
        "strict": bool(getattr(args, "strict", False)),
        "limits": Limits.from_megabytes(getattr(args, "max_member_mb", None)),
    }


def load_data(
    spec: str,
    fmt: str | None = None,
    args: argparse.Namespace | None = None,
    *,
    text_model: str | None = None,
    include_interviewer: bool | None = None,
    split_seed: int = 0,
):
    """The :class:`~mimml_edu.data.corpora.Corpus` of a ``--data`` spec (with the reader
    options of ``args``, if given)."""
    from mimml_edu.data.corpora import load_corpus

    return load_corpus(
        spec,
        format=fmt,
        text_model=text_model,
        include_interviewer=include_interviewer,
        split_seed=split_seed,
        **(reader_options(args) if args is not None else {}),
    )
