"""``mimml-edu inspect PATH``: what a corpus reader finds in a folder.

Prints (or, with ``--json``, emits as one JSON object with the keys ``n_sessions``,
``splits``, ``sessions``, ``label_disagreements``, ``skipped``, ``warnings``) the number
of sessions, per split the sessions and depressed sessions, per session the participant
turns and modalities present, label disagreements, skipped sessions with their reasons,
and warnings. The exit status is 1 only when nothing usable was found.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

FORMATS = ("daicwoz", "edaic", "sessions")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="corpus folder (or one XXX_P.zip / XXX_P folder)")
    parser.add_argument(
        "--format", choices=FORMATS, default=None, help="corpus layout (default: detected)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def detect_format(path: Path) -> str:
    """Guess the layout: DAIC-WOZ (``*_TRANSCRIPT.csv`` / AVEC 2017 labels), E-DAIC
    (``*_Transcript.csv`` / ``train_split.csv``) or generic sessions."""
    if path.suffix.lower() == ".zip" or list(path.glob("*_P.zip")):
        return "daicwoz"
    if list(path.glob("*_Depression_AVEC2017.csv")) or list(path.glob("*_P/*_TRANSCRIPT.csv")):
        return "daicwoz"
    if (path / "train_split.csv").exists() or list(path.glob("*_P/*_Transcript.csv")):
        return "edaic"
    name = path.name.upper()
    if name.endswith("_P") and list(path.glob("*_TRANSCRIPT.csv")):
        return "daicwoz"
    return "sessions"


def summarize(path: Path, fmt: str) -> dict:
    """Run the reader for ``fmt`` on ``path`` and return its JSON-ready summary."""
    if fmt == "daicwoz":
        from mimml_edu.data.daicwoz import read_daicwoz

        return read_daicwoz(path, on_error="skip").to_dict()
    if fmt == "edaic":
        from mimml_edu.data.edaic import read_edaic

        return read_edaic(path, on_error="skip").to_dict()
    from mimml_edu.data.recordings import scan_recordings

    return scan_recordings(path)


def format_text(summary: dict) -> str:
    """The human-readable report."""
    out = [f"{summary['corpus']}: {summary['n_sessions']} usable sessions"]
    for split, row in summary["splits"].items():
        out.append(
            f"  {split:<6} {row['n_sessions']:>4} sessions, {row['n_depressed']:>3} depressed"
            + (f", {row['n_unlabelled']} unlabelled" if row["n_unlabelled"] else "")
        )
    if summary["sessions"]:
        out.append("sessions (id, split, label, PHQ-8, participant turns, modalities):")
        for s in summary["sessions"]:
            label = "-" if s["label"] is None else s["label"]
            score = "-" if s["phq_score"] is None else s["phq_score"]
            out.append(
                f"  {s['session_id']:>6}  {s['split'] or '-':<5} {label:>2}  {score:>5}"
                f"  {s['n_turns']:>4}  {','.join(s['modalities']) or '-'}"
            )
    for title, key in (("label disagreements", "label_disagreements"), ("skipped", "skipped")):
        out.append(f"{title}: {len(summary[key])}")
        for item in summary[key]:
            if key == "skipped":
                out.append(f"  {item['session_id']}: {item['reason']}")
            else:
                out.append(
                    f"  {item['participant_id']}: PHQ-8 {item['phq_score']} written as "
                    f"{item['binary_in_file']}, recomputed {item['recomputed']} "
                    f"({item['file']}, line {item['line']})"
                )
    out.append(f"warnings: {len(summary['warnings'])}")
    out += [f"  {w}" for w in summary["warnings"]]
    for key, value in summary.get("notes", {}).items():
        out.append(f"{key}: {value}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        message = f"{path}: no such file or folder"
        print(json.dumps({"error": message}) if args.json else message)
        return 1
    fmt = args.format or detect_format(path)
    try:
        summary = summarize(path, fmt)
    except (ValueError, FileNotFoundError) as exc:
        message = f"{fmt} reader failed: {exc}"
        print(json.dumps({"error": message, "format": fmt}) if args.json else message)
        return 1
    print(json.dumps(summary, indent=None) if args.json else format_text(summary))
    return 0 if summary["n_sessions"] > 0 else 1
