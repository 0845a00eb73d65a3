"""Fault tests: ``kill -9`` at random points of a training run, and in the middle of a
checkpoint write, then ``train --resume`` until it finishes: the result is identical to an
uninterrupted run (the same weights in best.pt and last.pt, the same history, the same
evaluation). The kill points are drawn with a fixed seed, so every run tests the same ones.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 3, k: 8, batch_size: 32}\n"
DATA = "synthetic:n=40,seed=3"


def _args(config: Path, out: Path) -> list[str]:
    return ["train", "--config", str(config), "--out", str(out), "--data", DATA, "--resume",
            "--n-boot", "0", "--quiet", "--json"]  # fmt: skip


def _run(args: list[str], *, save: int = 0, fraction: float = 0.0, kill_after: float = 0.0):
    """Run the train command (through the fault runner); kill it after ``kill_after`` s."""
    cmd = [sys.executable, str(HERE / "fault_runner.py"), str(save), str(fraction), "--", *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_after:
        try:
            out, err = proc.communicate(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
    else:
        out, err = proc.communicate(timeout=600)
    return proc.returncode, out.decode(), err.decode()


def _finish(args: list[str]) -> dict:
    """Resume until the run ends normally; its JSON report."""
    code, out, err = _run(args)
    assert code == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


def _state(out: Path) -> dict:
    result = {}
    for name in ("best.pt", "last.pt"):
        ckpt = torch.load(out / name, weights_only=True)
        history = {k: v for k, v in ckpt["training"]["history"].items() if k != "elapsed"}
        result[name] = (ckpt["model"], history, ckpt["training"]["epoch"])
    return result


def _assert_same(a: dict, b: dict) -> None:
    for name in a:
        (wa, ha, ea), (wb, hb, eb) = a[name], b[name]
        assert ea == eb, f"{name}: epoch {ea} vs {eb}"
        assert ha == hb, f"{name}: the histories differ"
        assert wa.keys() == wb.keys()
        for key in wa:
            assert torch.equal(wa[key], wb[key]), f"{name}: {key} differs"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run, its duration, report and final state."""
    tmp = tmp_path_factory.mktemp("reference")
    (tmp / "c.yaml").write_text(CONFIG)
    start = time.perf_counter()
    report = _finish(_args(tmp / "c.yaml", tmp / "run"))
    return time.perf_counter() - start, report, _state(tmp / "run")


def _metrics(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("wall_seconds", "checkpoint")}


@pytest.mark.parametrize("seed", [0, 1])
def test_kill_during_training_then_resume_is_identical(tmp_path, reference, seed):
    seconds, report, state = reference
    (tmp_path / "c.yaml").write_text(CONFIG)
    args = _args(tmp_path / "c.yaml", tmp_path / "run")
    rng = random.Random(seed)
    kills = 0
    for _ in range(2):  # up to two kills at random points, each followed by a resume
        code, _, _ = _run(args, kill_after=rng.uniform(0.3, 1.0) * seconds)
        kills += code == -signal.SIGKILL
    resumed = _finish(args)
    assert kills >= 1, "the run ended before any kill: the kill points are too late"
    _assert_same(_state(tmp_path / "run"), state)
    assert _metrics(resumed) == _metrics(report)


@pytest.mark.parametrize("seed", [0, 1])
def test_kill_during_a_checkpoint_write_then_resume_is_identical(tmp_path, reference, seed):
    _, report, state = reference
    (tmp_path / "c.yaml").write_text(CONFIG)
    args = _args(tmp_path / "c.yaml", tmp_path / "run")
    rng = random.Random(100 + seed)
    save, fraction = rng.randint(1, 5), rng.uniform(0.05, 0.95)  # 3 epochs: up to 6 writes
    code, _, err = _run(args, save=save, fraction=fraction)
    assert code == -signal.SIGKILL, f"not killed at write {save}: {err[-500:]}"
    for name in ("best.pt", "last.pt"):  # a half-written file never replaces a good one
        if (tmp_path / "run" / name).exists():
            torch.load(tmp_path / "run" / name, weights_only=True)
    resumed = _finish(args)
    _assert_same(_state(tmp_path / "run"), state)
    assert _metrics(resumed) == _metrics(report)
