"""Short seeded training runs on the staircase, and the benchmark script's CSV."""

from __future__ import annotations

import csv
import importlib.util
import math

import numpy as np
import pytest
import torch
from conftest import ROOT

from mimml_edu.mi_lab.staircase import (
    ESTIMATOR_NAMES,
    LOWER_BOUNDS,
    score_estimator,
    train_staircase,
)

SMALL = {"hidden": 32, "embed": 16, "layers": 1, "lr": 2e-3, "batch_size": 32}


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("name", LOWER_BOUNDS)
def test_lower_bounds_stay_below_the_truth_after_short_training(name):
    result = train_staircase(name, mi_values=(4.0, 6.0), steps_per_stage=80, seed=0, **SMALL)
    for stats in result.stage_stats(window=40):
        assert stats["mean"] < stats["true_mi"], (name, stats)


@pytest.mark.parametrize("name", ESTIMATOR_NAMES)
def test_every_estimator_stays_finite_and_learns(name):
    result = train_staircase(name, mi_values=(2.0, 8.0), steps_per_stage=40, seed=1, **SMALL)
    assert result.estimates.shape == (80,) and np.isfinite(result.estimates).all()
    assert result.true_mi.tolist() == [2.0] * 40 + [8.0] * 40
    first, second = result.stage_stats(window=20)
    assert second["mean"] > first["mean"], "the estimate should rise with the true MI"
    assert result.seconds > 0 and result.ms_per_step > 0


def test_infonce_never_exceeds_log_batch_while_training():
    result = train_staircase("infonce", mi_values=(10.0,), steps_per_stage=60, **SMALL)
    assert result.estimates.max() <= math.log(SMALL["batch_size"]) + 1e-5


def test_cubic_data_and_concat_critic_run():
    result = train_staircase(
        "infonce", mi_values=(2.0,), steps_per_stage=10, critic="concat", data="cubic", **SMALL
    )
    assert result.critic == "concat" and result.data == "cubic"
    assert np.isfinite(result.estimates).all()


def test_runs_are_reproducible_with_a_seed():
    a = train_staircase("nwj", mi_values=(2.0,), steps_per_stage=15, seed=7, **SMALL)
    b = train_staircase("nwj", mi_values=(2.0,), steps_per_stage=15, seed=7, **SMALL)
    assert np.array_equal(a.estimates, b.estimates)


def test_unknown_names_and_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="unknown estimator 'foo'"):
        score_estimator("foo")
    with pytest.raises(ValueError, match="tau must be positive"):
        score_estimator("smile_-1")
    with pytest.raises(ValueError, match="data must be"):
        train_staircase("infonce", data="uniform")
    assert float(score_estimator("smile_2.5")(torch.eye(4) * 10)) > 0


def _load_bench():
    spec = importlib.util.spec_from_file_location("mi_gaussian", ROOT / "bench" / "mi_gaussian.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_writes_the_documented_csv(tmp_path, capsys):
    bench = _load_bench()
    out = tmp_path / "mi.csv"
    argv = [
        "--estimators",
        "infonce,club",
        "--steps-per-stage",
        "6",
        "--window",
        "3",
        "--mi",
        "2,4",
        "--batch-size",
        "16",
        "--csv",
        str(out),
        "--figure",
        str(tmp_path / "fig.png"),
    ]
    assert bench.main(argv) == 0
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert (
        tuple(rows[0])
        == bench.COLUMNS
        == (
            "estimator",
            "critic",
            "data",
            "steps_per_stage",
            "true_mi",
            "mean",
            "std",
            "median",
            "seconds",
            "note",
        )
    )
    assert [(r["estimator"], float(r["true_mi"])) for r in rows] == [
        ("infonce", 2.0),
        ("infonce", 4.0),
        ("club", 2.0),
        ("club", 4.0),
    ]
    assert "ms/step" in capsys.readouterr().out
    assert (tmp_path / "fig.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(SystemExit):
        bench.parse_args(["--estimators", "nope"])


def test_step_time_bench_prints_a_row_per_estimator(capsys, tmp_path):
    spec = importlib.util.spec_from_file_location(
        "mi_step_time", ROOT / "bench" / "mi_step_time.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "steps.csv"
    argv = ["--estimators", "infonce,ba", "--rounds", "2", "--steps", "2", "--csv", str(out)]
    assert module.main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines[-2:]] == ["infonce", "ba"]
    assert all(float(v) > 0 for line in lines[-2:] for v in line.split()[1:])
    rows = list(csv.DictReader(out.open()))
    assert [r["estimator"] for r in rows] == ["infonce", "ba"]
    assert all(float(r["best_ms"]) <= float(r["median_ms"]) for r in rows)


def test_a_diverging_estimator_raises_a_clear_error():
    # an absurd learning rate on the cubic data makes NWJ's exp(critic) overflow
    with pytest.raises(FloatingPointError, match=r"nwj: diverged at step \d+ \(true MI 10"):
        train_staircase(
            "nwj",
            mi_values=(10.0,),
            steps_per_stage=30,
            data="cubic",
            lr=10.0,
            hidden=16,
            embed=8,
            layers=1,
            batch_size=16,
        )


def test_bench_reports_a_diverged_estimator_and_goes_on(tmp_path, capsys):
    bench = _load_bench()
    out = tmp_path / "mi.csv"
    argv = [
        "--estimators",
        "nwj,infonce",
        "--steps-per-stage",
        "30",
        "--mi",
        "10",
        "--data",
        "cubic",
        "--lr",
        "10",
        "--batch-size",
        "16",
        "--csv",
        str(out),
    ]
    assert bench.main(argv) == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["estimator"] for r in rows] == ["nwj", "infonce"]
    assert rows[0]["mean"] == "nan" and rows[1]["mean"] != "nan"
    assert rows[0]["note"].startswith("nwj: diverged at step") and rows[1]["note"] == ""
    assert "nwj        DIVERGED" in capsys.readouterr().out
