"""Extracted Sessions on disk: one ``SESSION_ID.npz`` per session in a features folder.

Each file holds, as plain arrays (no pickle), every modality's ``(n_turns, d_m)``
features and ``(n_turns,)`` mask, the turn times, and a JSON string with the labels,
turn texts, channel names and meta. :func:`load_sessions` gives back equal Sessions.

A folder written by ``mimml-edu extract`` also holds a marker file
(:data:`~mimml_edu.data.corpora.FEATURES_MARKER`: the sessions written, the source
corpus, the text model and the extractor settings) and a copy of the corpus's
``labels.csv``; :func:`read_features` reads such a folder as a corpus (the ``features``
format of :mod:`mimml_edu.data.corpora`, registered when this module is imported).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.report import ReadReport
from mimml_edu.errors import CorpusError, CorpusNotFoundError

FORMAT = "mimml-edu-session/1"


def save_session(session: Session, folder: str | Path) -> Path:
    """Write ``folder/<session_id>.npz`` (atomically); returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    info = {
        "format": FORMAT,
        "session_id": session.session_id,
        "phq_score": session.phq_score,
        "label": session.label,
        "gender": session.gender,
        "split": session.split,
        "turn_text": session.turn_text,
        "channel_names": session.channel_names,
        "meta": session.meta,
    }
    arrays = {"info": np.array(json.dumps(info, default=_plain))}
    for m in MODALITIES:
        arrays[f"features_{m}"] = session.features[m]
        arrays[f"mask_{m}"] = session.masks[m]
    if session.turn_times is not None:
        arrays["turn_times"] = session.turn_times
    path = folder / f"{session.session_id}.npz"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _plain(value):
    """numpy values in ``meta`` as JSON (arrays become lists)."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"meta value of type {type(value).__name__} cannot be stored")


def load_session(path: str | Path) -> Session:
    """Read one file written by :func:`save_session`.

    Raises:
        CorpusError naming the file: not a regular file, not a session file of this format,
        or arrays that do not fit each other (shapes, masks, non-finite features).
    """
    import zipfile
    import zlib

    from mimml_edu.data.source import require_regular_file

    path = require_regular_file(path, what="session file")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        info = json.loads(str(arrays["info"]))
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        reason = " ".join(str(err).split())[:160]
        raise CorpusError(f"not a mimml-edu session file ({reason})", path=path) from None
    if not isinstance(info, dict) or info.get("format") != FORMAT:
        found = info.get("format") if isinstance(info, dict) else type(info).__name__
        raise CorpusError(f"format {found!r}, expected {FORMAT!r}", path=path)
    try:
        session = Session(
            session_id=str(info["session_id"]),
            features={m: arrays[f"features_{m}"] for m in MODALITIES},
            masks={m: arrays[f"mask_{m}"] for m in MODALITIES},
            phq_score=info["phq_score"],
            label=info["label"],
            gender=info["gender"],
            split=info["split"],
            turn_times=arrays.get("turn_times"),
            turn_text=None if info["turn_text"] is None else list(info["turn_text"]),
            channel_names=dict(info["channel_names"]),
            meta=dict(info["meta"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise CorpusError(
            f"a damaged session file ({type(err).__name__}: {err})", path=path
        ) from None
    _check(session, path)
    return session


def _check(s: Session, path: Path) -> None:
    """Refuse arrays that do not fit each other or hold non-finite features."""
    n = s.n_turns
    for m in MODALITIES:
        x, mask = s.features[m], s.masks[m]
        if x.ndim != 2 or x.shape[0] != n or mask.shape != (n,) or mask.dtype != bool:
            raise CorpusError(
                f"{m}: features {x.shape} and mask {mask.shape} {mask.dtype} do not fit {n} turns",
                path=path,
            )
        if x.dtype.kind != "f" or not np.isfinite(x).all():
            raise CorpusError(f"{m}: features are not finite numbers", path=path)
    times = s.turn_times
    if times is not None and (times.shape != (n, 2) or not np.isfinite(times).all()):
        raise CorpusError(f"turn times {times.shape} do not fit {n} turns", path=path)
    score = s.phq_score
    if score is not None and (not isinstance(score, int | float) or not 0 <= score <= 24):
        raise CorpusError(f"PHQ-8 score {score!r} outside 0..24", path=path)
    if s.label not in (None, 0, 1):
        raise CorpusError(f"label {s.label!r}; expected 0, 1 or none", path=path)


def load_sessions(folder: str | Path) -> list[Session]:
    """Every ``*.npz`` session in a features folder, sorted by file name."""
    folder = Path(folder)
    files = sorted(folder.glob("*.npz"))
    if not files:
        from mimml_edu.errors import CorpusNotFoundError

        raise CorpusNotFoundError("no extracted sessions (*.npz)", path=folder)
    return [load_session(f) for f in files]


# ------------------------------------------------------------------ features folders
#: The format tag of :data:`~mimml_edu.data.corpora.FEATURES_MARKER`.
MARKER_FORMAT = "mimml-edu-features/1"


def write_marker(folder: str | Path, record: dict) -> Path:
    """Write the features folder's marker (what extract read and how), atomically.

    Args:
        folder: the features folder.
        record: JSON-able facts: ``source``, ``sessions`` (ids written), ``text_model``,
            ``settings``, ``feature_widths``, ``failures``, ``skipped``.
    """
    from mimml_edu.data.corpora import FEATURES_MARKER

    folder = Path(folder)
    path = folder / FEATURES_MARKER
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump({"format": MARKER_FORMAT, **record}, f, indent=1, sort_keys=True)
    os.replace(tmp, path)
    return path


def read_marker(folder: str | Path) -> dict:
    """The marker of a features folder.

    Raises:
        CorpusError when it is missing, not JSON, or of another format.
    """
    from mimml_edu.data.corpora import FEATURES_MARKER

    path = Path(folder) / FEATURES_MARKER
    if not path.is_file():
        raise CorpusNotFoundError(
            f"no {FEATURES_MARKER}: not a folder written by mimml-edu extract", path=folder
        )
    try:
        marker = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CorpusError(f"not readable as JSON ({err})", path=path) from None
    if not isinstance(marker, dict) or marker.get("format") != MARKER_FORMAT:
        found = marker.get("format") if isinstance(marker, dict) else None
        raise CorpusError(f"format {found!r}, expected {MARKER_FORMAT!r}", path=path)
    return marker


def read_features(
    path: str | Path, *, text_model: str | None = None, strict: bool = False
) -> ReadReport:
    """The ``features`` format of :mod:`mimml_edu.data.corpora`: a folder written by
    ``mimml-edu extract``, read back as a :class:`~mimml_edu.data.report.ReadReport`.

    The sessions are those the marker lists. Labels, gender and splits come from the
    folder's ``labels.csv`` (copied there by extract from the corpus; edit it to relabel
    without extracting again); without it, from the session files. What extract could not
    use is listed again (warnings for the files of kept sessions, skipped sessions).

    Args:
        path: the features folder.
        text_model: the text model the caller expects (a different one from the folder's
            is an error: the features cannot change encoder without extracting again).
        strict: stop at the first session file or label row that cannot be used (default:
            skip that session with its reason).
    """
    from mimml_edu.data.recordings import read_label_table

    folder = Path(path)
    marker = read_marker(folder)
    recorded = marker.get("text_model")
    if text_model is not None and text_model != recorded:
        raise CorpusError(
            f"extracted with text model {recorded!r}, not {text_model!r}: run mimml-edu "
            "extract again with that --text-model",
            path=folder,
        )
    report = ReadReport(corpus="features")
    report.skipped = list(marker.get("skipped", []))
    report.warnings = [str(w) for w in marker.get("warnings", [])]
    labels_path = folder / "labels.csv"
    labels, problems = None, {}
    if labels_path.exists() or labels_path.is_symlink():
        labels, problems = read_label_table(labels_path, strict=strict)
    listed = [str(s) for s in marker.get("sessions", [])]
    for sid in listed:
        file = folder / f"{sid}.npz"
        if sid in problems:
            report.skipped.append({"session_id": sid, "reason": f"{labels_path}: {problems[sid]}"})
            continue
        if not file.is_file():
            if strict:
                raise CorpusError("missing: listed in the folder's marker", path=file)
            report.skipped.append({"session_id": sid, "reason": f"{file}: missing"})
            continue
        try:
            session = load_session(file)
        except CorpusError as err:
            if strict:
                raise
            report.skipped.append({"session_id": sid, "reason": str(err)})
            continue
        if labels is not None:
            row = labels.get(sid)
            if row is None:
                report.warnings.append(f"session {sid}: not in {labels_path}; label unknown")
                row = {}
            for key in ("phq_score", "label", "gender", "split"):
                setattr(session, key, row.get(key))
            if "binary_in_file" in row:
                report.label_disagreements.append(
                    {"participant_id": sid, "file": str(labels_path), "line": None,
                     "phq_score": row["phq_score"], "binary_in_file": row["binary_in_file"],
                     "recomputed": row["label"]}
                )  # fmt: skip
        report.sessions.append(session)
    extra = sorted({f.stem for f in folder.glob("*.npz")} - set(listed))
    if extra:
        report.warnings.append(
            f"{len(extra)} session files not written by the last extract, ignored "
            f"(e.g. {', '.join(extra[:3])})"
        )
    report.notes = {k: marker.get(k) for k in ("source", "text_model", "feature_widths")}
    if isinstance(marker.get("settings"), dict):
        report.notes["extractor"] = marker["settings"]
    return report


def _register() -> None:
    from dataclasses import replace

    from mimml_edu.data.corpora import FORMATS, register_format

    register_format(replace(FORMATS["features"], load=read_features))


_register()
