"""Benchmark: the package's own catalogue of bad inputs, each run through the real command.

Every case (``bench/robustness_catalogue.py``: archives, tables, labels, E-DAIC, own
recordings, media, configs, training and checkpoints, command options) builds its input in
a fresh folder and runs ``python -m mimml_edu.cli ...`` on it in a subprocess with a
timeout and an address-space limit. The outcome is read from the exit status, stderr and
the command's output:

- ``clear error``: exit status not 0 and stderr one line, ``mimml-edu: error: ...``,
  naming what the case expects (the file, the key, the option);
- ``correct result`` / ``correct result with warning``: the command did its work and its
  output holds the right result (a bad session skipped with its reason, the rest read);
- ``traceback``: a Python traceback reached the user;
- ``wrong``: exit 0 on bad input, an unclear message, or a wrong result;
- ``hang``: the timeout passed; ``memory``: the memory limit or the case's peak-memory
  bound was hit.

Prints a table (input, command, outcome, peak memory) and writes it as CSV.

    PYTHONPATH=$PWD .venv/bin/python bench/robustness.py [--only zip- cfg-] \
        [--csv bench/results/robustness.csv]
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from robustness_cases import Case, Result, Shared

CLEAN = ("clear error", "correct result", "correct result with warning")


def run_cli(argv: list[str], work: Path, timeout: float, *, mem_cap_mb: int = 6144) -> Result:
    """Run ``python -m mimml_edu.cli ARGV`` in ``work``; timeout and memory cap applied."""
    work.mkdir(parents=True, exist_ok=True)
    out_path, err_path = work / ".stdout", work / ".stderr"

    def limits() -> None:
        cap = mem_cap_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {**os.environ, "PYTHONWARNINGS": "default", "TQDM_DISABLE": "1"}
    start = time.perf_counter()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mimml_edu.cli", *argv], cwd=work, stdout=out,
            stderr=err, stdin=subprocess.DEVNULL, preexec_fn=limits, start_new_session=True,
            env=env,
        )  # fmt: skip
        status, usage, timed_out = None, None, False
        while status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = st, ru
            elif time.perf_counter() - start > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
            else:
                time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    res = Result(
        returncode=proc.returncode,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
        peak_mb=usage.ru_maxrss / 1024,
        seconds=seconds,
        work=work,
    )
    res.timed_out = timed_out  # type: ignore[attr-defined]
    return res


def classify(case: Case, res: Result) -> tuple[str, str]:
    """(outcome, detail) of one run."""
    err = res.stderr
    if getattr(res, "timed_out", False):
        return "hang", f"no end after {case.timeout:g} s"
    memory = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")
    if res.returncode < 0 or any(m in err for m in memory):
        return "memory", f"exit {res.returncode}: {_tail(err)}"
    if res.peak_mb > case.max_rss_mb:
        return "memory", f"peak {res.peak_mb:.0f} MB > {case.max_rss_mb:g} MB"
    if "Traceback (most recent call last)" in err:
        return "traceback", _tail(err)
    if case.expect == "error":
        lines = [line for line in err.splitlines() if line.strip()]
        if res.returncode == 0:
            return "wrong", f"exit 0 on bad input; stdout: {_tail(res.stdout)}"
        if len(lines) != 1 or not lines[0].startswith("mimml-edu: error: "):
            return "wrong", f"not one 'mimml-edu: error:' line: {_tail(err)}"
        missing = [n for n in case.needles if n.lower() not in lines[0].lower()]
        if missing:
            return "wrong", f"the message lacks {missing}: {lines[0][:300]}"
        why = case.check(res) if case.check else None
        if why:
            return "wrong", why
        return "clear error", lines[0][:300]
    if res.returncode != case.returncode:
        return "wrong", f"exit {res.returncode}, expected {case.returncode}: {_tail(err)}"
    why = case.check(res) if case.check else None
    if why:
        return "wrong", why
    return ("correct result with warning" if case.warn else "correct result"), ""


def _tail(text: str, n: int = 300) -> str:
    text = " | ".join(line.strip() for line in text.strip().splitlines()[-4:])
    return text[-n:]


def _command(argv: list[str], work: Path) -> str:
    return "mimml-edu " + " ".join(a.replace(str(work), "W") for a in argv)


def main(argv: list[str] | None = None) -> int:
    from robustness_catalogue import catalogue

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names or prefixes")
    parser.add_argument("--csv", default="bench/results/robustness.csv")
    parser.add_argument("--keep", default=None, help="keep the work folders here")
    parser.add_argument("--mem-cap-mb", type=int, default=6144, help="address-space limit")
    args = parser.parse_args(argv)
    cases = catalogue()
    if args.only:
        cases = [c for c in cases if any(c.name.startswith(p) or fnmatch.fnmatch(c.name, p)
                                          for p in args.only)]  # fmt: skip
    root = Path(args.keep or tempfile.mkdtemp(prefix="mimml-robustness-"))
    root.mkdir(parents=True, exist_ok=True)
    shared = Shared(root / "_shared", lambda a, w, t: run_cli(a, w, t))
    rows = []
    print(f"{len(cases)} cases; work folders under {root}", flush=True)
    for i, case in enumerate(cases, 1):
        work = root / case.name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            cmd = case.build(work, shared)
        except Exception as exc:  # a broken case, not a package outcome
            rows.append(_row(case, "-", "not run", f"building the input failed: {exc!r}", None))
            print(f"[{i:3d}] {case.name:<24} NOT RUN ({exc!r})", flush=True)
            continue
        res = run_cli(cmd, work, case.timeout, mem_cap_mb=args.mem_cap_mb)
        outcome, detail = classify(case, res)
        rows.append(_row(case, _command(cmd, work), outcome, detail, res))
        mark = "ok " if outcome in CLEAN else "BAD"
        print(f"[{i:3d}] {mark} {case.name:<24} {outcome:<28} {res.peak_mb:6.0f} MB "
              f"{res.seconds:6.1f} s  {detail[:110]}", flush=True)  # fmt: skip
        if not args.keep and outcome in CLEAN:
            shutil.rmtree(work, ignore_errors=True)
    counts = Counter(r["outcome"] for r in rows)
    clean = sum(counts[o] for o in CLEAN)
    print(f"\n{clean} of {len(rows)} clean: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    by_class = Counter((r["class"], r["outcome"] in CLEAN) for r in rows)
    for klass in dict.fromkeys(r["class"] for r in rows):
        print(f"  {klass:<12} {by_class[(klass, True)]:3d} clean, "
              f"{by_class[(klass, False)]:3d} not")  # fmt: skip
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {args.csv}")
    return 0 if clean == len(rows) else 1


def _row(case: Case, command: str, outcome: str, detail: str, res: Result | None) -> dict:
    return {
        "case": case.name,
        "class": case.klass,
        "input": case.what,
        "command": command,
        "expected": case.expect,
        "outcome": outcome,
        "clean": outcome in CLEAN,
        "peak_mb": "" if res is None else round(res.peak_mb),
        "seconds": "" if res is None else round(res.seconds, 1),
        "detail": detail,
    }


if __name__ == "__main__":
    sys.exit(main())
