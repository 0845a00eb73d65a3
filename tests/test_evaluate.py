"""Session-level metrics, bootstrap intervals, gender breakdown, window-level labels."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from model_testdata import random_sessions, small_config
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    roc_auc_score,
)

from mimml_edu.evaluate import (
    METRICS,
    ORACLE_OPTIMAL,
    Predictions,
    better,
    compute_metrics,
    evaluate,
    evaluate_predictions,
    to_sessions,
)
from mimml_edu.model import build_model


def _preds(n=40, seed=0):
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    prob = np.clip(0.3 * label + rng.random(n) * 0.7, 0, 1).round(2)  # ties on purpose
    phq = rng.integers(0, 25, n).astype(float)
    return Predictions([f"s{i}" for i in range(n)], prob, phq + rng.normal(0, 3, n), label, phq,
                       rng.integers(0, 2, n))  # fmt: skip


def test_metrics_match_sklearn():
    p = _preds()
    m = compute_metrics(p)
    pred = (p.prob >= 0.5).astype(int)
    assert m["accuracy"] == pytest.approx(accuracy_score(p.label, pred))
    assert m["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(p.label, pred))
    assert m["f1_depressed"] == pytest.approx(f1_score(p.label, pred))
    assert m["f1_not_depressed"] == pytest.approx(f1_score(p.label, pred, pos_label=0))
    assert m["macro_f1"] == pytest.approx(f1_score(p.label, pred, average="macro"))
    assert m["auroc"] == pytest.approx(roc_auc_score(p.label, p.prob))
    err = p.phq_pred - p.phq
    assert m["phq_mae"] == pytest.approx(np.abs(err).mean())
    assert m["phq_rmse"] == pytest.approx(np.sqrt((err**2).mean()))


def test_undefined_metrics_are_nan_not_errors():
    p = _preds(10)
    p.label[:] = 1
    m = compute_metrics(p)
    assert math.isnan(m["auroc"]) and math.isnan(m["macro_f1"])
    assert math.isnan(m["balanced_accuracy"]) and math.isnan(m["f1_not_depressed"])
    assert not math.isnan(m["accuracy"])
    p.label[:] = -1
    p.phq[:] = np.nan
    m = compute_metrics(p)
    assert m["n"] == 0 and all(math.isnan(m[k]) for k in METRICS)


def test_session_aggregation_is_the_mean_of_windows():
    w = Predictions(["a", "a", "b", "a"], np.array([0.2, 0.4, 0.9, 0.9]),
                    np.array([1.0, 2.0, 3.0, 6.0]), np.array([0, 0, 1, 0]),
                    np.array([4.0, 4.0, 12.0, 4.0]), np.array([1, 1, 0, 1]))  # fmt: skip
    s = to_sessions(w)
    assert s.session_id == ["a", "b"]
    np.testing.assert_allclose(s.prob, [0.5, 0.9])
    np.testing.assert_allclose(s.phq_pred, [3.0, 3.0])
    assert s.label.tolist() == [0, 1] and s.gender.tolist() == [1, 0]


def test_intervals_gender_and_json():
    p = _preds(60)
    e = evaluate_predictions(p, n_boot=300, seed=1)
    again = evaluate_predictions(p, n_boot=300, seed=1)
    assert e.to_dict() == again.to_dict()
    for name in METRICS:
        v = e.metrics[name]
        assert v["low"] <= v["value"] <= v["high"], name
        assert v["high"] - v["low"] > 0, name
    assert set(e.by_gender) == {"female", "male"}
    assert sum(g["n"] for g in e.by_gender.values()) == 60
    d = json.loads(json.dumps(e.to_dict()))
    assert {"accuracy", "balanced_accuracy", "f1_depressed", "macro_f1", "auroc"} <= set(d)
    assert set(d["accuracy"]) == {"value", "low", "high"}
    assert "window_level" in d
    assert "(not session level)" in e.table() and "95% CI" in e.table()


def test_table_says_when_a_score_lands_above_the_oracle():
    e = evaluate_predictions(_preds(60), n_boot=50, seed=1)
    ba = e.metrics["balanced_accuracy"]["value"]
    luck = "balanced_accuracy better than the oracle's on these sessions: luck"
    assert luck in e.table(oracle={"balanced_accuracy": ba - 0.01})
    assert "better than the oracle" not in e.table(oracle={"balanced_accuracy": ba + 0.01})
    assert "better than the oracle" not in e.table()


@pytest.mark.parametrize("error", ["phq_mae", "phq_rmse"])
def test_for_errors_lower_is_better_than_the_oracle(error):
    e = evaluate_predictions(_preds(60), n_boot=50, seed=1)
    value = e.metrics[error]["value"]
    worse = e.table(oracle={error: value - 0.5})  # the oracle's error is smaller: model worse
    assert f"{error} better than the oracle" not in worse
    assert f"note: {error} better" in e.table(oracle={error: value + 0.5})
    assert better(error, 1.0, 2.0) and not better(error, 2.0, 1.0)
    assert better("auroc", 0.9, 0.8) and not better("auroc", 0.8, 0.9)


def test_the_table_marks_the_metrics_the_oracle_is_optimal_for():
    e = evaluate_predictions(_preds(60), n_boot=50, seed=1)
    oracle = {name: 0.0 for name in METRICS}  # every row "beats" it (errors excepted)
    table = e.table(oracle=oracle)
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()}
    for name in METRICS:
        assert rows[name].endswith("*") == (name in ORACLE_OPTIMAL), name
    assert set(ORACLE_OPTIMAL) == {"balanced_accuracy", "auroc", "phq_rmse"}
    # above a rule that is not the optimum for accuracy or F1 is no sign of luck
    assert (
        "accuracy, f1_depressed, f1_not_depressed, macro_f1 better than the oracle's: "
        "the oracle's rule is not the optimum" in table
    )
    assert "balanced_accuracy, auroc better than the oracle's on these sessions: luck" in table


def test_evaluate_a_model_on_sessions():
    sessions = random_sessions(6, seed=3)
    model = build_model(small_config().model)
    e = evaluate(model, sessions, k=6, n_boot=50)
    assert len(e.sessions.prob) == 6
    assert e.window_level["n"] > 6  # more windows than sessions
    assert model.training  # evaluation restores the mode it found
