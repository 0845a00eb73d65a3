"""Extracted Sessions on disk: one ``SESSION_ID.npz`` per session in a features folder.

Each file holds, as plain arrays (no pickle), every modality's ``(n_turns, d_m)``
features and ``(n_turns,)`` mask, the turn times, and a JSON string with the labels,
turn texts, channel names and meta. :func:`load_sessions` gives back equal Sessions.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.errors import CorpusError

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
    arrays = {"info": np.array(json.dumps(info))}
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
            turn_text=list(info["turn_text"]),
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
    n = len(s.turn_text)
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
