"""How long `import mimml_edu` takes in a fresh interpreter (target: under 1.5 s).

    .venv/bin/python bench/import_time.py [--repeat 7]

Prints the median wall time of `python -c "import mimml_edu"` and of a bare
`python -c "pass"` (interpreter start-up), and which heavy libraries the import pulled in.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("torch", "captum", "mediapipe", "transformers", "librosa", "matplotlib", "cv2")


def wall(code: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    bare = wall("pass", args.repeat)
    package = wall("import mimml_edu", args.repeat)
    cli = wall("import mimml_edu.cli", args.repeat)
    probe = f"import sys, mimml_edu; print([m for m in {HEAVY!r} if m in sys.modules])"
    heavy = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"{'what':<28} {'median s':>9}")
    print(f"{'python -c pass':<28} {bare:>9.3f}")
    print(f"{'import mimml_edu':<28} {package:>9.3f}")
    print(f"{'import mimml_edu.cli':<28} {cli:>9.3f}")
    print(f"heavy libraries imported by `import mimml_edu`: {heavy}")
    print(f"target: import under 1.5 s -> {'met' if package < 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
