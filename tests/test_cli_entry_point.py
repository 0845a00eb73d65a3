"""The installed ``mimml-edu`` command (the console-script entry point) runs, and output
piped into a reader that stops early (``| head -1``) ends quietly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import mimml_edu


@pytest.fixture(scope="module")
def command() -> str:
    script = Path(sys.executable).with_name("mimml-edu")
    path = str(script) if script.exists() else shutil.which("mimml-edu")
    assert path, "the mimml-edu command is not installed (pip install -e . makes it)"
    return path


def test_entry_point_reports_the_version(command):
    out = subprocess.run([command, "--version"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"mimml-edu {mimml_edu.__version__}"


def test_piped_into_head_ends_quietly(command):
    samples = ROOT / "data_samples" / "daicwoz"
    out = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f'"{command}" inspect "{samples}" | head -1'],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n") == 1 and "usable sessions" in out.stdout
    assert out.stderr == ""


def test_a_reader_that_is_gone_before_the_output_ends_quietly(command):
    """No reader at all: every write fails with EPIPE; no traceback, exit status 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        out = subprocess.run(
            [command, "inspect", str(ROOT / "data_samples" / "daicwoz"), "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
