"""Your own recordings (the generic layout of ``docs/data.md``): files, transcripts, labels.

Layout::

    ROOT/
      labels.csv            session_id,phq_score[,binary][,gender][,split]
      SESSION_ID/
        audio.wav           any rate, mono or stereo
        video.mp4           anything opencv decodes
        transcript.csv      start_time,stop_time,speaker,text  (times in seconds)

Public API: :func:`read_transcript`, :func:`participant_turns`, :func:`read_labels`,
:func:`find_sessions` (the rules every reader of this layout follows) and
:func:`scan_recordings`, what ``mimml-edu inspect`` prints for such a folder. Nothing here
runs a feature extractor or needs a media library; the reader that extracts features from
the media is :mod:`mimml_edu.features.corpus`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mimml_edu.data.batch import PHQ8_THRESHOLD

TRANSCRIPT_COLUMNS = ("start_time", "stop_time", "speaker", "text")
LABEL_COLUMNS = ("session_id", "phq_score")
MEDIA_FILES = {"audio": "audio.wav", "video": "video.mp4", "transcript": "transcript.csv"}
_GENDER = {"0": 0, "1": 1, "f": 0, "female": 0, "m": 1, "male": 1}


def read_transcript(path: str | Path):
    """Read ``transcript.csv`` (``start_time,stop_time,speaker,text``).

    Returns:
        a pandas DataFrame with those columns (text ``""`` where empty), in file order.
    Raises:
        FileNotFoundError, ValueError: naming the file, and the line where relevant.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: transcript not found")
    try:
        df = pd.read_csv(path, dtype={"speaker": str, "text": str}, keep_default_na=False)
    except pd.errors.EmptyDataError as err:
        raise ValueError(f"{path}: the transcript is empty") from err
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a readable CSV transcript ({err})") from err
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in TRANSCRIPT_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(
            f"{path}: missing column(s) {missing}; expected header {','.join(TRANSCRIPT_COLUMNS)}"
        )
    if df.empty:
        raise ValueError(f"{path}: the transcript has a header but no rows")
    for col in ("start_time", "stop_time"):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = np.flatnonzero(~np.isfinite(values.to_numpy(dtype=float)))
        if len(bad):
            raise ValueError(
                f"{path}, line {bad[0] + 2}: {col} {df[col].iloc[bad[0]]!r} is not a number"
            )
        df[col] = values.astype(float)
    backwards = np.flatnonzero(df["stop_time"].to_numpy() < df["start_time"].to_numpy())
    if len(backwards):
        raise ValueError(f"{path}, line {backwards[0] + 2}: stop_time is before start_time")
    df["speaker"] = df["speaker"].str.strip()
    df["text"] = df["text"].fillna("").str.strip()
    return df[list(TRANSCRIPT_COLUMNS)].reset_index(drop=True)


def participant_turns(
    transcript, *, participant: str = "Participant", where: str = "transcript"
) -> tuple[np.ndarray, list[str]]:
    """The participant's rows: turn times ``(n_turns, 2)`` and texts.

    Raises:
        ValueError: no row by ``participant`` (the speakers found are named).
    """
    rows = transcript[transcript["speaker"].str.casefold() == participant.casefold()]
    if rows.empty:
        found = sorted(set(transcript["speaker"]))
        raise ValueError(f"{where}: no turns by speaker {participant!r}; speakers are {found}")
    return rows[["start_time", "stop_time"]].to_numpy(dtype=np.float64), rows["text"].tolist()


