"""One registry of corpora: a corpus spec (what ``--data`` takes) -> sessions by split.

A **corpus spec** is a string every command understands:

- ``synthetic`` or ``synthetic:n=189,seed=0,tau=0.8,strength.audio=0.5,n_turns=20-30``:
  the synthetic teaching corpus (:func:`~mimml_edu.data.synthetic.make_corpus`) with any
  of its knobs (:class:`~mimml_edu.data.generator.SyntheticConfig`; a mapping knob per
  modality as ``knob.modality=value``, a range as ``lo-hi``).
- a folder path: read with the reader of its format, detected from the files inside
  (:func:`detect_format`) or named: ``daicwoz:PATH``, ``edaic:PATH``, ``recordings:PATH``.

:func:`load_corpus` returns a :class:`Corpus`: the sessions with their splits, what the
reader reported, and (synthetic only) the oracle. :data:`FORMATS` is the registry: each
format has a detector and a loader. The raw-recordings loader runs the feature extractors,
which live above the data layer, so it is registered by :mod:`mimml_edu.features.corpus`
(imported on first use through :data:`PLUGINS`) rather than imported here.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.report import ReadReport
from mimml_edu.data.splits import SPLITS, assign_splits
from mimml_edu.errors import CorpusError, CorpusNotFoundError

#: format -> module that registers its loader when imported (readers above the data layer).
PLUGINS: dict[str, str] = {"recordings": "mimml_edu.features.corpus"}


@dataclass
class CorpusFormat:
    """One corpus format of the registry.

    Attributes:
        name: the format's name (``daicwoz``, ``edaic``, ...).
        description: one line for ``--help`` and the book.
        detect: ``path -> bool``, whether a folder looks like this format (None: never
            detected, only named).
        load: ``(path, **options) -> ReadReport`` reading every session.
    """

    name: str
    description: str
    detect: Callable[[Path], bool] | None
    load: Callable[..., ReadReport] | None = None


FORMATS: dict[str, CorpusFormat] = {}


def register_format(fmt: CorpusFormat) -> None:
    """Add or replace a format in :data:`FORMATS`."""
    FORMATS[fmt.name] = fmt


@dataclass
class Corpus:
    """Sessions from one corpus spec.

    Attributes:
        spec: the canonical spec (``synthetic:...`` with every knob given, or
            ``format:absolute path``); loading it again gives the same sessions.
        format: ``synthetic``, ``daicwoz``, ``edaic``, ``recordings``, ...
        sessions: every usable session, each with its ``split``.
        report: what the reader found (skipped sessions, warnings, disagreements).
        synthetic: the :class:`~mimml_edu.data.synthetic.SyntheticCorpus` (oracle, ground
            truth) for synthetic specs, else None.
        split_seed: the seed of the participant-level split (corpora without official
            splits).
    """

    spec: str
    format: str
    sessions: list[Session]
    report: ReadReport = field(default_factory=ReadReport)
    synthetic: Any = None
    split_seed: int = 0

    def split(self, name: str) -> list[Session]:
        """The sessions of one split."""
        if name not in SPLITS:
            raise CorpusError(f"unknown split {name!r}; expected one of {SPLITS}")
        return [s for s in self.sessions if s.split == name]

    def feature_widths(self) -> dict[str, int]:
        """modality -> feature width (the same for every session of a corpus)."""
        if not self.sessions:
            raise CorpusError(f"{self.spec}: no usable sessions")
        return self.sessions[0].dims()

    def channel_names(self) -> dict[str, list[str]]:
        """modality -> channel names (of the first session that names them)."""
        for s in self.sessions:
            if all(m in s.channel_names for m in MODALITIES):
                return {m: list(s.channel_names[m]) for m in MODALITIES}
        return {}

    def fingerprint(self, splits: Iterable[str] = ("train", "dev")) -> str:
        """:func:`fingerprint` of the sessions of ``splits``."""
        return fingerprint([s for s in self.sessions if s.split in tuple(splits)])

    def oracle_balanced_accuracy(self, split: str) -> float | None:
        """The Bayes oracle's balanced accuracy on a split (synthetic only; None when
        undefined: no oracle, or a split with one class)."""
        if self.synthetic is None:
            return None
        try:
            return self.synthetic.oracle_balanced_accuracy(split)
        except ValueError:
            return None

    def oracle_prob(self, split: str) -> dict[str, float]:
        """session id -> the oracle's P(depressed) on a split (empty without an oracle)."""
        if self.synthetic is None:
            return {}
        ids = {s.session_id for s in self.split(split)}
        oracle = self.synthetic.oracle
        return {
            sid: float(p)
            for sid, p in zip(oracle.session_ids, oracle.p_depressed, strict=True)
            if sid in ids
        }


