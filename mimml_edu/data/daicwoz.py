"""The DAIC-WOZ reader: ``XXX_P.zip`` files or ``XXX_P/`` folders -> per-turn Sessions.

Public API:

- :func:`read_daicwoz` a whole corpus folder -> :class:`~mimml_edu.data.report.ReadReport`.
- :func:`read_daicwoz_session` one session.
- :func:`parse_transcript` participant turns from ``XXX_TRANSCRIPT.csv``.
- :func:`~mimml_edu.data.turns.clean_text` and :func:`~mimml_edu.data.turns.pool_frames`
  (shared with the E-DAIC reader) remove transcript markup and pool frames per turn.
- :data:`DAICWOZ_TIME_OFFSETS` the known transcript/media offsets (seconds).

One turn is a run of consecutive participant rows between two interviewer (Ellie) rows.
In sessions without Ellie lines (451, 458, 480) every participant row is a turn. Per turn:
COVAREP is averaged over voiced frames (VUV = 1, not all-zero; ``-inf``/NaN cells
ignored); CLNF action units, pose and gaze over frames with ``success = 1``; the text is
the participant's words (markup removed), embedded by ``text_embedder``. Ellie's lines
before each turn are kept in ``meta["interviewer_text"]`` and, with
``include_interviewer=True``, put in front of the turn's text (the interviewer-prompt
leakage of chapter 10).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.channels import (
    AU_INTENSITY,
    AU_PRESENCE,
    COVAREP_COLUMNS,
    DIMS,
    GAZE_COLUMNS,
    POSE_COLUMNS,
    channel_names,
)
from mimml_edu.data.labels import DAICWOZ_LABEL_FILES, LabelRow, read_labels
from mimml_edu.data.report import ReadReport
from mimml_edu.data.tables import Source, numeric_table, parse_delimited
from mimml_edu.data.text_standin import embed_texts, hashing_text_embedding
from mimml_edu.data.turns import TextEmbedder, clean_text, pool_frames

#: Known offsets: media time = transcript time + offset (seconds).
DAICWOZ_TIME_OFFSETS: dict[str, float] = {"318": 34.32, "321": 3.84, "341": 6.19, "362": 16.86}

_PROMPT_ID = re.compile(r"^\s*[A-Za-z0-9_]+\s*\((.*)\)\s*$", re.DOTALL)
_SESSION_NAME = re.compile(r"^(\d+)_P(\.zip)?$", re.IGNORECASE)
_FRAME_HEAD = ("frame", "timestamp", "confidence", "success")


def ellie_text(value: str) -> str:
    """Ellie's words: ``"prompt_id (text)"`` (sessions 363 on) -> ``"text"``."""
    match = _PROMPT_ID.match(value)
    return clean_text(match.group(1) if match else value)


@dataclass
class Turn:
    """One participant turn: transcript times (seconds), text, and Ellie's lines before it."""

    start: float
    stop: float
    text: str
    interviewer_text: str


def parse_transcript(data: bytes, where: str) -> tuple[list[Turn], bool]:
    """Participant turns of a DAIC-WOZ transcript.

    Args:
        data: bytes of ``XXX_TRANSCRIPT.csv`` (tab-separated, header
            ``start_time stop_time speaker value``).
        where: its path, for messages.
    Returns:
        (turns in time order, whether the transcript has interviewer lines).
    Raises:
        ValueError naming the file and line of a malformed row.
    """
    _, body = parse_delimited(
        data, where, sep="\t", expected_header=("start_time", "stop_time", "speaker", "value")
    )
    rows = []
    for line, cells in body:
        if len(cells) == 3:
            cells = [*cells, ""]  # an empty value cell with its tab dropped
        if len(cells) != 4:
            raise ValueError(
                f"{where}, line {line}: expected 4 tab-separated cells "
                f"(start_time, stop_time, speaker, value), found {len(cells)}"
            )
        try:
            start, stop = float(cells[0]), float(cells[1])
        except ValueError:
            raise ValueError(
                f"{where}, line {line}: expected numeric start_time and stop_time, "
                f"found {cells[0]!r}, {cells[1]!r}"
            ) from None
        if not (np.isfinite(start) and np.isfinite(stop)) or stop < start:
            raise ValueError(f"{where}, line {line}: bad time span {start}..{stop}")
        speaker = cells[2].strip().lower()
        if speaker not in ("ellie", "participant"):
            raise ValueError(
                f"{where}, line {line}, column speaker: expected Ellie or Participant, "
                f"found {cells[2]!r}"
            )
        rows.append((start, stop, speaker, cells[3]))
    rows.sort(key=lambda r: r[0])
    has_ellie = any(r[2] == "ellie" for r in rows)
    turns: list[Turn] = []
    pending_ellie: list[str] = []
    current: Turn | None = None
    for start, stop, speaker, value in rows:
        if speaker == "ellie":
            if current is not None:
                turns.append(current)
                current = None
            text = ellie_text(value)
            if text:
                pending_ellie.append(text)
            continue
        text = clean_text(value)
        if current is None or not has_ellie:
            if current is not None:
                turns.append(current)
            current = Turn(start, stop, text, " ".join(pending_ellie))
            pending_ellie = []
        else:
            current.stop = max(current.stop, stop)
            current.text = f"{current.text} {text}".strip()
    if current is not None:
        turns.append(current)
    return turns, has_ellie


