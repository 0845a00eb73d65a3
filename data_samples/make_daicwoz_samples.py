"""Regenerate data_samples/daicwoz/: synthetic sessions in the exact DAIC-WOZ layout.

Run from the repository root: ``python data_samples/make_daicwoz_samples.py``.
Everything is random numbers from fixed seeds; nothing comes from any participant.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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


if __name__ == "__main__":
    main()
