"""Regenerate data_samples/daicwoz/: synthetic sessions in the exact DAIC-WOZ layout.

Run from the repository root: ``python data_samples/make_daicwoz_samples.py``.
Everything is random numbers from fixed seeds; nothing comes from any participant.

It also writes whole corpora that are never committed (hundreds of MB):

- ``--full-size DIR``: 189 sessions in the DAIC-WOZ layout with the official split files
  and sizes (107/35/47), shorter sessions than the real ones, and a planted signal
  (:func:`mimml_edu.data.layouts.write_daicwoz_corpus`);
- ``--edaic DIR``: the E-DAIC layout (:func:`mimml_edu.data.layouts.write_edaic_corpus`;
  ``--sizes 24,8,10,4,10,4`` for sessions and depressed per split).
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from mimml_edu.data.layouts import write_daicwoz_corpus, write_edaic_corpus
from mimml_edu.data.samples import write_daicwoz_labels, write_daicwoz_session

OUT = Path(__file__).resolve().parent / "daicwoz"

#: participant id, seconds, Ellie style, media offset, split, PHQ-8, binary as written, gender
SESSIONS = (
    (303, 40.0, "plain", 0.0, "train", 14, 1, 0),
    (321, 40.0, "plain", 3.84, "train", 10, 0, 1),  # a score of 10 labelled 0: the known error
    (402, 36.0, "prompt_id", 0.0, "dev", 3, 0, 1),  # Ellie as "prompt_id (text)" (363 on)
    (451, 30.0, "none", 0.0, "test", 17, 1, 0),  # no Ellie lines, like 451, 458, 480
)
ITEMS = {
    303: [2, 2, 2, 2, 2, 2, 1, 1],
    321: [1, 1, 2, 2, None, 2, 1, 1],  # an empty item cell
    402: [0, 1, 0, 1, 0, 1, 0, 0],
}


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rows = []
    for i, (pid, seconds, style, offset, split, score, binary, gender) in enumerate(SESSIONS):
        write_daicwoz_session(
            OUT, pid, duration_s=seconds, seed=1000 + i, ellie_style=style,
            media_offset_s=offset, as_zip=True,
        )  # fmt: skip
        rows.append(
            {"participant_id": pid, "split": split, "phq_score": score, "binary": binary,
             "gender": gender, "items": ITEMS.get(pid)}
        )  # fmt: skip
    write_daicwoz_labels(OUT, rows)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(SESSIONS)} sessions and 4 label files to {OUT} ({total / 1e6:.2f} MB)")


def _sizes(text: str | None) -> dict | None:
    if not text:
        return None
    n = [int(v) for v in text.split(",")]
    if len(n) != 6:
        raise SystemExit(
            "--sizes takes six numbers: train, depressed, dev, depressed, test, depressed"
        )
    return {"train": (n[0], n[1]), "dev": (n[2], n[3]), "test": (n[4], n[5])}


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-size", type=Path, help="write the 189-session DAIC-WOZ layout")
    parser.add_argument("--edaic", type=Path, help="write a corpus in the E-DAIC layout")
    parser.add_argument("--sizes", help="sessions and depressed per split: n,d,n,d,n,d")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="processes writing sessions")
    parser.add_argument("--zip", action="store_true", help="XXX_P.zip files like the download")
    args = parser.parse_args()
    if not (args.full_size or args.edaic):
        main()
        return
    start = time.perf_counter()
    sizes = _sizes(args.sizes)
    if args.full_size:
        kwargs = {"sizes": sizes} if sizes else {}
        write_daicwoz_corpus(args.full_size, seed=args.seed, jobs=args.jobs, as_zip=args.zip,
                             **kwargs)  # fmt: skip
        print(f"wrote the DAIC-WOZ layout to {args.full_size}")
    if args.edaic:
        kwargs = {"sizes": sizes} if sizes else {}
        write_edaic_corpus(args.edaic, seed=args.seed, jobs=args.jobs, **kwargs)
        print(f"wrote the E-DAIC layout to {args.edaic}")
    print(f"{time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    cli()
