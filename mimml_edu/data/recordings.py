"""Your own recordings (the generic layout of ``docs/data.md``): files, transcripts, labels.

Layout::

    ROOT/
      labels.csv            session_id,phq_score[,binary][,gender][,split]
      SESSION_ID/
        audio.wav           any rate, mono or stereo
        video.mp4           anything opencv decodes
        transcript.csv      start_time,stop_time,speaker,text  (times in seconds)

Public API: :func:`read_transcript`, :func:`participant_turns`, :func:`session_turns`
(both, with the rows after the end of the recording dropped and reported),
:func:`read_label_table` and :func:`read_labels`, :func:`find_sessions` (the rules every
reader of this layout follows) and :func:`scan_recordings`, what ``mimml-edu inspect``
prints for such a folder. Nothing here runs a feature extractor or needs a media library;
the reader that extracts features from the media is :mod:`mimml_edu.features.corpus`.

The rules are those of the corpus readers: only regular files are read (a FIFO or a
device is refused, never opened), text files are UTF-8 with a Latin-1 fallback and a size
limit, transcript times follow :func:`~mimml_edu.data.turns.check_span`, a label row that
cannot be used is a problem of its session (skipped with the reason), and every error is a
:class:`~mimml_edu.errors.CorpusError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.data.source import DEFAULT_LIMITS, Limits, file_kind, require_regular_file
from mimml_edu.data.tables import decode_text
from mimml_edu.data.turns import late_rows, parse_span
from mimml_edu.errors import CorpusError

TRANSCRIPT_COLUMNS = ("start_time", "stop_time", "speaker", "text")
LABEL_COLUMNS = ("session_id", "phq_score")
MEDIA_FILES = {"audio": "audio.wav", "video": "video.mp4", "transcript": "transcript.csv"}
_GENDER = {"0": 0, "1": 1, "f": 0, "female": 0, "m": 1, "male": 1}


def _records(path: Path, what: str, limits: Limits) -> tuple[list[str], list[tuple[int, list]]]:
    """(header, [(line, cells)]) of a small comma-separated file, blank rows skipped."""
    require_regular_file(path, what=what)
    if path.stat().st_size > limits.text_bytes():
        raise CorpusError(
            f"larger than the limit of {limits.text_bytes() >> 20} MB for a {what}", path=path
        )
    text = decode_text(path.read_bytes()).replace("\0", "")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, line = [], 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, [c.strip() for c in cells]))
            line = reader.line_num + 1
    except csv.Error as err:
        raise CorpusError(f"not a readable CSV {what} ({err})", path=path, line=line) from None
    if not rows:
        raise CorpusError(f"the {what} is empty", path=path)
    return [c.strip() for c in rows[0][1]], rows[1:]


def read_transcript(path: str | Path, *, limits: Limits = DEFAULT_LIMITS):
    """Read ``transcript.csv`` (``start_time,stop_time,speaker,text``).

    Returns:
        a pandas DataFrame with those columns (text ``""`` where empty), in file order;
        ``df.attrs["lines"]`` holds each row's line in the file.
    Raises:
        CorpusError (CorpusNotFoundError when missing) naming the file, and the line.
    """
    import pandas as pd

    path = Path(path)
    header, body = _records(path, "transcript", limits)
    missing = [c for c in TRANSCRIPT_COLUMNS if c not in header]
    if missing:
        raise CorpusError(
            f"missing column(s) {missing}; expected header {','.join(TRANSCRIPT_COLUMNS)}",
            path=path,
            line=1,
        )
    if not body:
        raise CorpusError("the transcript has a header but no rows", path=path)
    index = {c: header.index(c) for c in TRANSCRIPT_COLUMNS}
    data: dict[str, list] = {c: [] for c in TRANSCRIPT_COLUMNS}
    lines = []
    for line, cells in body:
        cells = cells + [""] * (len(header) - len(cells))
        times = parse_span(cells[index["start_time"]], cells[index["stop_time"]], str(path), line)
        for col, value in zip(("start_time", "stop_time"), times, strict=True):
            data[col].append(value)
        data["speaker"].append(cells[index["speaker"]])
        data["text"].append(cells[index["text"]])
        lines.append(line)
    df = pd.DataFrame(data)
    df.attrs["lines"] = lines
    return df


def participant_turns(
    transcript, *, participant: str = "Participant", where: str = "transcript"
) -> tuple[np.ndarray, list[str]]:
    """The participant's rows: turn times ``(n_turns, 2)`` and texts.

    Raises:
        CorpusError: no row by ``participant`` (the speakers found are named).
    """
    rows = transcript[transcript["speaker"].str.casefold() == participant.casefold()]
    if rows.empty:
        found = sorted(set(transcript["speaker"]))
        raise CorpusError(
            f"no turns by speaker {participant!r}; speakers are {found[:10]}", path=where
        )
    return rows[["start_time", "stop_time"]].to_numpy(dtype=np.float64), rows["text"].tolist()


def audio_seconds(folder: str | Path) -> float | None:
    """The length of ``audio.wav`` from its WAV header (None: absent, not a regular file,
    or not a PCM WAV)."""
    from mimml_edu.data.source import wav_header_seconds

    path = Path(folder) / MEDIA_FILES["audio"]
    if file_kind(path) is not None:
        return None
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    return wav_header_seconds(head, path.stat().st_size)


def session_turns(
    folder: str | Path, *, participant: str = "Participant", limits: Limits = DEFAULT_LIMITS
) -> tuple[np.ndarray, list[str], str | None]:
    """A session folder's participant turns, with the rows that start after the end of
    its recording (``audio.wav``) dropped.

    Returns:
        (turn times ``(n_turns, 2)``, texts, the warning naming the dropped rows or None).
    Raises:
        CorpusError: the transcript cannot be used, or no participant row is left.
    """
    path = Path(folder) / MEDIA_FILES["transcript"]
    transcript = read_transcript(path, limits=limits)
    keep = transcript["speaker"].str.casefold() == participant.casefold()
    lines = [n for n, k in zip(transcript.attrs["lines"], keep, strict=True) if k]
    times, texts = participant_turns(transcript, participant=participant, where=str(path))
    late, message = late_rows(times[:, 0], lines, audio_seconds(folder), str(path))
    if message:
        if late.all():
            raise CorpusError(f"every participant row is late: {message}", path=path)
        times, texts = times[~late], [t for t, k in zip(texts, late, strict=True) if not k]
    return times, texts, message


def read_label_table(
    path: str | Path, *, strict: bool = True, limits: Limits = DEFAULT_LIMITS
) -> tuple[dict[str, dict], dict[str, str]]:
    """Read ``labels.csv`` (``session_id,phq_score[,binary][,gender][,split]``).

    The binary label is recomputed from the score (>= 10); a file value that disagrees
    is kept in ``"binary_in_file"`` so it can be reported. A row that cannot be used, or a
    session listed twice with different labels, is a problem of that session.

    Args:
        path: the file.  strict: raise the first problem instead of returning it.
    Returns:
        (session id -> ``{"phq_score", "label", "gender", "split"[, "binary_in_file"]}``,
        session id -> why its labels cannot be used).
    Raises:
        CorpusError: the file cannot be read or lacks a column; with ``strict``, the first
            bad row.
    """
    path = Path(path)
    header, body = _records(path, "labels file", limits)
    missing = [c for c in LABEL_COLUMNS if c not in header]
    if missing:
        raise CorpusError(f"missing column(s) {missing}; expected {LABEL_COLUMNS}", path=path)
    labels: dict[str, dict] = {}
    problems: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, cells in body:
        row = dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))
        sid = row["session_id"]
        try:
            if not sid:
                raise CorpusError("empty session_id", path=path, line=line)
            entry = _label_entry(row, path, line)
            if sid in labels and labels[sid] != entry:
                raise CorpusError(
                    f"session {sid} appears twice with different labels (line {lines[sid]}: "
                    f"{_label_text(labels[sid])}; line {line}: {_label_text(entry)})",
                    path=path,
                    line=line,
                )
        except CorpusError as err:
            if strict or not sid:
                if strict:
                    raise
                continue
            problems.setdefault(sid, str(err))
            labels.pop(sid, None)
            continue
        if sid not in problems:
            labels[sid], lines[sid] = entry, line
    return labels, problems


def _label_text(entry: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in entry.items() if v is not None)


def _label_entry(row: dict, path: Path, line: int) -> dict:
    entry: dict = {"phq_score": None, "label": None, "gender": None, "split": None}
    score = row["phq_score"]
    if score:
        try:
            value = float(score)
        except ValueError:
            raise CorpusError(
                f"phq_score {score[:30]!r} is not a number", path=path, line=line
            ) from None
        if not np.isfinite(value) or not 0 <= value <= 24:
            raise CorpusError(f"phq_score {score[:30]!r} outside 0..24", path=path, line=line)
        entry["phq_score"] = value
        entry["label"] = int(value >= PHQ8_THRESHOLD)
        binary = row.get("binary", "")
        if binary and binary not in ("0", "1"):
            raise CorpusError(f"binary {binary[:30]!r} must be 0 or 1", path=path, line=line)
        if binary and int(binary) != entry["label"]:
            entry["binary_in_file"] = int(binary)
    gender = row.get("gender", "").casefold()
    if gender:
        if gender not in _GENDER:
            raise CorpusError(
                f"gender {gender[:30]!r}; expected 0/1 or female/male", path=path, line=line
            )
        entry["gender"] = _GENDER[gender]
    entry["split"] = row.get("split", "") or None
    return entry


def read_labels(path: str | Path) -> dict[str, dict]:
    """:func:`read_label_table` with ``strict=True``: session id -> labels.

    Raises:
        CorpusError naming the file and line of the first row that cannot be used.
    """
    return read_label_table(path, strict=True)[0]


def find_sessions(corpus_dir: str | Path) -> list[Path]:
    """Session folders (sub-folders holding any of the three media files), sorted."""
    from mimml_edu.errors import CorpusNotFoundError

    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusNotFoundError("corpus folder not found", path=corpus_dir)
    folders = [
        p
        for p in sorted(corpus_dir.iterdir())
        if p.is_dir()
        and any((p / name).exists() or (p / name).is_symlink() for name in MEDIA_FILES.values())
    ]
    if not folders:
        raise CorpusError(
            f"no session folders (each needs {', '.join(MEDIA_FILES.values())})", path=corpus_dir
        )
    return folders


def raw_samples_dir() -> Path:
    """The shipped raw-media samples (``raw/`` of :func:`mimml_edu.data.samples.samples_dir`)."""
    from mimml_edu.data.samples import samples_dir

    path = samples_dir("raw")
    if not (path / "labels.csv").is_file():
        raise FileNotFoundError(f"{path / 'labels.csv'}: the raw-media samples are incomplete")
    return path


def scan_recordings(
    root: str | Path, *, participant: str = "Participant", strict: bool = False
) -> dict:
    """What a folder of your own recordings holds (no feature extraction).

    Args:
        root: the corpus folder.
        participant: the transcript's speaker name for the participant.
        strict: raise at the first session or label row that cannot be used, instead of
            listing it as skipped.
    Returns:
        a dict with ``n_sessions``, ``splits``, ``sessions`` (id, split, label, PHQ-8,
        participant turns, modalities present), ``label_disagreements``, ``skipped`` and
        ``warnings``: the same keys as ``ReadReport.to_dict()``.
    """
    from mimml_edu.data.report import ReadReport

    root = Path(root)
    if not root.is_dir():
        raise CorpusError("expected a folder of session folders", path=root)
    report = ReadReport(corpus="sessions")
    labels, problems = {}, {}
    labels_path = root / "labels.csv"
    if labels_path.exists() or labels_path.is_symlink():
        labels, problems = read_label_table(labels_path, strict=strict)
        for sid, entry in labels.items():
            if "binary_in_file" in entry:
                report.label_disagreements.append(
                    {"kind": "binary", "participant_id": sid, "file": str(labels_path),
                     "line": None, "phq_score": entry["phq_score"],
                     "binary_in_file": entry["binary_in_file"], "recomputed": entry["label"]}
                )  # fmt: skip
    else:
        report.warnings.append(f"{labels_path}: not found; labels unknown")
    try:
        folders = find_sessions(root)
    except CorpusError as exc:
        report.warnings.append(str(exc))
        folders = []
    sessions = []
    for folder in folders:
        if folder.name in problems:
            report.skip(folder.name, f"labels: {problems[folder.name]}")
            continue
        turns = report.attempt(
            folder.name, lambda f=folder: session_turns(f, participant=participant), strict=strict
        )
        if turns is None:
            continue
        times, texts, late = turns
        if late:
            report.warnings.append(f"session {folder.name}: {late}")
        present = ["text"] if any(t.strip() for t in texts) else []
        for modality in ("audio", "video"):
            kind = file_kind(folder / MEDIA_FILES[modality])
            if kind is None:
                present.append(modality)
            else:
                what = "no file" if kind == "missing" else f"{kind}, not a regular file"
                report.warnings.append(
                    f"session {folder.name}: {MEDIA_FILES[modality]}: {what}; {modality} missing"
                )
        entry = labels.get(folder.name, {})
        if labels and not entry:
            report.warnings.append(f"session {folder.name}: not in labels.csv; label unknown")
        sessions.append(
            {"session_id": folder.name, "split": entry.get("split"), "label": entry.get("label"),
             "phq_score": entry.get("phq_score"), "n_turns": len(times), "modalities": present}
        )  # fmt: skip
    splits: dict[str, dict[str, int]] = {}
    for s in sessions:
        row = splits.setdefault(
            s["split"] or "none", {"n_sessions": 0, "n_depressed": 0, "n_unlabelled": 0}
        )
        row["n_sessions"] += 1
        row["n_depressed"] += int(s["label"] == 1)
        row["n_unlabelled"] += int(s["label"] is None)
    out = report.to_dict()
    out.update(n_sessions=len(sessions), splits=splits, sessions=sessions)
    return out
