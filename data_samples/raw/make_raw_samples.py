"""Regenerate the raw-media sample sessions in ``data_samples/raw/`` (seeded).

Needs ``espeak-ng`` and ``ffmpeg`` on the PATH (Debian: ``apt-get install espeak-ng
ffmpeg``) and the
package's pinned environment (numpy, soundfile, librosa, opencv, scikit-image). The
package, its tests and its chapters never need espeak-ng: they read the files this
script wrote.

Each session is ``SESSION_ID/`` with

- ``audio.wav``: 16 kHz mono speech, an interviewer voice and a participant voice
  synthesized by espeak-ng, with per-session prosody (rate, pitch, pauses), plus quiet
  seeded noise;
- ``video.mp4``: 320x240, 15 frames/s, H.264 (written by opencv as ``mp4v``, then
  re-encoded by ``ffmpeg -c:v libx264`` to keep it small; the opencv in the pinned
  environment reads it back): the astronaut photograph from scikit-image
  (Eileen Collins, NASA, public domain) with seeded smooth head motion (turn, nod, tilt,
  lean); session ``s03`` has the face leave the frame for two seconds;
- ``transcript.csv``: ``start_time,stop_time,speaker,text`` with the exact turn times;

and ``labels.csv`` holds ``session_id,phq_score,binary,gender,split``. The PHQ-8
scores are invented for teaching: these are not people.

Usage: ``python data_samples/raw/make_raw_samples.py [--out data_samples/raw]``
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

import cv2
import librosa
import numpy as np
import soundfile as sf
from skimage import data as skdata

SEED = 20250603
SAMPLE_RATE = 16000
FPS = 15
FRAME_W, FRAME_H = 320, 240
INTERVIEWER = {"voice": "en-us+f3", "rate": 160, "pitch": 60, "gap": 5}

SESSIONS = {
    "s01": {
        "phq_score": 3,
        "gender": 1,
        "split": "train",
        "voice": {"voice": "en-gb", "rate": 175, "pitch": 55, "gap": 2},
        "pause": (0.4, 0.8),
        "turns": [
            (
                "Hi, thanks for coming in today. How are you doing?",
                "I'm doing well, thanks. It's been a pretty good week actually.",
            ),
            (
                "What do you do to relax?",
                "I go running most mornings, and on weekends I cook with friends.",
            ),
            ("How have you been sleeping lately?", "Pretty well. Seven or eight hours, usually."),
        ],
    },
    "s02": {
        "phq_score": 16,
        "gender": 0,
        "split": "train",
        "voice": {"voice": "en-us", "rate": 115, "pitch": 30, "gap": 14},
        "pause": (1.2, 2.2),
        "turns": [
            ("Hi, thanks for coming in today. How are you doing?", "Okay, I guess. Tired."),
            (
                "How have you been sleeping lately?",
                "Badly. I wake up at four and I can't get back to sleep.",
            ),
            ("Is there anything you would like to add?", ""),
            (
                "When was the last time you felt really happy?",
                "I don't really remember. A while ago.",
            ),
        ],
    },
    "s03": {
        "phq_score": 9,
        "gender": 1,
        "split": "dev",
        "voice": {"voice": "en-gb-x-rp", "rate": 145, "pitch": 42, "gap": 8},
        "pause": (0.7, 1.4),
        "turns": [
            (
                "Hi, thanks for coming in today. How are you doing?",
                "Alright. Work has been stressful, but I'm managing.",
            ),
            (
                "How have you been sleeping lately?",
                "On and off. Some nights are fine, some are not.",
            ),
            ("What do you do to relax?", "I read, or I listen to music in the evening."),
        ],
    },
}


def speak(text: str, voice: dict, workdir: Path, rng: np.random.Generator) -> np.ndarray:
    """Synthesize ``text`` with espeak-ng; return 16 kHz float32 samples."""
    wav = workdir / "utt.wav"
    cmd = [
        "espeak-ng",
        "-v",
        voice["voice"],
        "-s",
        str(voice["rate"]),
        "-p",
        str(voice["pitch"]),
        "-g",
        str(voice["gap"]),
        "-w",
        str(wav),
        text,
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    y, sr = sf.read(str(wav), dtype="float32")
    y = librosa.resample(y, orig_sr=sr, target_sr=SAMPLE_RATE, res_type="soxr_hq")
    return y * float(rng.uniform(0.5, 0.7)) / max(1e-6, float(np.abs(y).max()))


def make_audio(spec: dict, workdir: Path, rng: np.random.Generator):
    """The session's waveform and its transcript rows."""
    pieces, rows, t = [np.zeros(int(0.5 * SAMPLE_RATE), np.float32)], [], 0.5
    for question, answer in spec["turns"]:
        q = speak(question, INTERVIEWER, workdir, rng)
        rows.append((t, t + len(q) / SAMPLE_RATE, "Interviewer", question))
        pieces.append(q)
        t += len(q) / SAMPLE_RATE
        pause = float(rng.uniform(*spec["pause"]))
        pieces.append(np.zeros(int(pause * SAMPLE_RATE), np.float32))
        t += len(pieces[-1]) / SAMPLE_RATE
        # an empty answer is a turn of silence (the participant says nothing)
        a = (
            speak(answer, spec["voice"], workdir, rng)
            if answer
            else np.zeros(int(2.0 * SAMPLE_RATE), np.float32)
        )
        rows.append((t, t + len(a) / SAMPLE_RATE, "Participant", answer))
        pieces.append(a)
        t += len(a) / SAMPLE_RATE
        pieces.append(np.zeros(int(0.6 * SAMPLE_RATE), np.float32))
        t += len(pieces[-1]) / SAMPLE_RATE
    y = np.concatenate(pieces)
    y += rng.normal(0.0, 10 ** (-55 / 20), size=len(y)).astype(np.float32)  # -55 dBFS noise
    return y.astype(np.float32), rows