def read_labels(path: str | Path) -> dict[str, dict]:
    """Read ``labels.csv`` (``session_id,phq_score[,binary][,gender][,split]``).

    The binary label is recomputed from the score (>= 10); a file value that disagrees
    is kept in ``"binary_in_file"`` so it can be reported.

    Returns:
        session id -> ``{"phq_score", "label", "gender", "split"[, "binary_in_file"]}``.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: labels file not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in LABEL_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; expected {LABEL_COLUMNS}")
    labels: dict[str, dict] = {}
    for i, row in df.iterrows():
        line = f"{path}, line {int(i) + 2}"
        sid = row["session_id"].strip()
        if not sid:
            raise ValueError(f"{line}: empty session_id")
        if sid in labels:
            raise ValueError(f"{line}: session {sid} appears twice")
        entry: dict = {"phq_score": None, "label": None, "gender": None, "split": None}
        score = row["phq_score"].strip()
        if score:
            try:
                value = float(score)
            except ValueError as err:
                raise ValueError(f"{line}: phq_score {score!r} is not a number") from err
            if not np.isfinite(value) or not 0 <= value <= 24:
                raise ValueError(f"{line}: phq_score {score!r} outside 0..24")
            entry["phq_score"] = value
            entry["label"] = int(value >= PHQ8_THRESHOLD)
            binary = row.get("binary", "").strip()
            if binary and binary not in ("0", "1"):
                raise ValueError(f"{line}: binary {binary!r} must be 0 or 1")
            if binary and int(binary) != entry["label"]:
                entry["binary_in_file"] = int(binary)
        gender = row.get("gender", "").strip().casefold()
        if gender:
            if gender not in _GENDER:
                raise ValueError(f"{line}: gender {gender!r}; expected 0/1 or female/male")
            entry["gender"] = _GENDER[gender]
        split = row.get("split", "").strip()
        entry["split"] = split or None
        labels[sid] = entry
    return labels


def find_sessions(corpus_dir: str | Path) -> list[Path]:
    """Session folders (sub-folders holding any of the three media files), sorted."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise FileNotFoundError(f"{corpus_dir}: corpus folder not found")
    folders = [
        p
        for p in sorted(corpus_dir.iterdir())
        if p.is_dir() and any((p / name).exists() for name in MEDIA_FILES.values())
    ]
    if not folders:
        raise ValueError(
            f"{corpus_dir}: no session folders (each needs {', '.join(MEDIA_FILES.values())})"
        )
    return folders


def raw_samples_dir() -> Path:
    """The shipped raw-media samples (``raw/`` of :func:`mimml_edu.data.samples.samples_dir`)."""
    from mimml_edu.data.samples import samples_dir

    path = samples_dir("raw")
    if not (path / "labels.csv").is_file():
        raise FileNotFoundError(f"{path / 'labels.csv'}: the raw-media samples are incomplete")
    return path


def scan_recordings(root: str | Path, *, participant: str = "Participant") -> dict:
    """What a folder of your own recordings holds (no feature extraction).

    Args:
        root: the corpus folder.
        participant: the transcript's speaker name for the participant.
    Returns:
        a dict with ``n_sessions``, ``splits``, ``sessions`` (id, split, label, PHQ-8,
        participant turns, modalities present), ``label_disagreements``, ``skipped`` and
        ``warnings``: the same keys as ``ReadReport.to_dict()``.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: expected a folder of session folders")
    disagreements: list[dict] = []
    skipped: list[dict] = []
    warnings: list[str] = []
    labels: dict[str, dict] = {}
    labels_path = root / "labels.csv"
    if labels_path.is_file():
        labels = read_labels(labels_path)
        for sid, entry in labels.items():
            if "binary_in_file" in entry:
                disagreements.append(
                    {"participant_id": sid, "file": str(labels_path), "line": None,
                     "phq_score": entry["phq_score"], "binary_in_file": entry["binary_in_file"],
                     "recomputed": entry["label"]}
                )  # fmt: skip
    else:
        warnings.append(f"{labels_path}: not found; labels unknown")
    try:
        folders = find_sessions(root)
    except ValueError as exc:
        warnings.append(str(exc))
        folders = []
    sessions = []
    for folder in folders:
        transcript = folder / MEDIA_FILES["transcript"]
        try:
            times, texts = participant_turns(
                read_transcript(transcript), participant=participant, where=str(transcript)
            )
        except (FileNotFoundError, ValueError) as exc:
            skipped.append({"session_id": folder.name, "reason": str(exc)})
            continue
        present = ["text"] if any(t.strip() for t in texts) else []
        for modality in ("audio", "video"):
            if (folder / MEDIA_FILES[modality]).is_file():
                present.append(modality)
            else:
                warnings.append(
                    f"session {folder.name}: no {MEDIA_FILES[modality]}; {modality} missing"
                )
        entry = labels.get(folder.name, {})
        if labels and not entry:
            warnings.append(f"session {folder.name}: not in labels.csv; label unknown")
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
    return {
        "corpus": "sessions",
        "n_sessions": len(sessions),
        "splits": splits,
        "sessions": sessions,
        "label_disagreements": disagreements,
        "skipped": skipped,
        "warnings": warnings,
        "notes": {},
    }
