"""``mimml-edu extract CORPUS_DIR --out FEATURES_DIR [--jobs N]``: raw media to features.

Reads a corpus in the generic layout (``SESSION_ID/audio.wav, video.mp4,
transcript.csv`` and ``labels.csv``), runs the audio, video and text extractors with
an on-disk cache (``FEATURES_DIR/cache`` unless ``--cache``), sessions in ``--jobs``
worker processes (a progress bar over sessions), and writes a features folder
(:mod:`mimml_edu.features.extract`): one ``SESSION_ID.npz`` per session, the corpus's
``labels.csv`` and a marker file. Every command reads that folder as a corpus
(``--data FEATURES_DIR``). A file that cannot be used is reported with the reason and
the corpus goes on, unless ``--strict``. Exit status: 0 when every file was used, 1 when
some failed, 2 for a bad option or corpus folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mimml_edu.commands.common import number_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus_dir", type=Path, help="folder of session folders")
    parser.add_argument("--out", type=Path, required=True, help="the features folder to write")
    parser.add_argument("--jobs", default="1", help="worker processes (default 1)")
    parser.add_argument("--cache", type=Path, default=None, help="feature cache folder")
    parser.add_argument(
        "--text-model",
        default=None,
        help="minilm (default: the shipped all-MiniLM-L6-v2), hashing (a fast stand-in), or "
        "a local transformers model folder (any language)",
    )
    parser.add_argument("--participant", default="Participant", help="speaker of the turns")
    parser.add_argument("--max-fps", default="15", help="video frames analysed per second")
    parser.add_argument("--strict", action="store_true", help="stop at the first failure")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    from mimml_edu.features.corpus import ExtractionError
    from mimml_edu.features.extract import extract_corpus
    from mimml_edu.features.video import VideoConfig

    jobs = number_option("--jobs", args.jobs, int, minimum=1)
    fps = number_option("--max-fps", args.max_fps, float, minimum=0, strict=True)
    try:
        report = extract_corpus(
            args.corpus_dir,
            args.out,
            jobs=jobs,
            text_model=args.text_model,
            cache_dir=args.cache,
            video_config=VideoConfig(max_fps=fps),
            participant=args.participant,
            strict=args.strict,
            progress=not args.json,
        )
    except ExtractionError as err:  # --strict: the first file that could not be used
        from mimml_edu.cli import one_line

        print(f"mimml-edu: error: {one_line(err)}", file=sys.stderr)
        return 1
    summary = report.to_dict()
    summary["out"] = str(args.out)
    summary["jobs"] = jobs
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{summary['sessions_processed']} sessions -> {args.out} (read it with "
              f"--data {args.out})")  # fmt: skip
        print(f"feature widths: {summary['feature_widths']}")
        for s in report.sessions:
            face, voiced = s.meta.get("face_detection_rate"), s.meta.get("voiced_ratio")
            face_s = "n/a" if face is None else f"{face:.0%}"
            voiced_s = "n/a" if voiced is None else f"{voiced:.0%}"
            print(f"  {s.session_id}: {s.n_turns} turns, face {face_s}, voiced {voiced_s}")
        for failure in report.failures:
            print(f"FAILED {failure}", file=sys.stderr)
        hits, misses = report.cache_hits, report.cache_misses
        print(f"cache: {hits} hits, {misses} misses; {report.wall_s:.1f} s, {jobs} job(s)")
    return 1 if report.failures else 0
