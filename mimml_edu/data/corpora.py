"""One registry of corpora: a corpus spec (what ``--data`` takes) -> sessions by split.

A **corpus spec** is a string every command understands:

- ``synthetic`` or ``synthetic:n=189,seed=0,tau=0.8,strength.audio=0.5,n_turns=20-30``:
  the synthetic teaching corpus (:func:`~mimml_edu.data.synthetic.make_corpus`) with any
  of its knobs (:mod:`mimml_edu.data.synthetic_spec`).
- a folder path: read with the reader of its format, detected from the files inside
  (:func:`detect_format`) or named: ``daicwoz:PATH``, ``edaic:PATH``, ``recordings:PATH``
  (raw media, extracted on the fly with the feature cache) or ``features:PATH`` (a folder
  written by ``mimml-edu extract``, recognised by its :data:`FEATURES_MARKER` file).

Two reader options are understood across formats and recorded with the corpus (a
checkpoint keeps them, so its corpus can be read again the same way): ``text_model``
(``"hashing"``, the hashed bag-of-words stand-in; ``"minilm"``, the shipped
all-MiniLM-L6-v2; or a local transformers model folder) and ``include_interviewer``
(DAIC-WOZ: the interviewer's lines in front of each turn).

:func:`load_corpus` returns a :class:`Corpus`: the sessions with their splits, what the
reader reported, the options, and (synthetic only) the oracle. :data:`FORMATS` is the
registry: each format has a detector and a loader. Loaders that run code above the data
layer (the feature extractors, the stored feature files, the text encoders) are
registered by the modules of :data:`PLUGINS` and :data:`TEXT_PLUGIN`, imported on first
use, rather than imported here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimml_edu.data.batch import MODALITIES, Session, fingerprint
from mimml_edu.data.report import ReadReport
from mimml_edu.data.splits import SPLITS, assign_splits
from mimml_edu.data.synthetic_spec import parse_synthetic, synthetic_spec
from mimml_edu.data.text_models import canonical_text_model, text_embedder
from mimml_edu.errors import ConfigError, CorpusError, CorpusNotFoundError

#: format -> module that registers its loader when imported (readers above the data layer).
PLUGINS: dict[str, str] = {
    "recordings": "mimml_edu.features.extract",
    "features": "mimml_edu.features.store",
}

#: The file ``mimml-edu extract`` writes into a features folder (how it is recognised).
FEATURES_MARKER = "mimml-features.json"


@dataclass
class CorpusFormat:
    """One corpus format of the registry.

    Attributes:
        name: the format's name (``daicwoz``, ``edaic``, ...).
        description: one line for ``--help`` and the book.
        detect: ``path -> bool``, whether a folder looks like this format (None: never
            detected, only named).
        load: ``(path, **options) -> ReadReport`` reading every session.
        options: which of the common options (``text_model``, ``include_interviewer``)
            its loader takes.
    """

    name: str
    description: str
    detect: Callable[[Path], bool] | None
    load: Callable[..., ReadReport] | None = None
    options: tuple[str, ...] = ("text_model",)


FORMATS: dict[str, CorpusFormat] = {}


def register_format(fmt: CorpusFormat) -> None:
    """Add or replace a format in :data:`FORMATS`."""
    FORMATS[fmt.name] = fmt


@dataclass
class Corpus:
    """Sessions from one corpus spec.

    Attributes:
        spec: the canonical spec (``synthetic:...`` with every knob given, or
            ``format:absolute path``); loading it again with ``options`` gives the same
            sessions.
        format: ``synthetic``, ``daicwoz``, ``edaic``, ``recordings``, ``features``.
        sessions: every usable session, each with its ``split``.
        report: what the reader found (skipped sessions, warnings, disagreements).
        synthetic: the :class:`~mimml_edu.data.synthetic.SyntheticCorpus` (oracle, ground
            truth) for synthetic specs, else None.
        split_seed: the seed of the participant-level split (corpora without official
            splits).
        options: the common reader options it was read with (``text_model``,
            ``include_interviewer``; only those given).
    """

    spec: str
    format: str
    sessions: list[Session]
    report: ReadReport = field(default_factory=ReadReport)
    synthetic: Any = None
    split_seed: int = 0
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def extractor(self) -> dict[str, Any] | None:
        """The feature extractor's settings (``audio``, ``video``, ``participant``) for
        corpora read from raw media or from a folder written by ``extract``, else None."""
        settings = self.report.notes.get("extractor")
        return dict(settings) if isinstance(settings, dict) else None

    def split(self, name: str) -> list[Session]:
        """The sessions of one split."""
        if name not in SPLITS:
            raise CorpusError(f"unknown split {name!r}; expected one of {SPLITS}")
        return [s for s in self.sessions if s.split == name]

    def class_counts(self, name: str) -> dict[str, int]:
        """``{"n_sessions", "n_depressed", "n_not_depressed", "n_unlabelled"}`` of a split."""
        labels = [s.label for s in self.split(name)]
        return {
            "n_sessions": len(labels),
            "n_depressed": labels.count(1),
            "n_not_depressed": labels.count(0),
            "n_unlabelled": labels.count(None),
        }

    def check_classes(self, splits: Iterable[str], *, why: str) -> None:
        """Raise :class:`CorpusError` naming the first split without both classes.

        Args:
            splits: the splits that need depressed and non-depressed sessions.
            why: what needs them (ends the message).
        """
        for name in splits:
            c = self.class_counts(name)
            if c["n_depressed"] and c["n_not_depressed"]:
                continue
            unlabelled = f", {c['n_unlabelled']} unlabelled" if c["n_unlabelled"] else ""
            n = c["n_sessions"]
            raise CorpusError(
                f"{self.spec}: the {name} split has {n} session{'s' * (n != 1)} "
                f"({c['n_depressed']} depressed, {c['n_not_depressed']} not depressed"
                f"{unlabelled}): {why}"
            )

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


# ------------------------------------------------------------------ synthetic specs
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
def _is_features(path: Path) -> bool:
    return path.is_dir() and (path / FEATURES_MARKER).is_file()


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


def _reader_kwargs(text_model: str | None, include_interviewer: bool | None) -> dict:
    kwargs: dict[str, Any] = {}
    if text_model is not None:
        kwargs["text_embedder"] = text_embedder(text_model)
    if include_interviewer is not None:
        kwargs["include_interviewer"] = include_interviewer
    return kwargs


def _load_daicwoz(
    path: Path, *, text_model=None, include_interviewer=None, strict: bool = False, **options
) -> ReadReport:
    from mimml_edu.data.daicwoz import read_daicwoz

    kwargs = _reader_kwargs(text_model, include_interviewer)
    on_error = "raise" if strict else "skip"
    report = read_daicwoz(path, on_error=on_error, **kwargs, **options)
    report.notes["text_model"] = text_model or "hashing"
    return report


def _load_edaic(path: Path, *, text_model=None, strict: bool = False, **options) -> ReadReport:
    from mimml_edu.data.edaic import read_edaic

    kwargs = _reader_kwargs(text_model, None)
    report = read_edaic(path, on_error="raise" if strict else "skip", **kwargs, **options)
    report.notes["text_model"] = text_model or "hashing"
    return report


# the order is the order of detection: an extracted folder also holds a labels.csv
register_format(CorpusFormat("features", "a folder written by mimml-edu extract "
                             f"(SESSION_ID.npz + {FEATURES_MARKER})", _is_features))  # fmt: skip
register_format(CorpusFormat("daicwoz", "DAIC-WOZ (AVEC 2017): XXX_P.zip or XXX_P/", _is_daicwoz,
                             _load_daicwoz, ("text_model", "include_interviewer")))  # fmt: skip
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


def _is_synthetic(spec: str) -> bool:
    return spec == "synthetic" or spec.startswith("synthetic:")


def load_corpus(
    spec: str,
    *,
    format: str | None = None,
    split_seed: int = 0,
    text_model: str | Path | None = None,
    include_interviewer: bool | None = None,
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
        text_model: ``hashing``, ``minilm`` or a model folder (default: the format's own:
            the stand-in for DAIC-WOZ and E-DAIC, all-MiniLM-L6-v2 for own recordings,
            the one recorded for a features folder).
        include_interviewer: DAIC-WOZ only: the interviewer's lines in front of each turn.
        strict: stop at the first session, file or label row that cannot be used (default:
            skip that session with its reason in ``report.skipped``).
        limits: the readers' size limits (:class:`~mimml_edu.data.source.Limits`; None:
            the defaults).
        **options: other keyword arguments of the format's reader (not recorded).
    Returns:
        :class:`Corpus`.
    Raises:
        CorpusError for a malformed spec, an unknown format, an option the format does
        not take or an unreadable folder; ConfigError for an unknown text model.
    """
    spec = str(spec).strip()
    text_model = canonical_text_model(text_model)
    given = {"text_model": text_model, "include_interviewer": include_interviewer}
    given = {k: v for k, v in given.items() if v is not None}
    if _is_synthetic(spec):
        if options or given:
            names = sorted({*options, *given})
            raise CorpusError(f"--data {spec!r}: reader options {names} do not apply")
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
    for key in given:
        if key not in fmt.options:
            takes = [f.name for f in FORMATS.values() if key in f.options]
            raise CorpusError(
                f"--data {spec!r}: {key} does not apply to {name} corpora "
                f"(only to {', '.join(takes)})"
            )
    reader = {"strict": strict, **options}
    if limits is not None and name in ("daicwoz", "edaic"):
        reader["limits"] = limits
    try:
        report = fmt.load(path, **given, **reader)
    except (CorpusError, ConfigError):
        raise
    except (ValueError, OSError) as err:
        raise CorpusError(f"{name} reader, {path}: {err}") from None
    recorded = report.notes.get("text_model")  # the reader's own, when none was given
    if recorded and "text_model" in fmt.options and "text_model" not in given:
        given["text_model"] = recorded
    sessions = list(report.sessions)
    try:
        assign_splits(sessions, seed=split_seed)  # keeps official splits
    except ValueError as err:
        raise CorpusError(f"--data {spec!r}: {err}") from None
    return Corpus(
        spec=f"{name}:{path.resolve()}",
        format=name,
        sessions=sessions,
        report=report,
        split_seed=split_seed,
        options=given,
    )
