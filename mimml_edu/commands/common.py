"""What several commands share: ``--data``, ``--format`` and ``--text-model``, numeric
options checked with one clear message, and thread set-up.

Every command that reads sessions takes a corpus spec (:mod:`mimml_edu.data.corpora`):
``synthetic[:knob=value,...]``, a folder (format detected) or ``FORMAT:FOLDER``.
"""

from __future__ import annotations

import argparse
import math

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


def add_threads_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--threads", default="1", help="torch CPU threads (small models: 1 is fastest)"
    )


def number_option(
    name: str,
    text,
    kind: type = int,
    *,
    minimum: float | None = None,
    strict: bool = False,
):
    """Parse a numeric command-line option, or raise :class:`ConfigError` naming it.

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


def load_data(
    spec: str,
    fmt: str | None = None,
    *,
    text_model: str | None = None,
    include_interviewer: bool | None = None,
    split_seed: int = 0,
):
    """The :class:`~mimml_edu.data.corpora.Corpus` of a ``--data`` spec."""
    from mimml_edu.data.corpora import load_corpus

    return load_corpus(
        spec,
        format=fmt,
        text_model=text_model,
        include_interviewer=include_interviewer,
        split_seed=split_seed,
    )
