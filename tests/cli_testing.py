"""For the tests of the command line: run ``mimml-edu`` in this process, read its verdict."""

from __future__ import annotations

import subprocess

from mimml_edu.cli import main


def here(capsys, *args) -> subprocess.CompletedProcess:
    """``mimml-edu ARGS`` run in this process (no interpreter start-up), captured like a
    subprocess: ``returncode``, ``stdout``, ``stderr``."""
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def one_line_error(out: subprocess.CompletedProcess, *needles: str) -> str:
    """The command failed with exit status 2 and one ``mimml-edu: error:`` line on stderr
    holding every needle; returns that line."""
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mimml-edu: error: "), out.stderr
    assert all(n in lines[0] for n in needles), lines[0]
    return lines[0]


def result(capsys, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of ``mimml-edu ARGS`` run in this process."""
    out = here(capsys, *args)
    return out.returncode, out.stdout, out.stderr
