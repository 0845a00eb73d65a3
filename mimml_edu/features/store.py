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
    """Read one file written by :func:`save_session`."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        info = json.loads(str(arrays["info"]))
    except (OSError, ValueError, KeyError) as err:
        raise ValueError(f"{path}: not a mimml-edu session file ({err})") from err
    if info.get("format") != FORMAT:
        raise ValueError(f"{path}: format {info.get('format')!r}, expected {FORMAT!r}")
    return Session(
        session_id=info["session_id"],
        features={m: arrays[f"features_{m}"] for m in MODALITIES},
        masks={m: arrays[f"mask_{m}"] for m in MODALITIES},
        phq_score=info["phq_score"],
        label=info["label"],
        gender=info["gender"],
        split=info["split"],
        turn_times=arrays.get("turn_times"),
        turn_text=info["turn_text"],
        channel_names=info["channel_names"],
        meta=info["meta"],
    )


def load_sessions(folder: str | Path) -> list[Session]:
    """Every ``*.npz`` session in a features folder, sorted by file name."""
    folder = Path(folder)
    files = sorted(folder.glob("*.npz"))
    if not files:
        raise FileNotFoundError(f"{folder}: no extracted sessions (*.npz)")
    return [load_session(f) for f in files]
