"""Your own recordings (the generic layout of DATA.md): find what is there, before extracting.

Layout: ``ROOT/SESSION_ID/`` with ``audio.wav``, ``video.mp4`` and ``transcript.csv``
(``start_time,stop_time,speaker,text``), plus ``ROOT/labels.csv``
(``session_id,phq_score[,binary][,gender][,split]``).

Public API: :func:`scan_recordings` (what ``mimml-edu inspect --format sessions`` prints),
:func:`parse_generic_transcript` and :data:`INTERVIEWER_NAMES`. Turning the media into
per-turn features is the job of :mod:`mimml_edu.features`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.data.daicwoz import clean_text
from mimml_edu.data.labels import _gender, _number
from mimml_edu.data.splits import SPLITS
from mimml_edu.data.tables import read_text

#: Speaker names treated as the interviewer; every other speaker is the participant.
INTERVIEWER_NAMES = frozenset({"ellie", "interviewer", "therapist", "clinician", "doctor"})


def parse_generic_transcript(data: bytes, where: str) -> list[tuple[float, float, str]]:
    """Participant turns (runs of non-interviewer rows) as (start, stop, text)."""
    reader = csv.reader(io.StringIO("\n".join(read_text(data))))
    header = None
    turns: list[list] = []
    last_was_participant = False
    for number, cells in enumerate(reader, start=1):
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            if header[:4] != ["start_time", "stop_time", "speaker", "text"]:
                raise ValueError(
                    f"{where}, line {number}: expected the header "
                    f"start_time,stop_time,speaker,text, found {cells}"
                )
            continue
        if len(cells) < 4:
            raise ValueError(f"{where}, line {number}: expected 4 cells, found {len(cells)}")
        try:
            start, stop = float(cells[0]), float(cells[1])
        except ValueError:
            raise ValueError(
                f"{where}, line {number}: expected numeric start_time and stop_time"
            ) from None
        if cells[2].strip().lower() in INTERVIEWER_NAMES:
            last_was_participant = False
            continue
        text = clean_text(cells[3])
        if last_was_participant:
            turns[-1][1] = max(turns[-1][1], stop)
            turns[-1][2] = f"{turns[-1][2]} {text}".strip()
        else:
            turns.append([start, stop, text])
        last_was_participant = True
    if header is None:
        raise ValueError(f"{where}: the file is empty")
    return [tuple(t) for t in turns]


def _labels(root: Path, report: dict) -> dict[str, dict]:
    path = root / "labels.csv"
    if not path.is_file():
        report["warnings"].append(f"{path}: not found; labels unknown")
        return {}
    where = str(path)
    reader = csv.reader(io.StringIO("\n".join(read_text(path.read_bytes()))))
    rows = [(i, r) for i, r in enumerate(reader, start=1) if any(c.strip() for c in r)]
    if not rows:
        raise ValueError(f"{where}: the file is empty")
    header = [c.strip().lower() for c in rows[0][1]]
    for need in ("session_id", "phq_score"):
        if need not in header:
            raise ValueError(f"{where}, line 1: expected a {need} column, found {rows[0][1]}")
    col = {h: i for i, h in enumerate(header)}
    out = {}
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise ValueError(
                f"{where}, line {line}: expected {len(header)} cells, found {len(cells)}"
            )
        sid = cells[col["session_id"]].strip()
        score = _number(cells[col["phq_score"]].strip(), where, line, "phq_score")
        label = None if score is None else int(score >= PHQ8_THRESHOLD)
        if "binary" in col and score is not None:
            written = _number(cells[col["binary"]].strip(), where, line, "binary")
            if written is not None and int(written) != label:
                report["label_disagreements"].append(
                    {"participant_id": sid, "file": where, "line": line, "phq_score": score,
                     "binary_in_file": int(written), "recomputed": label}
                )  # fmt: skip
        split = cells[col["split"]].strip().lower() if "split" in col else None
        if split and split not in SPLITS:
            raise ValueError(f"{where}, line {line}, column split: expected one of {SPLITS}")
        gender = _gender(cells[col["gender"]], where, line) if "gender" in col else None
        out[sid] = {"phq_score": score, "label": label, "split": split or None, "gender": gender}
    return out


def scan_recordings(root: str | Path) -> dict:
    """What a folder of your own recordings holds (no feature extraction).

    Returns:
        a dict with ``n_sessions``, ``splits``, ``sessions`` (id, split, label, PHQ-8,
        participant turns, modalities present as files), ``label_disagreements``,
        ``skipped`` and ``warnings``: the same keys as ``ReadReport.to_dict()``.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: expected a folder of session folders")
    report: dict = {"corpus": "sessions", "label_disagreements": [], "skipped": [], "warnings": []}
    labels = _labels(root, report)
    sessions = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        transcript = folder / "transcript.csv"
        if not transcript.is_file():
            report["skipped"].append({"session_id": folder.name, "reason": f"no {transcript}"})
            continue
        turns = parse_generic_transcript(transcript.read_bytes(), str(transcript))
        if not turns:
            report["skipped"].append(
                {"session_id": folder.name, "reason": f"no participant turns in {transcript}"}
            )
            continue
        present = ["text"]
        for modality, name in (("audio", "audio.wav"), ("video", "video.mp4")):
            if (folder / name).is_file():
                present.append(modality)
            else:
                report["warnings"].append(f"session {folder.name}: no {name}; {modality} missing")
        lab = labels.get(folder.name, {})
        if labels and not lab:
            report["warnings"].append(f"session {folder.name}: not in labels.csv; label unknown")
        sessions.append(
            {"session_id": folder.name, "split": lab.get("split"), "label": lab.get("label"),
             "phq_score": lab.get("phq_score"), "n_turns": len(turns), "modalities": present}
        )  # fmt: skip
    splits: dict[str, dict[str, int]] = {}
    for s in sessions:
        row = splits.setdefault(s["split"] or "none", dict.fromkeys(
            ("n_sessions", "n_depressed", "n_unlabelled"), 0))  # fmt: skip
        row["n_sessions"] += 1
        row["n_depressed"] += int(s["label"] == 1)
        row["n_unlabelled"] += int(s["label"] is None)
    return {"corpus": "sessions", "n_sessions": len(sessions), "splits": splits,
            "sessions": sessions, **{k: report[k] for k in
            ("label_disagreements", "skipped", "warnings")}, "notes": {}}  # fmt: skip
