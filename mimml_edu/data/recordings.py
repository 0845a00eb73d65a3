"""Your own recordings (the generic layout of docs/data.md): what is there, before extracting.

Layout: ``ROOT/SESSION_ID/`` with ``audio.wav``, ``video.mp4`` and ``transcript.csv``
(``start_time,stop_time,speaker,text``), plus ``ROOT/labels.csv``
(``session_id,phq_score[,binary][,gender][,split]``).

Public API: :func:`scan_recordings`, what ``mimml-edu inspect --format sessions`` prints.
It uses the same transcript, turn and label rules as the full reader
(:mod:`mimml_edu.data.sessions`, which also extracts the features), without running any
extractor, so it is fast and needs no media libraries.
"""

from __future__ import annotations

from pathlib import Path

from mimml_edu.data.sessions import (
    MEDIA_FILES,
    find_sessions,
    participant_turns,
    read_labels,
    read_transcript,
)


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
