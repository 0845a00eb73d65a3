"""The train, evaluate and demo commands end to end (small corpus, short runs)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

KEYS = ("accuracy", "balanced_accuracy", "f1_depressed", "f1_not_depressed", "macro_f1",
        "auroc", "phq_mae", "phq_rmse")  # fmt: skip
SMALL = """\
model: {d_proj: 8, d_h: 8, d_z: 16}
train: {epochs: 2, k: 8, batch_size: 32}
"""


def cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mimml_edu.cli", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    (tmp / "small.yaml").write_text(SMALL)
    out = cli("train", "--config", str(tmp / "small.yaml"), "--out", str(tmp / "run"),
              "--data", "synthetic:n=40,seed=3", "--n-boot", "50", "--json")  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    return tmp, json.loads(out.stdout.strip().splitlines()[-1])


def test_train_json_and_files(trained):
    tmp, report = trained
    for key in KEYS:
        assert set(report[key]) == {"value", "low", "high"}, key
    assert report["oracle_balanced_accuracy"] > 0.5
    assert report["wall_seconds"] > 0 and report["split"] == "test"
    assert {p.name for p in (tmp / "run").iterdir()} >= {
        "best.pt", "last.pt", "config.yaml", "history.json"}  # fmt: skip


def test_evaluate_json_uses_the_checkpoint_data(trained):
    tmp, report = trained
    out = cli("evaluate", "--checkpoint", str(tmp / "run" / "best.pt"), "--n-boot", "50",
              "--json")  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    ev = json.loads(out.stdout.strip().splitlines()[-1])
    assert ev["data"] == "synthetic:n=40,seed=3"
    for key in KEYS:
        assert ev[key] == report[key], key  # same model, same data, same bootstrap seed
    assert ev["oracle_balanced_accuracy"] == report["oracle_balanced_accuracy"]
    assert "window_level" in ev and "by_gender" in ev
    table = cli("evaluate", "--checkpoint", str(tmp / "run" / "best.pt"), "--n-boot", "20")
    assert "balanced_accuracy" in table.stdout and "95% CI" in table.stdout


def test_clear_errors(tmp_path, trained):
    tmp, _ = trained
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: {fusoin: gated}\n")

    def one_line_error(out, *needles):
        assert out.returncode == 2 and out.stdout == ""
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("mimml-edu: error: "), out.stderr
        assert all(n in lines[0] for n in needles), lines[0]

    one_line_error(cli("train", "--config", str(bad), "--out", str(tmp_path / "x")), "fusoin")
    one_line_error(cli("evaluate", "--checkpoint", str(tmp_path / "nope.pt")), "nope.pt")
    out = cli("evaluate", "--checkpoint", str(tmp / "run" / "best.pt"), "--data", "synthetic:x=1")
    one_line_error(out, "unknown knob 'x'")
    out = cli(
        "evaluate",
        "--checkpoint",
        str(tmp / "run" / "best.pt"),
        "--data",
        "synthetic:n=40,seed=3,n_turns=4-5",
    )
    assert out.returncode == 0  # other synthetic data of the same widths: allowed
    debug = cli("--debug", "evaluate", "--checkpoint", str(tmp_path / "nope.pt"))
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_demo_small_run_writes_figures(tmp_path):
    out = cli("demo", "--sessions", "40", "--epochs", "1", "--n-boot", "20", "--out",
              str(tmp_path), "--json")  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["environment"]["ok"] is True
    assert report["balanced_accuracy"]["value"] is not None
    assert report["oracle_balanced_accuracy"] > 0.5 and report["wall_seconds"] > 0
    assert "status" in report["daicwoz_samples"]
    assert {p.name for p in tmp_path.iterdir()} >= {"history.png", "sessions.png",
                                                     "metrics.json", "best.pt"}  # fmt: skip