def fingerprint(sessions: Iterable[Session]) -> str:
    """A SHA-256 over the sessions' ids, splits, labels, masks and features.

    Two corpora with the same fingerprint hold the same data; any change of a feature,
    a label or a split changes it.
    """
    digest = hashlib.sha256()
    for s in sorted(sessions, key=lambda s: s.session_id):
        head = f"{s.session_id}|{s.split}|{s.label}|{s.phq_score}|{s.gender}"
        digest.update(head.encode())
        for m in MODALITIES:
            digest.update(np.ascontiguousarray(s.features[m], dtype=np.float32).tobytes())
            digest.update(np.packbits(s.masks[m]).tobytes())
    return digest.hexdigest()


# ------------------------------------------------------------------ synthetic specs
def _knob_value(name: str, text: str, default: Any, spec: str) -> Any:
    """Parse one knob value with the type of its default."""
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, tuple):
            parts = text.split("-")
            return tuple(type(default[0])(p) for p in parts)
        if isinstance(default, str):
            return text
    except ValueError:
        pass
    raise CorpusError(
        f"--data {spec!r}: {name}={text!r} is not a {type(default).__name__}"
        + (" (write lo-hi)" if isinstance(default, tuple) else "")
    )


def parse_synthetic(spec: str) -> tuple[int, int, dict[str, Any]]:
    """``synthetic[:n=N,seed=S,knob=value,...]`` -> (n_sessions, seed, knobs).

    Raises:
        CorpusError naming the knob that is unknown or malformed.
    """
    from mimml_edu.data.generator import SyntheticConfig

    head, _, rest = spec.partition(":")
    if head != "synthetic":
        raise CorpusError(f"--data {spec!r}: not a synthetic spec")
    defaults = SyntheticConfig()
    known = {f.name for f in fields(SyntheticConfig)} - {"n_sessions"}
    n, seed, knobs = 189, 0, {}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not value:
            raise CorpusError(f"--data {spec!r}: expected knob=value, found {item!r}")
        if key in ("n", "seed"):
            parsed = _knob_value(key, value, 0, spec)
            if key == "n" and parsed < 1:
                raise CorpusError(f"--data {spec!r}: n must be >= 1, got {parsed}")
            n, seed = (parsed, seed) if key == "n" else (n, parsed)
            continue
        name, _, modality = key.partition(".")
        if name not in known:
            names = ", ".join(["n", "seed", *sorted(known)])
            raise CorpusError(f"--data {spec!r}: unknown knob {name!r}; known: {names}")
        default = getattr(defaults, name)
        if modality:
            if not hasattr(default, "keys") or modality not in MODALITIES:
                raise CorpusError(f"--data {spec!r}: {key!r} is not a per-modality knob")
            knobs.setdefault(name, {})[modality] = _knob_value(key, value, 0.0, spec)
        elif hasattr(default, "keys"):
            raise CorpusError(f"--data {spec!r}: give {name} per modality, e.g. {name}.audio=0.5")
        else:
            knobs[name] = _knob_value(key, value, default, spec)
    return n, seed, knobs


def synthetic_spec(n_sessions: int = 189, seed: int = 0, **knobs: Any) -> str:
    """The canonical spec string of a synthetic corpus (knobs sorted, mappings flattened)."""
    parts = [f"n={n_sessions}", f"seed={seed}"]
    for name in sorted(knobs):
        value = knobs[name]
        if hasattr(value, "items"):
            parts += [f"{name}.{m}={value[m]:g}" for m in MODALITIES if m in value]
        elif isinstance(value, tuple):
            parts.append(f"{name}={'-'.join(str(v) for v in value)}")
        elif isinstance(value, bool):
            parts.append(f"{name}={str(value).lower()}")
        else:
            parts.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
    return "synthetic:" + ",".join(parts)


def _load_synthetic(spec: str) -> Corpus:
    from mimml_edu.data.synthetic import make_corpus

    n, seed, knobs = parse_synthetic(spec)
    try:
        synthetic = make_corpus(n, seed=seed, **knobs)
    except (TypeError, ValueError) as err:
        raise CorpusError(f"--data {spec!r}: {err}") from None
    report = ReadReport(sessions=synthetic.sessions, corpus="synthetic")
    return Corpus(
        spec=synthetic_spec(n, seed, **knobs),
        format="synthetic",
        sessions=synthetic.sessions,
        report=report,
        synthetic=synthetic,
        split_seed=seed,
    )


# ------------------------------------------------------------------ folder formats
def _is_daicwoz(path: Path) -> bool:
    if path.suffix.lower() == ".zip" or any(path.glob("*_P.zip")):
        return True
    if any(path.glob("*_Depression_AVEC2017.csv")) or any(path.glob("*_P/*_TRANSCRIPT.csv")):
        return True
    return path.name.upper().endswith("_P") and any(path.glob("*_TRANSCRIPT.csv"))


