"""Benchmark: peak memory of the audio extractor against the recording's length.

For each length, writes a 16 kHz mono WAV (quiet noise, a harmonic voice in 10 s of each
minute, one participant turn over each voiced stretch) and runs, each in a fresh process:

- ``streamed``: :func:`mimml_edu.features.audio.extract_turns` (what ``extract`` runs: the
  waveform in a temporary file, turns pooled block by block);
- ``in memory``: :func:`~mimml_edu.features.audio.load_audio`, then
  :func:`~mimml_edu.features.audio.extract_frames` and
  :func:`~mimml_edu.features.audio.pool_turns` (the chapter's API, holding the waveform
  and the whole frame table).

Prints the peak resident memory (``ru_maxrss``) and CPU seconds of each, the memory of the
libraries alone (imports, and a 3 s recording through both paths to warm them), and each
result's largest relative difference (denominator at least 1e-3) from the same pooling of
the same frames in float64. Writes a CSV with ``--csv``.

    PYTHONPATH=$PWD .venv/bin/python bench/audio_memory.py [--minutes 10 60 120] \
        [--csv bench/results/audio_memory.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHILD = r"""
import json, resource, sys, time
import numpy as np
from mimml_edu.features import audio
mode, path, turns_path = sys.argv[1:4]
turns = np.load(turns_path)
# the libraries' own memory: a 3 s recording through both paths warms every import and JIT
warm = (0.1 * np.sin(2 * np.pi * 140 * np.arange(48000) / 16000)).astype(np.float32)
audio.pool_turns(audio.extract_frames(warm, pitch_segments=np.array([[0.5, 2.5]])),
                 np.array([[0.5, 2.5]]))  # fmt: skip
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.process_time()
if mode == "imports":
    out = None
elif mode == "streamed":
    out = audio.extract_turns(path, turns)["features"]
else:
    frames = audio.extract_frames(audio.load_audio(path), pitch_segments=turns)
    out = audio.pool_turns(frames, turns)[0]
    d = frames.features.shape[1]
    exact = np.zeros((len(turns), 2 * d))  # the same pooling in float64: the reference
    for i, (a, b) in enumerate(turns):
        x = frames.features[(frames.times >= a) & (frames.times < b) & frames.voiced]
        if len(x):
            exact[i] = np.r_[x.astype(np.float64).mean(0), x.astype(np.float64).std(0)]
    np.save(sys.argv[4].replace(".npy", "_exact.npy"), exact)
if out is not None:
    np.save(sys.argv[4], out)
print(json.dumps({"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "imports_mb": before / 1024, "cpu_s": time.process_time() - t0}))
"""


def measure(mode: str, wav: Path, turns: Path, out: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(wav), str(turns), str(out)],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode != 0:
        return {"peak_mb": float("nan"), "cpu_s": float("nan"), "error": proc.stderr[-300:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    import robustness_corpora as rc

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, nargs="*", default=[10, 60, 120])
    parser.add_argument("--csv", default=None)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for minutes in args.minutes:
            seconds = minutes * 60
            spans = [(60.0 * i + 5.0, 60.0 * i + 15.0) for i in range(int(seconds // 60))]
            wav = rc.write_wav(tmp / "audio.wav", seconds, voiced=spans)
            np.save(tmp / "turns.npy", np.array(spans))
            results = {}
            for mode in ("imports", "streamed", "in memory"):
                results[mode] = measure(mode, wav, tmp / "turns.npy", tmp / f"{mode}.npy")
            exact = np.load(tmp / "in memory_exact.npy")
            diff = {
                mode: float(np.max(np.abs(np.load(tmp / f"{mode}.npy")[:, : exact.shape[1]]
                                          - exact) / np.maximum(np.abs(exact), 1e-3)))
                for mode in ("streamed", "in memory")
            }  # fmt: skip
            for mode in ("streamed", "in memory"):
                r = results[mode]
                rows.append(
                    {
                        "minutes": minutes,
                        "method": mode,
                        "peak_mb": round(r["peak_mb"]),
                        "imports_mb": round(results["imports"]["peak_mb"]),
                        "cpu_s": round(r["cpu_s"], 1),
                        "max_rel_diff_vs_float64": f"{diff[mode]:.2e}",
                    }
                )
                print(f"{minutes:6.0f} min  {mode:<10} peak {r['peak_mb']:7.0f} MB "
                      f"(imports {results['imports']['peak_mb']:.0f} MB)  "
                      f"{r['cpu_s']:6.1f} CPU s  max relative difference from float64 "
                      f"{diff[mode]:.1e}",
                      flush=True)  # fmt: skip
            wav.unlink()
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