def make_video(path: Path, duration: float, rng: np.random.Generator, face_gap: bool) -> None:
    """Write the moving-face video of ``duration`` seconds."""
    face = cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR)  # (512, 512, 3)
    centre = np.array([228.0, 150.0])  # the face, in astronaut() pixel coordinates
    n = int(np.ceil(duration * FPS))
    t = np.arange(n) / FPS
    freqs = rng.uniform(0.15, 0.6, size=(4, 2))
    phases = rng.uniform(0, 2 * np.pi, size=(4, 2))

    def wave(i: int, amplitude: float) -> np.ndarray:
        return amplitude * (
            np.sin(2 * np.pi * freqs[i, 0] * t + phases[i, 0])
            + 0.5 * np.sin(2 * np.pi * freqs[i, 1] * t + phases[i, 1])
        )

    angle, dx, dy = wave(0, 6.0), wave(1, 12.0), wave(2, 8.0)  # tilt (deg), shift (px)
    scale = 1.0 + wave(3, 0.05)
    raw = path.with_suffix(".mp4v.mp4")
    writer = cv2.VideoWriter(str(raw), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (FRAME_W, FRAME_H))
    if not writer.isOpened():
        raise RuntimeError("opencv cannot write mp4v video here")
    gap = (duration * 0.45, duration * 0.45 + 2.0) if face_gap else (-1.0, -1.0)
    for i in range(n):
        m = cv2.getRotationMatrix2D(tuple(centre), float(angle[i]), 0.9 * float(scale[i]))
        m[:, 2] += np.array([FRAME_W / 2, FRAME_H / 2]) - centre + [dx[i], dy[i]]
        if gap[0] <= t[i] < gap[1]:
            m[0, 2] += 400.0  # the participant leaves the frame
        frame = cv2.warpAffine(
            face, m, (FRAME_W, FRAME_H), borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90)
        )
        writer.write(frame)
    writer.release()
    cmd = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-i",
        str(raw),
        "-c:v",
        "libx264",
        "-preset",
        "slow",
        "-crf",
        "30",
        "-pix_fmt",
        "yuv420p",
        "-threads",
        "1",
        "-an",
        str(path),
    ]
    subprocess.run(cmd, check=True)
    raw.unlink()
    check = cv2.VideoCapture(str(path))
    ok, _ = check.read()
    check.release()
    if not ok:
        raise RuntimeError(f"{path}: opencv cannot read back the video it wrote")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found (Debian: apt-get install espeak-ng ffmpeg)")
    rng = np.random.default_rng(SEED)
    labels = []
    with tempfile.TemporaryDirectory() as tmp:
        for session_id, spec in SESSIONS.items():
            folder = args.out / session_id
            folder.mkdir(parents=True, exist_ok=True)
            y, rows = make_audio(spec, Path(tmp), rng)
            sf.write(str(folder / "audio.wav"), y, SAMPLE_RATE, subtype="PCM_16")
            with open(folder / "transcript.csv", "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(["start_time", "stop_time", "speaker", "text"])
                for start, stop, speaker, text in rows:
                    w.writerow([f"{start:.3f}", f"{stop:.3f}", speaker, text])
            make_video(folder / "video.mp4", len(y) / SAMPLE_RATE, rng, session_id == "s03")
            binary = int(spec["phq_score"] >= 10)
            labels.append((session_id, spec["phq_score"], binary, spec["gender"], spec["split"]))
            print(f"{session_id}: {len(y) / SAMPLE_RATE:.1f} s, {len(rows)} transcript rows")
    with open(args.out / "labels.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["session_id", "phq_score", "binary", "gender", "split"])
        w.writerows(labels)


if __name__ == "__main__":
    main()
