"""The E-DAIC (AVEC 2019) reader: ``XXX_P/`` folders -> per-turn Sessions.

Public API:

- :func:`read_edaic` a corpus folder -> :class:`~mimml_edu.data.report.ReadReport`, with
  the DAIC-WOZ overlap in ``report.notes["daicwoz_overlap"]``.
- :func:`read_edaic_session` one session; :func:`parse_edaic_transcript`.
- :data:`DAICWOZ_IDS` the 189 DAIC-WOZ participant ids (every one is also in E-DAIC).

The transcripts are automatic and have **no speaker column**: each transcript row (sorted
by time; the release does not keep them in order) is one turn. Video: the OpenFace 2.1
columns mapped onto the same 38 channels as DAIC-WOZ's CLNF (AU intensities and presence,
pose, gaze; the head-frame gaze ``x_h0 ...`` is computed by rotating the gaze vectors into
the head frame with the pose rotation), averaged over frames with ``success = 1``.
Audio: eGeMAPS and MFCC low-level descriptors averaged over the turn. E-DAIC has no
COVAREP, so its audio width (the files' columns, 62 in the release) differs from
DAIC-WOZ's 74: a model is built for one corpus's features.

The same rules as the DAIC-WOZ reader: frame tables streamed in blocks, the shared timing
rules (:func:`~mimml_edu.data.turns.check_span`; rows that start after the end of the
recording, from its WAV header or the eGeMAPS rows, are reported and not used), a session
with a bad file skipped with its reason, or the read stopped with ``on_error="raise"``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.channels import (
    AU_INTENSITY,
    AU_PRESENCE,
    DIMS,
    TEXT_COLUMNS,
    VIDEO_COLUMNS,
    text_channel_names,
)
from mimml_edu.data.labels import EDAIC_LABEL_FILES, LabelRow, read_labels
from mimml_edu.data.report import ReadReport
from mimml_edu.data.source import (
    DEFAULT_LIMITS,
    SESSION_NAME,
    Limits,
    Source,
    find_session_paths,
    wav_seconds,
)
from mimml_edu.data.tables import read_text, table_blocks
from mimml_edu.data.text_standin import embed_texts, hashing_text_embedding
from mimml_edu.data.turns import FramePool, TextEmbedder, clean_text, late_rows, parse_span
from mimml_edu.errors import CorpusError, CorpusNotFoundError

#: DAIC-WOZ's participant ids: 300-492 without 342, 394, 398, 460.
DAICWOZ_IDS: frozenset[str] = frozenset(
    str(i) for i in range(300, 493) if i not in (342, 394, 398, 460)
)

_OPENFACE_VIDEO = (
    *AU_INTENSITY,
    *AU_PRESENCE,
    "pose_Tx", "pose_Ty", "pose_Tz", "pose_Rx", "pose_Ry", "pose_Rz",
    "gaze_0_x", "gaze_0_y", "gaze_0_z", "gaze_1_x", "gaze_1_y", "gaze_1_z",
)  # fmt: skip


def parse_edaic_transcript(data: bytes, where: str) -> list[tuple[float, float, str]]:
    """Rows of ``XXX_Transcript.csv`` as (start, stop, cleaned text), sorted by start.

    Raises:
        CorpusError naming the file and line of a malformed row or header.
    """
    return [(a, b, text) for _, a, b, text in transcript_rows(data, where)]


def transcript_rows(data: bytes, where: str) -> list[tuple[int, float, float, str]]:
    """(line, start, stop, cleaned text) of each transcript row, sorted by start."""
    reader = csv.reader(io.StringIO("\n".join(read_text(data)).replace("\0", "")))
    rows, header_seen, number = [], False, 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not cells or not any(c.strip() for c in cells):
                continue
            if not header_seen:
                got = [c.strip().lower() for c in cells]
                if got[:3] != ["start_time", "end_time", "text"]:
                    raise CorpusError(
                        f"expected the header Start_Time,End_Time,Text,Confidence, found "
                        f"{str(cells)[:100]}",
                        path=where,
                        line=number,
                    )
                header_seen = True
                continue
            rows.append(_row(cells, where, number))
    except csv.Error as err:
        raise CorpusError(f"not a CSV transcript ({err})", path=where, line=number) from None
    if not header_seen:
        raise CorpusError("the file is empty", path=where)
    return sorted(rows, key=lambda r: r[1])


def _row(cells: list[str], where: str, number: int) -> tuple[int, float, float, str]:
    if len(cells) < 3:
        raise CorpusError(f"expected 4 cells, found {len(cells)}", path=where, line=number)
    start, stop = parse_span(cells[0], cells[1], where, number, ("Start_Time", "End_Time"))
    return number, start, stop, clean_text(cells[2])


def _rotation(rx: np.ndarray, ry: np.ndarray, rz: np.ndarray) -> np.ndarray:
    """``(n, 3, 3)`` rotation matrices R = Rx Ry Rz (OpenFace's Euler convention)."""
    cx, sx, cy, sy, cz, sz = np.cos(rx), np.sin(rx), np.cos(ry), np.sin(ry), np.cos(rz), np.sin(rz)
    r = np.empty((len(rx), 3, 3))
    r[:, 0] = np.stack([cy * cz, -cy * sz, sy], axis=1)
    r[:, 1] = np.stack([cx * sz + cz * sx * sy, cx * cz - sx * sy * sz, -cy * sx], axis=1)
    r[:, 2] = np.stack([sx * sz - cx * cz * sy, cz * sx + cx * sy * sz, cx * cy], axis=1)
    return r


def _video(source: Source, pid: str, spans: np.ndarray):
    name = f"{pid}_OpenFace2.1.0_Pose_gaze_AUs.csv"
    pool = FramePool(spans, len(VIDEO_COLUMNS))
    with source.open(name) as f:
        _, blocks = table_blocks(
            f, source.find(name), sep=",", header=True,
            columns=["timestamp", "success", *_OPENFACE_VIDEO],
        )  # fmt: skip
        for x in blocks:
            times, success, v = x[:, 0], x[:, 1] == 1, x[:, 2:]
            aus, pose, gaze = v[:, :20], v[:, 20:26], v[:, 26:32]
            rot = _rotation(*np.nan_to_num(pose[:, 3:6]).T)
            head = np.concatenate(
                [np.einsum("nji,nj->ni", rot, gaze[:, :3]),
                 np.einsum("nji,nj->ni", rot, gaze[:, 3:])],
                axis=1,
            )  # R^T g: the gaze vector in head coordinates  # fmt: skip
            pool.add(times, np.hstack([aus, pose, gaze, head]), success)
    return pool.result()


def _audio(source: Source, pid: str, spans: np.ndarray):
    names, parts = [], []
    for kind in ("egemaps", "mfcc"):
        name = f"{pid}_OpenSMILE2.3.0_{kind}.csv"
        with source.open(name) as f:
            cols, blocks = table_blocks(f, source.find(name), sep=";", header=True, skip=1)
            if not cols or cols[0].lower() != "frametime":
                raise CorpusError("expected frameTime as column 2", path=source.find(name))
            pool = FramePool(spans, len(cols) - 1)
            for x in blocks:
                pool.add(x[:, 0], x[:, 1:], np.ones(len(x), bool))
        names += cols[1:]
        parts.append(pool.result())
    return names, np.hstack([p[0] for p in parts]), parts[0][1] & parts[1][1]


def _smile_seconds(source: Source, pid: str) -> float | None:
    """The recording's length from the number of eGeMAPS rows (one per 10 ms, a header)."""
    lines = source.count_lines(f"{pid}_OpenSMILE2.3.0_egemaps.csv")
    return None if lines is None else max(0, lines - 1) / 100.0


def read_edaic_session(
    path: str | Path,
    *,
    labels: LabelRow | None = None,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    report: ReadReport | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Session | None:
    """Read one E-DAIC session folder (or zip). Returns None when skipped (see report).

    Raises:
        CorpusError naming the file (and line) that cannot be read.
    """
    report = report if report is not None else ReadReport(corpus="edaic")
    match = SESSION_NAME.match(Path(path).name)
    pid = match.group(1) if match else Path(path).name.split("_")[0]
    with Source(path, limits=limits) as source:
        name = f"{pid}_Transcript.csv"
        where = source.find(name)
        if where is None:
            report.skip(pid, f"no {name} in {path}")
            return None
        rows = transcript_rows(source.read_bytes(name), where)
        end = wav_seconds(source, f"{pid}_AUDIO.wav") or _smile_seconds(source, pid)
        late, message = late_rows([r[1] for r in rows], [r[0] for r in rows], end, where)
        if message:
            report.warnings.append(f"session {pid}: {message}")
            rows = [r for r, drop in zip(rows, late, strict=True) if not drop]
        if not rows:
            report.skip(pid, f"no transcript rows in {name}")
            return None
        spans = np.array([[a, b] for _, a, b, _ in rows])
        texts = [t for *_, t in rows]
        n = len(rows)
        features = {m: np.zeros((n, DIMS[m]), np.float32) for m in MODALITIES}
        masks = {m: np.zeros(n, bool) for m in MODALITIES}
        names = {"text": list(TEXT_COLUMNS), "video": list(VIDEO_COLUMNS), "audio": []}
        if text_embedder is not None:
            features["text"], masks["text"] = embed_texts(
                text_embedder, texts, where=f"session {pid}"
            )
            names["text"] = text_channel_names(features["text"].shape[1])
        if source.find(f"{pid}_OpenFace2.1.0_Pose_gaze_AUs.csv") is None:
            report.warnings.append(f"session {pid}: no OpenFace file; video marked missing")
        else:
            features["video"], masks["video"] = _video(source, pid, spans)
        smile = [f"{pid}_OpenSMILE2.3.0_{k}.csv" for k in ("egemaps", "mfcc")]
        if any(source.find(s) is None for s in smile):
            report.warnings.append(f"session {pid}: no {' / '.join(smile)}; audio marked missing")
            features["audio"] = np.zeros((n, 0), np.float32)
        else:
            names["audio"], features["audio"], masks["audio"] = _audio(source, pid, spans)
    return Session(
        session_id=pid,
        features=features,
        masks=masks,
        phq_score=labels.phq_score if labels else None,
        label=labels.label if labels else None,
        gender=labels.gender if labels else None,
        split=labels.split if labels else None,
        turn_times=spans,
        turn_text=texts,
        channel_names=names if names["audio"] else {k: v for k, v in names.items() if v},
        meta={"source": str(path), "corpus": "edaic", "in_daicwoz": pid in DAICWOZ_IDS},
    )


def read_edaic(
    root: str | Path,
    *,
    text_embedder: TextEmbedder | None = hashing_text_embedding,
    on_error: str = "raise",
    progress: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> ReadReport:
    """Read an E-DAIC folder of ``XXX_P/`` sessions and its three label files.

    Args:
        root: the folder.
        text_embedder: texts -> ``(n, 384)``; None keeps only the strings.
        on_error: ``"raise"`` or ``"skip"`` (a malformed session or label row is skipped
            with the error as its reason).
        progress: show a progress bar.
        limits: size limits of the files read.
    Returns:
        :class:`ReadReport`; ``notes["daicwoz_overlap"]`` lists the participants that are
        also in DAIC-WOZ (never train on one corpus and test on the other with them in).
    """
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    strict = on_error == "raise"
    root = Path(root)
    if not root.is_dir():
        raise CorpusNotFoundError("expected an E-DAIC folder", path=root)
    report = ReadReport(corpus="edaic")
    table = read_labels(root, EDAIC_LABEL_FILES, strict=strict, limits=limits)
    report.label_disagreements = table.disagreements
    report.warnings.extend(table.warnings)
    if not table.files:
        report.warnings.append(f"{root}: no E-DAIC label files found; labels unknown")
    paths = find_session_paths(root)
    items = list(paths.items())
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="E-DAIC sessions")
    widths: dict[int, str] = {}
    for pid, path in items:
        if pid in table.problems:
            report.skip(pid, f"labels: {table.problems[pid]}")
            continue
        options = {"labels": table.rows.get(pid), "text_embedder": text_embedder,
                   "report": report, "limits": limits}  # fmt: skip
        session = report.attempt(
            pid, lambda p=path, o=options: read_edaic_session(p, **o), strict=strict
        )
        if session is None:
            continue
        if pid not in table.rows and table.files:
            report.warnings.append(f"session {pid}: not in any label file; label unknown")
        if session.present()["audio"]:
            widths.setdefault(session.dims()["audio"], pid)
        report.sessions.append(session)
    if len(widths) > 1:
        report.warnings.append(f"audio widths differ between sessions: {widths}")
    elif widths:  # sessions without audio files get the common width, all masked
        (width, like) = next(iter(widths.items()))
        names = next(s for s in report.sessions if s.session_id == like).channel_names["audio"]
        for s in report.sessions:
            if s.features["audio"].shape[1] == 0:
                s.features["audio"] = np.zeros((s.n_turns, width), np.float32)
                s.channel_names["audio"] = list(names)
    report.warnings += [f"labels: {why}" for p, why in table.problems.items() if p not in paths]
    if not paths:
        report.warnings.append(f"{root}: no XXX_P folders found")
    overlap = sorted(
        (s.session_id for s in report.sessions if s.session_id in DAICWOZ_IDS), key=int
    )
    report.notes["daicwoz_overlap"] = overlap
    if overlap:
        report.warnings.append(
            f"{len(overlap)} of {len(report.sessions)} E-DAIC participants are also in "
            "DAIC-WOZ; remove them before evaluating across the two corpora"
        )
    return report