def _is_edaic(path: Path) -> bool:
    return (path / "train_split.csv").exists() or any(path.glob("*_P/*_Transcript.csv"))


def _is_recordings(path: Path) -> bool:
    if not path.is_dir():
        return False
    return (path / "labels.csv").is_file() or any(path.glob("*/transcript.csv"))


def _load_daicwoz(path: Path, *, strict: bool = False, **options) -> ReadReport:
    from mimml_edu.data.daicwoz import read_daicwoz

    return read_daicwoz(path, on_error="raise" if strict else "skip", **options)


def _load_edaic(path: Path, *, strict: bool = False, **options) -> ReadReport:
    from mimml_edu.data.edaic import read_edaic

    return read_edaic(path, on_error="raise" if strict else "skip", **options)


register_format(CorpusFormat("daicwoz", "DAIC-WOZ (AVEC 2017): XXX_P.zip or XXX_P/", _is_daicwoz,
                             _load_daicwoz))  # fmt: skip
register_format(CorpusFormat("edaic", "E-DAIC (AVEC 2019): XXX_P/ with features/", _is_edaic,
                             _load_edaic))  # fmt: skip
register_format(CorpusFormat("recordings", "own recordings: SESSION/audio.wav, video.mp4, "
                             "transcript.csv + labels.csv", _is_recordings))  # fmt: skip


def detect_format(path: str | Path) -> str:
    """The format of a corpus folder, from the files inside (the first detector that
    matches, in :data:`FORMATS` order).

    Raises:
        CorpusError when no format matches (the formats are listed).
    """
    path = Path(path)
    if not path.exists():
        raise CorpusNotFoundError("no such file or folder", path=path)
    for fmt in FORMATS.values():
        if fmt.detect is not None and fmt.detect(path):
            return fmt.name
    raise CorpusError(
        f"{path}: not a corpus folder of any known format ({', '.join(FORMATS)}); "
        "name the format with --format"
    )


def _format(name: str) -> CorpusFormat:
    if name in PLUGINS and (name not in FORMATS or FORMATS[name].load is None):
        importlib.import_module(PLUGINS[name])
    if name not in FORMATS:
        raise CorpusError(
            f"unknown corpus format {name!r}; known: synthetic, {', '.join(FORMATS)}"
        )
    return FORMATS[name]


def load_corpus(
    spec: str,
    *,
    format: str | None = None,
    split_seed: int = 0,
    strict: bool = False,
    limits: Any = None,
    **options,
) -> Corpus:
    """Read the sessions that a corpus spec names.

    Args:
        spec: ``synthetic[:knobs]``, ``FORMAT:PATH`` or a path (see the module docstring).
        format: the folder's format when the spec is a bare path (default: detected).
        split_seed: seed of the participant-level split of sessions that have no official
            split (stratified by label; train/dev/test in DAIC-WOZ's proportions).
        strict: stop at the first session, file or label row that cannot be used (default:
            skip that session with its reason in ``report.skipped``).
        limits: the readers' size limits (:class:`~mimml_edu.data.source.Limits`; None:
            the defaults).
        **options: keyword arguments of the format's reader (e.g. ``text_embedder``,
            ``include_interviewer`` for DAIC-WOZ).
    Returns:
        :class:`Corpus`.
    Raises:
        CorpusError for a malformed spec, an unknown format or an unreadable folder.
    """
    spec = str(spec).strip()
    if spec == "synthetic" or spec.startswith("synthetic:"):
        if options:
            raise CorpusError(f"--data {spec!r}: reader options {sorted(options)} do not apply")
        return _load_synthetic(spec)
    head, sep, rest = spec.partition(":")
    if sep and head in {*FORMATS, *PLUGINS} and len(head) > 1:
        name, path = head, Path(rest)
    else:
        path = Path(spec)
        name = format or detect_format(path)
    if not path.exists():
        raise CorpusNotFoundError(f"--data {spec!r}: no such file or folder")
    fmt = _format(name)
    if fmt.load is None:
        raise CorpusError(f"format {name!r} has no reader registered")
    reader = {"strict": strict, **options}
    if limits is not None and name in ("daicwoz", "edaic"):
        reader["limits"] = limits
    try:
        report = fmt.load(path, **reader)
    except CorpusError:
        raise
    except (ValueError, OSError) as err:
        raise CorpusError(f"{name} reader, {path}: {err}") from None
    sessions = list(report.sessions)
    assign_splits(sessions, seed=split_seed)  # keeps official splits
    return Corpus(
        spec=f"{name}:{path.resolve()}",
        format=name,
        sessions=sessions,
        report=report,
        split_seed=split_seed,
    )
