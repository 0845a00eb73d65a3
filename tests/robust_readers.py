"""The readers as the property-based tests call them in a limited worker process.

Each function reads one input with a package reader and returns a plain summary holding
``problems``: what is structurally wrong with the result (empty when the input was read
correctly: every feature finite, masks and turn times consistent, labels in range).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def session_problems(s) -> list[str]:
    """What is wrong with a Session read from damaged input (nothing, when read right)."""
    from mimml_edu.data.batch import MODALITIES

    out = []
    n = s.n_turns
    for m in MODALITIES:
        x, mask = s.features[m], s.masks[m]
        if x.ndim != 2 or x.shape[0] != n or mask.shape != (n,) or mask.dtype != bool:
            out.append(f"{m}: shapes {x.shape} {mask.shape} for {n} turns")
        elif not np.isfinite(x).all():
            out.append(f"{m}: non-finite features")
    t = np.asarray(s.turn_times)
    if t.shape != (n, 2) or not np.isfinite(t).all() or (t < 0).any() or (t[:, 1] < t[:, 0]).any():
        out.append(f"turn times {t.shape} not finite, negative or backwards")
    if s.phq_score is not None and not 0 <= s.phq_score <= 24:
        out.append(f"PHQ-8 score {s.phq_score}")
    return out


def daicwoz_session(path: str) -> dict:
    from mimml_edu.data.daicwoz import read_daicwoz_session
    from mimml_edu.data.report import ReadReport

    report = ReadReport()
    s = read_daicwoz_session(path, report=report)
    return {"problems": session_problems(s) if s is not None else [], "skipped": report.skipped}


def edaic_session(path: str) -> dict:
    from mimml_edu.data.edaic import read_edaic_session
    from mimml_edu.data.report import ReadReport

    report = ReadReport()
    s = read_edaic_session(path, report=report)
    return {"problems": session_problems(s) if s is not None else [], "skipped": report.skipped}


def label_files(root: str, strict: bool) -> dict:
    from mimml_edu.data.labels import DAICWOZ_LABEL_FILES, read_labels

    table = read_labels(root, DAICWOZ_LABEL_FILES, strict=strict)
    problems = []
    for pid, row in table.rows.items():
        if row.phq_score is not None and not 0 <= row.phq_score <= 24:
            problems.append(f"{pid}: score {row.phq_score}")
        if row.phq_score is not None and row.label != int(row.phq_score >= 10):
            problems.append(f"{pid}: label {row.label} for score {row.phq_score}")
        if any(v is not None and v not in (0, 1, 2, 3) for v in row.items.values()):
            problems.append(f"{pid}: items {row.items}")
        if pid in table.problems:
            problems.append(f"{pid}: both a row and a problem")
    return {"problems": problems, "n": len(table.rows), "n_problems": len(table.problems)}


def recordings_session(folder: str) -> dict:
    from mimml_edu.data.recordings import session_turns

    times, texts, _ = session_turns(folder)
    problems = []
    if times.shape != (len(texts), 2) or not np.isfinite(times).all() or (times < 0).any():
        problems.append(f"turn times {times.shape}")
    return {"problems": problems, "n": len(texts)}


def recordings_labels(path: str) -> dict:
    from mimml_edu.data.recordings import read_label_table

    labels, problems = read_label_table(path, strict=False)
    bad = [sid for sid, e in labels.items()
           if e["phq_score"] is not None and not 0 <= e["phq_score"] <= 24]  # fmt: skip
    return {"problems": bad, "n": len(labels), "n_problems": len(problems)}


def config_file(path: str) -> dict:
    from mimml_edu.config import load_config

    config = load_config(path)
    return {"problems": [], "config": config.to_dict()}


def checkpoint_file(path: str) -> dict:
    import torch

    from mimml_edu.checkpoints import load_checkpoint

    model, _, _ = load_checkpoint(path)
    bad = [k for k, v in model.state_dict().items()
           if v.is_floating_point() and not torch.isfinite(v).all()]  # fmt: skip
    return {"problems": bad}


def written(root: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` (relative name -> bytes) under ``root``; returns ``root``."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def audio_file(path: str) -> dict:
    from mimml_edu.features.audio import load_audio

    return {"problems": [], "n": len(load_audio(path))}


def video_file(path: str) -> dict:
    from mimml_edu.features.video import extract_frames

    return {"problems": [], "n": len(extract_frames(path).times)}


def cache_hash(path: str) -> dict:
    from mimml_edu.features.cache import file_sha256

    return {"problems": [], "sha": file_sha256(path)}


def session_file(path: str) -> dict:
    from mimml_edu.features.store import load_session

    return {"problems": session_problems(load_session(path))}
