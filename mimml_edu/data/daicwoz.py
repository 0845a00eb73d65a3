"""The DAIC-WOZ reader: ``XXX_P.zip`` files or ``XXX_P/`` folders -> per-turn Sessions.

Public API:

- :func:`read_daicwoz` a whole corpus folder -> :class:`~mimml_edu.data.report.ReadReport`.
- :func:`read_daicwoz_session` one session.
- :func:`parse_transcript` participant turns from ``XXX_TRANSCRIPT.csv``
  (:mod:`mimml_edu.data.daicwoz_transcript`).
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

Robustness: the frame tables are streamed in blocks
(:func:`~mimml_edu.data.tables.table_blocks`), so memory does not grow with a session's
length, and zip members are inflated as they are read, never whole
(:class:`~mimml_edu.data.source.Source`, with its size
:class:`~mimml_edu.data.source.Limits`). Transcript times follow the shared rules of
:func:`~mimml_edu.data.turns.check_span`; rows that start after the end of the recording
(its WAV header, else the COVAREP rows) are reported and not used. A session with a bad
file is skipped with its reason (:meth:`~mimml_edu.data.report.ReadReport.attempt`), or
stops the read with ``on_error="raise"``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from mimml_edu.data.daicwoz_transcript import (  # noqa: F401  (public API of this reader)
    Row,
    Turn,
    build_turns,
    ellie_text,
    parse_transcript,
    transcript_rows,
)
from mimml_edu.data.labels import DAICWOZ_LABEL_FILES, LabelRow, read_labels
from mimml_edu.data.report import ReadReport
from mimml_edu.data.source import (
    DEFAULT_LIMITS,
    SESSION_NAME,
    Limits,
    Source,
    find_session_paths,
    wav_seconds,
)
from mimml_edu.data.tables import table_blocks
from mimml_edu.data.text_standin import embed_texts, hashing_text_embedding
from mimml_edu.data.turns import FramePool, TextEmbedder, late_rows

#: Known offsets: media time = transcript time + offset (seconds).
DAICWOZ_TIME_OFFSETS: dict[str, float] = {"318": 34.32, "321": 3.84, "341": 6.19, "362": 16.86}

_FRAME_HEAD = ("frame", "timestamp", "confidence", "success")


def _read_covarep(source: Source, pid: str, spans: np.ndarray):
    name = f"{pid}_COVAREP.csv"
    pool = FramePool(spans, len(COVAREP_COLUMNS))
    with source.open(name) as f:
        _, blocks = table_blocks(
            f, source.find(name), sep=",", n_columns=len(COVAREP_COLUMNS), header=False
        )
        row = 0
        for x in blocks:
            times = (row + np.arange(len(x))) / 100.0
            row += len(x)
            all_zero = ~np.nan_to_num(x, nan=1.0).any(axis=1)
            pool.add(times, x, (x[:, 1] == 1) & ~all_zero)
    return pool.result()


def _covarep_seconds(source: Source, pid: str) -> float | None:
    """The recording's length from the number of COVAREP rows (one per 10 ms)."""
    lines = source.count_lines(f"{pid}_COVAREP.csv")
    return None if lines is None else lines / 100.0


def _read_clnf(source: Source, pid: str, kind: str, columns: Sequence[str], spans: np.ndarray):
    name = f"{pid}_CLNF_{kind}.txt"
    names = [*_FRAME_HEAD, *columns]
    pool = FramePool(spans, len(columns))
    with source.open(name) as f:
        _, blocks = table_blocks(
            f, source.find(name), sep=", ", n_columns=len(names), header=True,
            column_names=names,
        )  # fmt: skip
        for x in blocks:  # a frame without a timestamp cannot be placed in a turn
            pool.add(x[:, 1], x[:, 4:], x[:, 3] == 1)
    return pool.result()