def _read_covarep(source: Source, pid: str, spans: np.ndarray):
    name = f"{pid}_COVAREP.csv"
    where = source.find(name)
    _, x = numeric_table(
        source.read_bytes(name), where, sep=",", n_columns=len(COVAREP_COLUMNS), header=False
    )
    times = np.arange(len(x)) / 100.0
    all_zero = ~np.nan_to_num(x, nan=1.0).any(axis=1)
    voiced = (x[:, 1] == 1) & ~all_zero
    return pool_frames(times, x, voiced, spans)


def _read_clnf(source: Source, pid: str, kind: str, columns: Sequence[str], spans: np.ndarray):
    name = f"{pid}_CLNF_{kind}.txt"
    where = source.find(name)
    names = [*_FRAME_HEAD, *columns]
    _, x = numeric_table(
        source.read_bytes(name), where, sep=", ", n_columns=len(names), header=True,
        column_names=names,
    )  # fmt: skip
    x = x[np.isfinite(x[:, 1])]  # a frame without a timestamp cannot be placed in a turn
    x = x[np.argsort(x[:, 1], kind="stable")]
    return pool_frames(x[:, 1], x[:, 4:], x[:, 3] == 1, spans)


def read_daicwoz_session(
    path: str | Path,
    *,
    labels: LabelRow | None = None,
    include_interviewer: bool = False,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    time_offset: float | None = None,
    report: ReadReport | None = None,
) -> Session | None:
    """Read one session (``XXX_P.zip`` or ``XXX_P/``).

    Args:
        path: the zip or folder.
        labels: its row from the label files (None: label unknown).
        include_interviewer: put Ellie's preceding lines in front of each turn's text.
        text_embedder: texts -> ``(n, 384)`` array (or ``(array, mask)``, or an object with
            such an ``encode`` method, e.g. ``mimml_edu.features.text.TextEncoder()``);
            None keeps only the strings (the text modality is then marked missing). The
            default is the hashed bag-of-words stand-in,
            :func:`~mimml_edu.data.text_standin.hashing_text_embedding`: not a sentence
            encoder; use the real one for anything you report.
        time_offset: media time minus transcript time (default: the known offsets of
            :data:`DAICWOZ_TIME_OFFSETS`, else 0).
        report: where warnings and skips are recorded (a fresh one if None).
    Returns:
        the :class:`Session`, or None when it is skipped (no transcript or no participant
        turn; the reason is in ``report.skipped``).
    """
    report = report if report is not None else ReadReport(corpus="daicwoz")
    source = Source(path)
    match = _SESSION_NAME.match(Path(path).name)
    pid = match.group(1) if match else Path(path).stem.split("_")[0]
    try:
        transcript = f"{pid}_TRANSCRIPT.csv"
        if source.find(transcript) is None:
            report.skipped.append({"session_id": pid, "reason": f"no {transcript} in {path}"})
            return None
        turns, has_ellie = parse_transcript(source.read_bytes(transcript), source.find(transcript))
        if not turns:
            report.skipped.append(
                {"session_id": pid, "reason": f"no participant turns in {transcript}"}
            )
            return None
        if not has_ellie:
            report.warnings.append(
                f"session {pid}: no interviewer lines; each participant row is one turn"
            )
        files = source.names()  # FORMANT, landmarks, wav and HOG are listed, not pooled
        offset = DAICWOZ_TIME_OFFSETS.get(pid, 0.0) if time_offset is None else time_offset
        spans = np.array([[t.start, t.stop] for t in turns]) + offset
        n = len(turns)
        features = {m: np.zeros((n, DIMS[m]), np.float32) for m in MODALITIES}
        masks = {m: np.zeros(n, bool) for m in MODALITIES}
        texts = [
            f"{t.interviewer_text} {t.text}".strip() if include_interviewer else t.text
            for t in turns
        ]
        if text_embedder is not None:
            features["text"], masks["text"] = embed_texts(
                text_embedder, texts, where=f"session {pid}"
            )
        if source.find(f"{pid}_COVAREP.csv") is None:
            report.warnings.append(f"session {pid}: no {pid}_COVAREP.csv; audio marked missing")
        else:
            features["audio"], masks["audio"] = _read_covarep(source, pid, spans)
            if not masks["audio"].any():
                report.warnings.append(f"session {pid}: no voiced COVAREP frame in any turn")
        video_parts = (
            ("AUs", (*AU_INTENSITY, *AU_PRESENCE)),
            ("pose", POSE_COLUMNS),
            ("gaze", GAZE_COLUMNS),
        )
        absent = [k for k, _ in video_parts if source.find(f"{pid}_CLNF_{k}.txt") is None]
        if absent:
            names = ", ".join(f"{pid}_CLNF_{k}.txt" for k in absent)
            report.warnings.append(f"session {pid}: no {names}; video marked missing")
        else:
            pooled = [_read_clnf(source, pid, k, cols, spans) for k, cols in video_parts]
            features["video"] = np.hstack([p[0] for p in pooled])
            masks["video"] = np.logical_and.reduce([p[1] for p in pooled])
            if not masks["video"].any():
                report.warnings.append(
                    f"session {pid}: no CLNF frame with success = 1 in any turn"
                )
    finally:
        source.close()
    session = Session(
        session_id=pid,
        features=features,
        masks=masks,
        phq_score=labels.phq_score if labels else None,
        label=labels.label if labels else None,
        gender=labels.gender if labels else None,
        split=labels.split if labels else None,
        turn_times=spans,
        turn_text=[t.text for t in turns],
        channel_names=channel_names(text_dim=features["text"].shape[1]),
        meta={
            "source": str(path),
            "corpus": "daicwoz",
            "files": files,
            "interviewer_text": [t.interviewer_text for t in turns],
            "include_interviewer": include_interviewer,
            "time_offset": offset,
            "text_embedder": getattr(text_embedder, "__name__", repr(text_embedder)),
        },
    )
    return session


