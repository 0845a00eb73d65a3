"""Benchmark the data layer: writing and reading a full-length DAIC-WOZ session, and memory.

Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python bench/data.py [--minutes 15] [--repeats 3] [--csv out.csv]

Measures, on one thread:

- writing one synthetic session of ``--minutes`` in the exact DAIC-WOZ layout (a zip with
  every file, COVAREP at 100 Hz, CLNF at 30 Hz), into a temporary folder;
- reading it back with :func:`mimml_edu.data.daicwoz.read_daicwoz_session`, from the zip
  and from the unpacked folder (median of ``--repeats``, wall-clock and CPU time; target
  < 2 s per session on one core: on a shared machine the CPU time is the fair number);
- the peak traced memory of one read, and the memory a 189-session corpus of per-turn
  features needs (projected from one full-length session; target < 1 GB);
- generating the 189-session synthetic corpus (time and traced peak; target < 2 s).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path


def _timed(fn, repeats):
    """Median wall-clock and median CPU seconds of ``repeats`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), result


def _session_bytes(session) -> int:
    total = sum(a.nbytes for a in session.features.values())
    total += sum(a.nbytes for a in session.masks.values())
    total += session.turn_times.nbytes if session.turn_times is not None else 0
    total += sum(len(t) for t in session.turn_text or [])
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--csv", default=None, help="also write the table as CSV")
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    from mimml_edu.data.daicwoz import read_daicwoz_session
    from mimml_edu.data.samples import write_daicwoz_session
    from mimml_edu.data.synthetic import make_corpus

    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = write_daicwoz_session(tmp, 300, duration_s=args.minutes * 60, seed=0)
        rows.append(("write one session (zip, all files)", f"{time.perf_counter() - t0:.1f}", "s"))
        with zipfile.ZipFile(path) as z:
            sizes = {i.filename.rsplit("_", 1)[-1]: i.file_size for i in z.infolist()}
            z.extractall(tmp)
            cov = z.read("300_P/300_COVAREP.csv").count(b"\n")
            aus = z.read("300_P/300_CLNF_AUs.txt").count(b"\n") - 1
        rows.append(("COVAREP rows x columns", f"{cov} x 74", ""))
        rows.append(("CLNF_AUs rows", f"{aus}", ""))
        rows.append(("zip size", f"{path.stat().st_size / 1e6:.1f}", "MB"))
        rows.append(("COVAREP.csv size", f"{sizes.get('COVAREP.csv', 0) / 1e6:.1f}", "MB"))
        w_zip, c_zip, session = _timed(lambda: read_daicwoz_session(path), args.repeats)
        folder = Path(tmp) / "300_P"
        w_dir, c_dir, _ = _timed(lambda: read_daicwoz_session(folder), args.repeats)
        rows.append(("read from zip, wall (median)", f"{w_zip:.2f}", "s"))
        rows.append(("read from zip, CPU (median)", f"{c_zip:.2f}", "s"))
        rows.append(("read from folder, wall (median)", f"{w_dir:.2f}", "s"))
        rows.append(("read from folder, CPU (median)", f"{c_dir:.2f}", "s"))
        rows.append(("participant turns", f"{session.n_turns}", ""))
        tracemalloc.start()
        read_daicwoz_session(path)
        _, peak_read = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        per_session = _session_bytes(session)
        rows.append(("peak traced memory of one read", f"{peak_read / 1e6:.0f}", "MB"))
        rows.append(("per-turn features of one session", f"{per_session / 1e3:.0f}", "kB"))
        projected = peak_read + 189 * per_session
        rows.append(("189 sessions: peak read + kept features", f"{projected / 1e6:.0f}", "MB"))

    w_syn, c_syn, corpus = _timed(lambda: make_corpus(189, seed=0), args.repeats)
    tracemalloc.start()
    make_corpus(189, seed=0)
    _, peak_syn = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(("synthetic corpus, 189 sessions: generate, wall", f"{w_syn:.2f}", "s"))
    rows.append(("synthetic corpus, 189 sessions: generate, CPU", f"{c_syn:.2f}", "s"))
    rows.append(("synthetic corpus, 189 sessions: traced peak", f"{peak_syn / 1e6:.0f}", "MB"))
    rows.append(
        (
            "synthetic corpus oracle balanced accuracy",
            f"{corpus.oracle_balanced_accuracy():.3f}",
            "",
        )
    )

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  unit")
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:>12}  {unit}")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["measure", "value", "unit"])
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
