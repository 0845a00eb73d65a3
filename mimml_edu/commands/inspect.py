"""``mimml-edu inspect SPEC``: what a corpus reader finds in a folder (or a synthetic spec).

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

from mimml_edu.commands.common import add_reader_arguments, reader_options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        help="corpus folder (or one XXX_P.zip / XXX_P folder, or a folder written by "
        "extract), FORMAT:FOLDER, or a synthetic spec",
    )
    parser.add_argument(
        "--format", default=None,
        help="corpus layout: daicwoz, edaic, recordings, features (default: detected)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_reader_arguments(parser)


def summarize(spec: str, fmt: str | None, *, strict: bool = False, limits=None) -> dict:
    """What the reader of ``spec`` finds, JSON-ready. Own recordings are scanned without
    running the feature extractors (fast; ``extract`` runs them); a folder written by
    ``extract`` is read back with its labels and splits. ``strict`` and ``limits`` as in
    :func:`~mimml_edu.data.corpora.load_corpus`."""
    from mimml_edu.data.corpora import FORMATS, PLUGINS, detect_format, load_corpus

    if spec == "synthetic" or spec.startswith("synthetic:"):
        return load_corpus(spec).report.to_dict()
    head, sep, rest = spec.partition(":")
    if sep and head in {*FORMATS, *PLUGINS} and len(head) > 1:  # FORMAT:PATH
        fmt, path = fmt or head, rest
    else:
        path = spec
        fmt = fmt or detect_format(Path(spec))
    if fmt == "recordings":
        from mimml_edu.data.recordings import scan_recordings

        return scan_recordings(path, strict=strict)
    return load_corpus(path, format=fmt, strict=strict, limits=limits).report.to_dict()


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
            elif item.get("kind") == "item_sum":
                out.append(
                    f"  {item['participant_id']}: PHQ-8 total {item['phq_score']}, items add "
                    f"up to {item['item_sum']} ({item['file']}, line {item['line']}); the "
                    "total is used"
                )
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
    summary = summarize(args.path, args.format, **reader_options(args))
    print(json.dumps(summary, indent=None) if args.json else format_text(summary))
    return 0 if summary["n_sessions"] > 0 else 1