def read_daicwoz_session(
    path: str | Path,
    *,
    labels: LabelRow | None = None,
    include_interviewer: bool = False,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    time_offset: float | None = None,
    report: ReadReport | None = None,
    limits: Limits = DEFAULT_LIMITS,
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
        limits: size limits of the files read.
    Returns:
        the :class:`Session`, or None when it is skipped (no transcript or no participant
        turn; the reason is in ``report.skipped``).
    Raises:
        CorpusError naming the file (and line) that cannot be read.
    """
    report = report if report is not None else ReadReport(corpus="daicwoz")
    match = SESSION_NAME.match(Path(path).name)
    pid = match.group(1) if match else Path(path).stem.split("_")[0]
    with Source(path, limits=limits) as source:
        transcript = f"{pid}_TRANSCRIPT.csv"
        where = source.find(transcript)
        if where is None:
            report.skip(pid, f"no {transcript} in {path}")
            return None
        offset = DAICWOZ_TIME_OFFSETS.get(pid, 0.0) if time_offset is None else time_offset
        rows = transcript_rows(source.read_bytes(transcript), where)
        end = wav_seconds(source, f"{pid}_AUDIO.wav") or _covarep_seconds(source, pid)
        late, message = late_rows([r.start + offset for r in rows], [r.line for r in rows],
                                  end, where)  # fmt: skip
        if message:
            report.warnings.append(f"session {pid}: {message}")
            rows = [r for r, drop in zip(rows, late, strict=True) if not drop]
        turns, has_ellie = build_turns(rows)
        if not turns:
            report.skip(pid, f"no participant turns in {transcript}")
            return None
        if not has_ellie:
            report.warnings.append(
                f"session {pid}: no interviewer lines; each participant row is one turn"
            )
        files = source.names()  # FORMANT, landmarks, wav and HOG are listed, not pooled
        spans = np.array([[t.start, t.stop] for t in turns]) + offset
        features, masks = _features(source, pid, turns, spans, report, include_interviewer,
                                    text_embedder)  # fmt: skip
    return Session(
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


def _features(source, pid, turns, spans, report, include_interviewer, text_embedder):
    """Per-turn features and masks of every modality (missing files are warnings)."""
    n = len(turns)
    features = {m: np.zeros((n, DIMS[m]), np.float32) for m in MODALITIES}
    masks = {m: np.zeros(n, bool) for m in MODALITIES}
    texts = [
        f"{t.interviewer_text} {t.text}".strip() if include_interviewer else t.text for t in turns
    ]
    if text_embedder is not None:
        features["text"], masks["text"] = embed_texts(text_embedder, texts, where=f"session {pid}")
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
            report.warnings.append(f"session {pid}: no CLNF frame with success = 1 in any turn")
    return features, masks


def read_daicwoz(
    root: str | Path,
    *,
    include_interviewer: bool = False,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    time_offsets: dict[str, float] | None = None,
    on_error: str = "raise",
    progress: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadReport:
    """Read a DAIC-WOZ folder: session zips/folders and the four label files.

    Args:
        root: the folder (or one ``XXX_P.zip`` / ``XXX_P/``).
        include_interviewer: see :func:`read_daicwoz_session`.
        text_embedder: see :func:`read_daicwoz_session`.
        time_offsets: participant id -> offset (default :data:`DAICWOZ_TIME_OFFSETS`).
        on_error: ``"raise"`` (a malformed file or label row stops the read with an error
            naming the file, line and column) or ``"skip"`` (that session is skipped and
            the error is its reason in ``report.skipped``).
        progress: show a progress bar.
        limits: size limits of the files read.
    Returns:
        :class:`ReadReport` with the sessions (split and labels from the label files; the
        binary label recomputed from the score), the label disagreements, the skipped
        sessions with reasons, and warnings.
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    strict = on_error == "raise"
    root = Path(root)
    report = ReadReport(corpus="daicwoz")
    paths = find_session_paths(root)
    label_root = root if root.is_dir() and not SESSION_NAME.match(root.name) else root.parent
    table = read_labels(label_root, DAICWOZ_LABEL_FILES, strict=strict, limits=limits)
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
        if pid in table.problems:
            report.skip(pid, f"labels: {table.problems[pid]}")
            continue
        options = {
            "labels": table.rows.get(pid),
            "include_interviewer": include_interviewer,
            "text_embedder": text_embedder,
            "time_offset": offsets.get(pid, 0.0),
            "report": report,
            "limits": limits,
        }
        session = report.attempt(
            pid, lambda p=path, o=options: read_daicwoz_session(p, **o), strict=strict
        )
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
    report.warnings += [f"labels: {why}" for p, why in table.problems.items() if p not in paths]
    if not paths:
        report.warnings.append(f"{root}: no XXX_P.zip files or XXX_P folders found")
    return report