def find_session_paths(root: str | Path) -> dict[str, Path]:
    """``XXX_P.zip`` files and ``XXX_P/`` folders in ``root`` (or ``root`` itself).

    Returns:
        participant id -> path, sorted by id; a folder wins over a zip of the same id.
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    match = _SESSION_NAME.match(root.name)
    if match:
        return {match.group(1): root}
    found: dict[str, Path] = {}
    for p in sorted(root.iterdir(), key=lambda q: (q.is_file(), q.name)):
        m = _SESSION_NAME.match(p.name)
        if m and (p.is_dir() or p.suffix.lower() == ".zip"):
            found.setdefault(m.group(1), p)
    return dict(sorted(found.items(), key=lambda kv: int(kv[0])))


def read_daicwoz(
    root: str | Path,
    *,
    include_interviewer: bool = False,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    time_offsets: dict[str, float] | None = None,
    on_error: str = "raise",
    progress: bool = False,
) -> ReadReport:
    """Read a DAIC-WOZ folder: session zips/folders and the four label files.

    Args:
        root: the folder (or one ``XXX_P.zip`` / ``XXX_P/``).
        include_interviewer: see :func:`read_daicwoz_session`.
        text_embedder: see :func:`read_daicwoz_session`.
        time_offsets: participant id -> offset (default :data:`DAICWOZ_TIME_OFFSETS`).
        on_error: ``"raise"`` (a malformed file stops the read with an error naming the
            file, line and column) or ``"skip"`` (the session is skipped and the error is
            its reason in ``report.skipped``).
        progress: show a progress bar.
    Returns:
        :class:`ReadReport` with the sessions (split and labels from the label files; the
        binary label recomputed from the score), the label disagreements, the skipped
        sessions with reasons, and warnings.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    root = Path(root)
    report = ReadReport(corpus="daicwoz")
    paths = find_session_paths(root)
    label_root = root if root.is_dir() and not _SESSION_NAME.match(root.name) else root.parent
    table = read_labels(label_root, DAICWOZ_LABEL_FILES)
    report.label_disagreements = table.disagreements
    report.warnings.extend(table.warnings)
    if not table.files:
        report.warnings.append(f"{label_root}: no DAIC-WOZ label files found; labels unknown")
    offsets = DAICWOZ_TIME_OFFSETS if time_offsets is None else time_offsets
    items = paths.items()
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="DAIC-WOZ sessions")
    for pid, path in items:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                session = read_daicwoz_session(
                    path,
                    labels=table.rows.get(pid),
                    include_interviewer=include_interviewer,
                    text_embedder=text_embedder,
                    time_offset=offsets.get(pid, 0.0),
                    report=report,
                )
        except ValueError as exc:
            if on_error == "raise":
                raise
            report.skipped.append({"session_id": pid, "reason": str(exc)})
            continue
        if session is None:
            continue
        if pid not in table.rows and table.files:
            report.warnings.append(f"session {pid}: not in any label file; label unknown")
        report.sessions.append(session)
    unread = sorted(set(table.rows) - set(paths), key=int)
    if unread and paths:
        report.warnings.append(
            f"{len(unread)} participants in the label files have no session files "
            f"(e.g. {', '.join(unread[:5])})"
        )
    if not paths:
        report.warnings.append(f"{root}: no XXX_P.zip files or XXX_P folders found")
    return report
