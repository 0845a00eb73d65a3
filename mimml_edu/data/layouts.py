"""Whole synthetic corpora in the DAIC-WOZ and E-DAIC layouts, with a planted signal.

Public API:

- :func:`write_daicwoz_corpus` 189 sessions with the four AVEC 2017 label files, the
  official split sizes (107 train, 35 dev, 47 test) and depressed counts (30, 12, 14),
  DAIC-WOZ's participant ids and quirks (interviewer lines as ``prompt_id (text)`` from
  363 on, no interviewer lines in 451, 458 and 480, the known transcript offsets, one
  binary label that disagrees with its score).
- :func:`write_edaic_corpus` the E-DAIC layout with its three label files (default sizes
  163/56/56; ids from DAIC-WOZ's and from 600 on, so that the overlap is reported).
- :func:`write_edaic_session`, :func:`write_edaic_labels` one E-DAIC session, its labels.

Everything is random numbers from fixed seeds; nothing comes from a participant. Unlike
the shipped samples, a generated corpus carries a **planted signal** so that a protocol
run on it has something to find: each session's features and words move with its
PHQ-8 score (``signal``: F0, smiles, gaze, mood words; see
:func:`~mimml_edu.data.samples.write_daicwoz_session`), and, in DAIC-WOZ's layout, the
interviewer's follow-up line after "have you ever been diagnosed with depression"
depends on the answer (``leak``: the share of depressed participants who get it; a few
others do), the prompt leakage that including the interviewer's lines exposes. The sizes
of these effects are the generator's, not the real corpora's: numbers measured on a
generated corpus say whether a pipeline works, never how well a model does on DAIC-WOZ.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.data.channels import AU_INTENSITY, AU_PRESENCE
from mimml_edu.data.samples import (
    _fmt_rows,
    _smooth,
    _transcript,
    write_daicwoz_labels,
    write_daicwoz_session,
)

#: split -> (sessions, depressed) of DAIC-WOZ's official label files.
DAICWOZ_SIZES: dict[str, tuple[int, int]] = {"train": (107, 30), "dev": (35, 12), "test": (47, 14)}

#: split -> (sessions, depressed) of a generated E-DAIC corpus (E-DAIC's split sizes; the
#: depressed counts are the generator's, about 30 %).
EDAIC_SIZES: dict[str, tuple[int, int]] = {"train": (163, 49), "dev": (56, 17), "test": (56, 17)}

#: The follow-up the interviewer says after a "yes" to the diagnosis question.
LEAK_LINE = "how long ago were you diagnosed"


def _severity(phq: int) -> float:
    """PHQ-8 -> the signal's sign and size (about -1 for 0, 0 at 7, +1 at 13, +2.8 at 24)."""
    return (phq - 7.0) / 6.0


def _labels_plan(rng, ids: list[str], sizes: Mapping[str, tuple[int, int]]) -> list[dict]:
    """One row per participant: split, PHQ-8 (10..24 when depressed), gender."""
    order = list(rng.permutation(ids))
    rows = []
    for split, (n, n_dep) in sizes.items():
        if not 0 <= n_dep <= n:
            raise ValueError(f"split {split}: {n_dep} depressed of {n} sessions")
        members, order = order[:n], order[n:]
        depressed = set(rng.choice(members, size=n_dep, replace=False).tolist()) if n else set()
        for pid in members:
            dep = pid in depressed
            score = int(rng.integers(10, 25) if dep else rng.integers(0, 10))
            rows.append({"participant_id": int(pid), "split": split, "phq_score": score,
                         "binary": int(dep), "gender": int(rng.random() < 0.55)})  # fmt: skip
    return sorted(rows, key=lambda r: r["participant_id"])


def _items(rng, score: int) -> list[int]:
    """Eight PHQ-8 item scores (0..3) that add up to ``score``."""
    items = [0] * 8
    for _ in range(score):
        free = [i for i in range(8) if items[i] < 3]
        items[int(rng.choice(free))] += 1
    return items


