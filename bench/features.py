"""Speed of the feature extractors on one CPU core, and the projected corpus time.

Usage: ``python bench/features.py [--csv out.csv] [--seconds 60] [--frames 150]``

Pins the process to one core (``sched_setaffinity``) and one thread per library, then
measures, after a warm-up that is reported separately (librosa loads its modules lazily
on first use; ``librosa.pyin``, timed for comparison, also compiles its Viterbi with numba):

- audio: 16 kHz speech (the shipped ``s01`` recording tiled to ``--seconds``), (a) the
  whole recording, pitch tracked wherever it is not silent, and (b) the corpus reader's
  path, pitch tracked only inside participant turns; as a multiple of real time; and the
  pitch tracker alone, ``librosa.pyin`` against the package's ``features.pitch.pyin``
  (with the share of frames where their tracks agree);
- video: a 640x480, 30 frames/s clip of the astronaut face with head motion: decoding
  plus FaceLandmarker on every frame, in frames per second;
- text: all-MiniLM-L6-v2 on transcript turns, batch 32, in turns per second;

and projects the time to extract a DAIC-WOZ-sized corpus (189 sessions x 15 minutes).
Two columns: from wall time (what you waited, including waiting for a shared core) and
from the process's CPU time (what the work costs on an idle core; MediaPipe may use
helper threads, which CPU time counts too, so that column is conservative).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import csv  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data_samples" / "raw"
DAIC_SESSIONS, DAIC_SECONDS = 189, 15 * 60


CPU_TIMES: list[float] = []  # process CPU seconds of each _timed call, in call order


def _timed(fn, repeats: int = 1) -> float:
    """Best wall time of ``repeats`` runs; the matching process CPU time goes to CPU_TIMES.

    On a shared machine the wall time includes waiting for the core; CPU time (all
    threads of this process) is what the work costs on an idle core.
    """
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    CPU_TIMES.append(best_cpu)
    return best


def bench_audio(seconds: float) -> list[dict]:
    from mimml_edu.data.recordings import participant_turns, read_transcript
    from mimml_edu.features import audio

    base = audio.load_audio(RAW / "s01" / "audio.wav")
    times, _ = participant_turns(read_transcript(RAW / "s01" / "transcript.csv"))
    reps = int(np.ceil(seconds * 16000 / len(base)))
    y = np.tile(base, reps)[: int(seconds * 16000)]
    period = len(base) / 16000
    turns = np.concatenate([times + r * period for r in range(reps)])
    turns = turns[turns[:, 1] <= seconds]
    warm = _timed(lambda: audio.extract_frames(y[:32000]))
    whole = _timed(lambda: audio.extract_frames(y), repeats=2)
    in_turns = _timed(lambda: audio.extract_frames(y, pitch_segments=turns), repeats=2)
    share = float((turns[:, 1] - turns[:, 0]).sum() / seconds)
    cpu_warm, cpu_whole, cpu_turns = CPU_TIMES[-3:]
    pitch_rows, agree = _bench_pitch(y)
    return [
        {"what": "audio warm-up (librosa start-up, once per process)", "value": warm,
         "cpu": cpu_warm, "unit": "s"},
        {"what": "audio, whole recording", "value": seconds / whole,
         "cpu": seconds / cpu_whole, "unit": "x real time"},
        {"what": f"audio, pitch in participant turns only ({share:.0%} of the time)",
         "value": seconds / in_turns, "cpu": seconds / cpu_turns, "unit": "x real time"},
        *pitch_rows,
        {"what": "  pitch tracks identical (voicing and F0 agree)", "value": agree,
         "cpu": agree, "unit": "share of frames"},
    ]  # fmt: skip


def _bench_pitch(y: np.ndarray) -> tuple[list[dict], float]:
    """pYIN alone on the whole signal: librosa.pyin (used before) and features.pitch.pyin."""
    import librosa

    from mimml_edu.features import audio, pitch

    config = audio.AudioConfig()
    kw = config.pyin_kwargs()
    librosa.pyin(y[:32000], **kw)  # numba compile of librosa's Viterbi
    seconds = len(y) / config.sample_rate
    rows, tracks = [], []
    for name, fn in (("librosa.pyin", librosa.pyin), ("features.pitch.pyin", pitch.pyin)):
        wall = _timed(lambda fn=fn: tracks.append(fn(y, **kw)))
        rows.append({"what": f"  pitch only, {name}", "value": seconds / wall,
                     "cpu": seconds / CPU_TIMES[-1], "unit": "x real time"})  # fmt: skip
    (f_a, v_a, _), (f_b, v_b, _) = tracks
    agree = float(((v_a == v_b) & ((f_a == f_b) | ~v_a)).mean())
    return rows, agree


def _clip(path: Path, n_frames: int) -> None:
    import cv2
    from skimage import data as skdata

    face = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (640, 480))
    for i in range(n_frames):
        m = cv2.getRotationMatrix2D((228.0, 150.0), 8 * np.sin(i / 10), 1.6)
        m[:, 2] += np.array([320.0, 240.0]) - [228.0, 150.0] + [20 * np.sin(i / 7), 0]
        writer.write(cv2.warpAffine(face, m, (640, 480), borderValue=(90, 90, 90)))
    writer.release()


def bench_video(n_frames: int) -> list[dict]:
    from mimml_edu.features import video

    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.mp4"
        _clip(clip, n_frames)
        every = video.VideoConfig(max_fps=None)
        video.extract_frames(clip, every)  # warm-up: graph set-up, caches
        t_all = _timed(lambda: video.extract_frames(clip, every), repeats=2)
        t_15 = _timed(lambda: video.extract_frames(clip, video.VideoConfig()), repeats=2)
        found = video.extract_frames(clip, every).detection_rate
    duration = n_frames / 30
    cpu_all, cpu_15 = CPU_TIMES[-2:]
    return [
        {"what": "video 640x480, every frame (decode + landmarker)", "value": n_frames / t_all,
         "cpu": n_frames / cpu_all, "unit": "frames/s"},
        {"what": f"  face found in {found:.0%} of frames", "value": found, "cpu": found,
         "unit": "share"},
        {"what": "video 640x480 at 30 fps, default max_fps=15", "value": duration / t_15,
         "cpu": duration / cpu_15, "unit": "x real time"},
    ]  # fmt: skip


def bench_text(n_turns: int) -> list[dict]:
    import torch

    from mimml_edu.data.recordings import read_transcript
    from mimml_edu.features.text import TextEncoder

    torch.set_num_threads(1)
    texts = []
    for sid in ("s01", "s02", "s03"):
        texts += [t for t in read_transcript(RAW / sid / "transcript.csv")["text"] if t]
    texts = (texts * (n_turns // len(texts) + 1))[:n_turns]
    encoder = TextEncoder(batch_size=32)
    encoder.encode(texts[:32])
    t = _timed(lambda: encoder.encode(texts), repeats=2)
    return [
        {"what": "text, all-MiniLM-L6-v2, batch 32", "value": n_turns / t,
         "cpu": n_turns / CPU_TIMES[-1], "unit": "turns/s"},
    ]  # fmt: skip


def project(rows: list[dict], turns_per_session: int) -> list[dict]:
    out = []
    for key in ("value", "cpu"):
        value = {r["what"]: r[key] for r in rows}
        audio_whole = DAIC_SECONDS / value["audio, whole recording"]
        video_all = DAIC_SECONDS * 30 / value["video 640x480, every frame (decode + landmarker)"]
        video_15 = DAIC_SECONDS / value["video 640x480 at 30 fps, default max_fps=15"]
        text = turns_per_session / value["text, all-MiniLM-L6-v2, batch 32"]
        hours = DAIC_SESSIONS / 3600
        out.append(
            {
                "audio (whole recordings)": audio_whole * hours,
                "video, every frame": video_all * hours,
                "video, max_fps=15 (default)": video_15 * hours,
                f"text ({turns_per_session} turns/session, assumed)": text * hours,
                "all three, defaults, one core": (audio_whole + video_15 + text) * hours,
            }
        )
    wall, cpu = out
    return [
        {"what": f"DAIC-sized corpus: {k}", "value": wall[k], "cpu": cpu[k], "unit": "h"}
        for k in wall
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=None, help="also write the table here")
    parser.add_argument("--seconds", type=float, default=60.0, help="audio length")
    parser.add_argument("--frames", type=int, default=150, help="video frames (30 fps)")
    parser.add_argument("--turns", type=int, default=256, help="text turns")
    parser.add_argument("--turns-per-session", type=int, default=150)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rows = bench_audio(args.seconds) + bench_video(args.frames) + bench_text(args.turns)
    rows += project(rows, args.turns_per_session)
    width = max(len(r["what"]) for r in rows)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'measure'.ljust(width)}  {'wall':>9}  {'cpu-time':>9}  unit")
    for r in rows:
        print(f"{r['what'].ljust(width)}  {r['value']:>9.2f}  {r['cpu']:>9.2f}  {r['unit']}")
    if args.csv is not None:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["what", "value", "cpu", "unit"])
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main()
