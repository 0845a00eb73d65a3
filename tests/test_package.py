"""The package imports cheaply, reports its version, and its CLI runs."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import nbformat
import pytest
from conftest import ROOT

import mimml_edu

HEAVY = ("torch", "captum", "mediapipe", "transformers", "librosa", "matplotlib", "cv2")


def test_version_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert mimml_edu.__version__ == project["version"]


def test_book_version_matches_package():
    nb = nbformat.read(ROOT / "notebooks" / "00_welcome.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert f'BOOK_VERSION = "{mimml_edu.__version__}"' in source


def test_import_is_lazy():
    code = f"import sys, mimml_edu; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"import mimml_edu pulled in heavy libraries: {out.stdout}"


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mimml_edu.nope  # noqa: B018


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mimml_edu.cli", *args], capture_output=True, text=True
    )


def test_cli_version():
    out = run_cli("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"mimml-edu {mimml_edu.__version__}"


def test_cli_without_command_prints_help():
    out = run_cli()
    assert out.returncode == 2
    assert "demo" in out.stdout


def test_cli_demo_json_reports_environment():
    out = run_cli("demo", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    env = report["environment"]
    assert env["ok"] is True, env["problems"]
    assert env["package_version"] == mimml_edu.__version__
    assert set(env["libraries"]) >= {"torch", "captum", "mediapipe", "transformers"}
    assert env["device"] in {"cpu", "cuda"}


def test_envcheck_flags_a_version_mismatch():
    from mimml_edu.envcheck import check_environment

    report = check_environment(expected_version="0.0.0-not-this")
    assert not report.ok
    assert any("written for mimml-edu 0.0.0-not-this" in p for p in report.problems)