def _write_all(jobs: int, writer, calls: list[dict]) -> None:
    if jobs <= 1:
        for kwargs in calls:
            writer(**kwargs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        for future in [pool.submit(writer, **kwargs) for kwargs in calls]:
            future.result()


def write_daicwoz_corpus(
    root: str | Path,
    *,
    seed: int = 0,
    sizes: Mapping[str, tuple[int, int]] = DAICWOZ_SIZES,
    duration_s: tuple[float, float] = (30.0, 50.0),
    pace: float = 0.35,
    signal: float = 0.25,
    leak: float = 0.8,
    as_zip: bool = False,
    jobs: int = 1,
) -> Path:
    """Write a full-size synthetic corpus in the DAIC-WOZ layout.

    Args:
        root: the folder (created).
        seed: every session and label follows from it.
        sizes: split -> (sessions, depressed); the default is DAIC-WOZ's; at most 189
            sessions in all (its participant ids, in order).
        duration_s: range of the recordings' lengths (seconds).
        pace: the transcripts' pace (0.35: about one participant turn every 2 s).
        signal: strength of the planted cue (0: none, like the shipped samples).
        leak: share of depressed participants whose interviewer asks the follow-up
            :data:`LEAK_LINE` (a tenth of that share of the others get it too).
        as_zip: ``XXX_P.zip`` files like the download, instead of ``XXX_P/`` folders.
        jobs: processes writing sessions.
    Returns:
        ``root``.
    """
    from mimml_edu.data.daicwoz import DAICWOZ_TIME_OFFSETS
    from mimml_edu.data.edaic import DAICWOZ_IDS

    ids = sorted(DAICWOZ_IDS, key=int)
    total = sum(n for n, _ in sizes.values())
    if total > len(ids):
        raise ValueError(f"DAIC-WOZ has {len(ids)} participant ids; {total} sessions asked")
    rng = np.random.default_rng(seed)
    rows = _labels_plan(rng, ids[:total], sizes)
    error = next((r for r in rows if r["split"] == "train" and r["phq_score"] == 10), None)
    if error is not None:
        error["binary"] = 0  # the official files' known error: a score of 10 labelled 0
    calls = []
    for i, r in enumerate(rows):
        pid = r["participant_id"]
        if r["split"] != "test":
            r["items"] = _items(rng, r["phq_score"])
        dep = r["phq_score"] >= PHQ8_THRESHOLD
        asked = rng.random() < (leak if dep else leak / 10)
        style = "none" if pid in (451, 458, 480) else ("prompt_id" if pid >= 363 else "plain")
        offset = DAICWOZ_TIME_OFFSETS.get(str(pid), 0.0)  # the media start that much later
        calls.append(dict(
            root=root, participant_id=pid, duration_s=offset + float(rng.uniform(*duration_s)),
            seed=seed * 1000 + i, ellie_style=style, media_offset_s=offset, as_zip=as_zip,
            landmarks=False, signal=signal * _severity(r["phq_score"]), pace=pace,
            followups={"diagnosed_d": LEAK_LINE} if asked else None,
        ))  # fmt: skip
    Path(root).mkdir(parents=True, exist_ok=True)
    _write_all(jobs, write_daicwoz_session, calls)
    write_daicwoz_labels(root, rows)
    return Path(root)


def write_edaic_corpus(
    root: str | Path,
    *,
    seed: int = 0,
    sizes: Mapping[str, tuple[int, int]] = EDAIC_SIZES,
    duration_s: tuple[float, float] = (30.0, 50.0),
    pace: float = 0.35,
    signal: float = 0.25,
    jobs: int = 1,
) -> Path:
    """Write a synthetic corpus in the E-DAIC layout (arguments as
    :func:`write_daicwoz_corpus`; E-DAIC's transcripts have no interviewer lines, so no
    leak). Participant ids: a sample of DAIC-WOZ's and of 600 on, sorted.

    Returns:
        ``root``.
    """
    from mimml_edu.data.edaic import DAICWOZ_IDS

    total = sum(n for n, _ in sizes.values())
    rng = np.random.default_rng(seed)
    pool = sorted(DAICWOZ_IDS, key=int) + [str(i) for i in range(600, 600 + total)]
    ids = sorted(rng.choice(pool, size=total, replace=False).tolist(), key=int)
    rows = _labels_plan(rng, ids, sizes)
    calls = []
    for i, r in enumerate(rows):
        r["gender"] = ("female", "male ")[r["gender"]]  # a word, with the trailing space
        calls.append(dict(
            root=root, participant_id=r["participant_id"],
            duration_s=float(rng.uniform(*duration_s)), seed=seed * 1000 + i,
            signal=signal * _severity(r["phq_score"]), pace=pace,
        ))  # fmt: skip
    Path(root).mkdir(parents=True, exist_ok=True)
    _write_all(jobs, write_edaic_session, calls)
    write_edaic_labels(root, rows)
    return Path(root)


#: OpenFace 2.1 columns written by :func:`write_edaic_session` (a subset of the real file's
#: columns, in its order; readers select columns by name).
OPENFACE_COLUMNS: tuple[str, ...] = (
    "frame", "timestamp", "confidence", "success",
    "gaze_0_x", "gaze_0_y", "gaze_0_z", "gaze_1_x", "gaze_1_y", "gaze_1_z",
    "gaze_angle_x", "gaze_angle_y",
    "pose_Tx", "pose_Ty", "pose_Tz", "pose_Rx", "pose_Ry", "pose_Rz",
    *AU_INTENSITY, *AU_PRESENCE,
)  # fmt: skip
EGEMAPS_COLUMNS: tuple[str, ...] = (
    "Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3",
    "slope500-1500_sma3", "spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3",
    "mfcc4_sma3", "F0semitoneFrom27.5Hz_sma3nz", "jitterLocal_sma3nz", "shimmerLocaldB_sma3nz",
    "HNRdBACF_sma3nz", "logRelF0-H1-H2_sma3nz", "logRelF0-H1-A3_sma3nz", "F1frequency_sma3nz",
    "F1bandwidth_sma3nz", "F1amplitudeLogRelF0_sma3nz", "F2frequency_sma3nz",
    "F2amplitudeLogRelF0_sma3nz", "F3frequency_sma3nz", "F3amplitudeLogRelF0_sma3nz",
)  # fmt: skip
MFCC_COLUMNS: tuple[str, ...] = tuple(
    f"pcm_fftMag_mfcc{s}[{i}]" for s in ("", "_de", "_de_de") for i in range(13)
)


def write_edaic_session(
    root: str | Path,
    participant_id: int,
    *,
    duration_s: float = 30.0,
    seed: int = 0,
    signal: float = 0.0,
    pace: float = 1.0,
) -> Path:
    """Write one synthetic session in the E-DAIC layout (``XXX_P/`` with ``features/``).

    The transcript has no speaker column and its rows are not in time order (like the
    release); OpenFace at 30 Hz; eGeMAPS and MFCC (``;``-separated) at 100 Hz.
    ``signal`` and ``pace`` as in :func:`~mimml_edu.data.samples.write_daicwoz_session`
    (the audio cue: lower loudness and F0 in eGeMAPS).

    Returns:
        the ``XXX_P`` folder.
    """
    rng = np.random.default_rng(seed)
    pid = str(participant_id)
    folder = Path(root) / f"{pid}_P"
    (folder / "features").mkdir(parents=True, exist_ok=True)
    t0 = float(rng.uniform(2.0, 6.0))
    rows, _ = _transcript(rng, duration_s, "none", t0, pace=pace, signal=signal, seed=seed)
    order = rng.permutation(len(rows))
    lines = ["Start_Time,End_Time,Text,Confidence"]
    for i in order:
        a, b, _, text = rows[i]
        lines.append(f'{a:.1f},{b:.1f},"{text}",{rng.uniform(0.6, 1.0):.6f}')
    (folder / f"{pid}_Transcript.csv").write_text("\n".join(lines) + "\n")
    n_video = int(duration_s * 30)
    stamp = np.arange(n_video) / 30.0
    success = (rng.random(n_video) > 0.02).astype(float)
    values = np.column_stack(
        [
            np.arange(1, n_video + 1), stamp, np.where(success == 1, 0.95, 0.0), success,
            np.tile([0.0, 0.1, -1.0], 2) + _smooth(rng, n_video, 6, 0.05),
            _smooth(rng, n_video, 2, 0.1),
            [10.0, 20.0, 600.0, 0.1, 0.0, 0.0] + _smooth(rng, n_video, 6, 1.0) * 0.05,
            np.clip(0.6 + _smooth(rng, n_video, len(AU_INTENSITY), 0.4), 0, 5),
            (rng.random((n_video, len(AU_PRESENCE))) < 0.3).astype(float),
        ]
    )  # fmt: skip
    for name, size in (("AU06_r", -0.4), ("AU12_r", -0.6), ("AU15_r", 0.4)):
        column = values[:, OPENFACE_COLUMNS.index(name)]
        column[:] = np.clip(column + size * signal, 0, 5)
    header = ", ".join(OPENFACE_COLUMNS)
    body = _fmt_rows(values, "%.4g", ", ")
    (folder / "features" / f"{pid}_OpenFace2.1.0_Pose_gaze_AUs.csv").write_text(
        header + "\n" + body
    )
    n_audio = int(duration_s * 100)
    t = np.arange(n_audio) / 100.0
    for kind, columns in (("egemaps", EGEMAPS_COLUMNS), ("mfcc", MFCC_COLUMNS)):
        x = _smooth(rng, n_audio, len(columns), 1.0)
        if kind == "egemaps" and signal:
            x[:, 0] -= 0.5 * signal  # Loudness_sma3
            x[:, columns.index("F0semitoneFrom27.5Hz_sma3nz")] -= 1.0 * signal
        x = np.round(x, 3)
        lines = [";".join(["name", "frameTime", *columns])]
        lines += [";".join(["'unknown'", f"{ti:.2f}", *(f"{v:g}" for v in row)])
                  for ti, row in zip(t, x, strict=True)]  # fmt: skip
        (folder / "features" / f"{pid}_OpenSMILE2.3.0_{kind}.csv").write_text(
            "\n".join(lines) + "\n"
        )
    return folder


def write_edaic_labels(root: str | Path, rows: list[dict]) -> list[Path]:
    """Write ``train_split.csv``, ``dev_split.csv`` and ``test_split.csv`` (E-DAIC format).

    Args:
        rows: dicts with ``participant_id``, ``split``, ``phq_score``, ``binary``,
            ``gender`` (a string such as ``"male "``: trailing spaces are a real quirk).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    head = "Participant_ID,Gender,PHQ_Binary,PHQ_Score,PCL-C (PTSD),PTSD Severity"
    out = []
    for split in ("train", "dev", "test"):
        lines = [head] + [
            f"{r['participant_id']},{r['gender']},{r['binary']},{int(r['phq_score'])},0,25"
            for r in rows
            if r["split"] == split
        ]
        path = root / f"{split}_split.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
        out.append(path)
    return out
