"""The component-effect map: statistics, gate hooks, predictions, a reduced run end to end,
and the committed map (current generator, oracle never beaten, predictions before results)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from conftest import ROOT
from model_testdata import small_batch, small_config

from mimml_edu.component_map import (
    FULL,
    load_map,
    load_predictions,
    paired_interval,
    prepare_regime,
    run_job,
    verdict,
    write_map,
)
from mimml_edu.component_map.diagnostics import forward_pass, gate_recorder
from mimml_edu.component_map.stats import seed_interval
from mimml_edu.component_map.variants import Recipe
from mimml_edu.data.regimes import MAP_REGIMES
from mimml_edu.errors import ConfigError, CorpusError
from mimml_edu.evaluate import predict_windows, to_sessions
from mimml_edu.model import build_model

BENCH = ROOT / "bench" / "regimes.py"
PREDICTIONS = ROOT / "bench" / "regimes_predictions.yaml"


def test_verdict_rules():
    assert verdict("<", -0.05, -0.01) == "confirmed"
    assert verdict("<", -0.05, 0.01) == "not confirmed"
    assert verdict("<", 0.01, 0.05) == "contradicted"
    assert verdict(">", 0.01, 0.05) == "confirmed"
    assert verdict(">", -0.05, -0.01) == "contradicted"
    assert verdict("=", -0.02, 0.02, margin=0.03) == "confirmed"
    assert verdict("=", -0.05, 0.02, margin=0.03) == "not confirmed"
    assert verdict("=", 0.01, 0.06, margin=0.03) == "contradicted"
    assert verdict("=", 0.005, 0.02, margin=0.03) == "confirmed"  # real but inside the margin
    with pytest.raises(ValueError, match="margin"):
        verdict("=", -0.01, 0.01)
    with pytest.raises(ValueError):
        verdict("~", -0.01, 0.01)


def test_paired_interval_is_paired_and_covers_a_known_difference():
    rng = np.random.default_rng(0)
    labels = (rng.random(2000) < 0.3).astype(int)
    same = np.stack([labels] * 3)
    iv = paired_interval(same, same, labels, n_boot=300)
    assert iv.value == iv.low == iv.high == 0.0
    # the variant flips 10 % of each class: a balanced-accuracy difference of -0.1
    flips = rng.random((3, 2000)) < 0.1
    worse = np.where(flips, 1 - labels, labels)
    iv = paired_interval(worse, labels, labels, n_boot=500)
    assert iv.low < iv.value < iv.high and iv.high < 0
    assert abs(iv.value + 0.1) < 0.02 and iv.low < -0.1 < iv.high
    assert iv.p_not_above == 1.0
    # seeds that disagree widen the interval beyond the session noise alone
    spread = np.stack([labels, np.where(rng.random(2000) < 0.3, 1 - labels, labels)])
    wide = paired_interval(spread, labels, labels, n_boot=500)
    narrow = paired_interval(spread[1:], labels, labels, n_boot=500)
    assert wide.high - wide.low > narrow.high - narrow.low
    keep = np.arange(2000) < 1000
    assert paired_interval(worse, labels, labels, n_boot=50, sessions=keep).draws == 50
    with pytest.raises(ValueError, match="do not fit"):
        paired_interval(worse, labels[:10], labels)
    gate = seed_interval(np.array([0.6, 0.62, 0.58]), 0.5)
    assert gate.low > 0 and abs(gate.value - 0.1) < 1e-12


def test_gate_hook_reads_the_blocks_own_gate(one_thread):
    torch.manual_seed(0)
    model = build_model(small_config().model).eval()
    batch = small_batch()
    with torch.no_grad(), gate_recorder(model) as tally:
        model(batch)
        tally.add()
        seqs, _ = model.encode(batch)
        mask = torch.stack([batch.mask[m] for m in model.modalities]).any(0)
    sums = tally.sums
    assert set(sums) == {"fusion", "text", "audio", "video"}
    with torch.no_grad():  # what the hook must have seen: G from the block itself, masked
        _, g = model.fusion.block.sequence(
            torch.cat([seqs[m] for m in model.modalities], -1), mask
        )
    keep = mask.unsqueeze(-1).float()
    expected = float((g * keep).sum() / (keep.sum() * g.shape[-1]))
    assert tally.means()["fusion"] == pytest.approx(expected, rel=1e-6)
    assert not any(h for h in model.fusion.block._forward_pre_hooks.values())
    one_view = build_model(small_config(fusion="cnn", encoder_block="cnn").model)
    with gate_recorder(one_view) as tally:
        one_view(batch)
        tally.add()
    assert tally.means() == {}


def test_forward_pass_equals_the_evaluation_path(one_thread):
    data = prepare_regime("order", n_fresh=30)
    torch.manual_seed(0)
    config = small_config().model
    config.input_dims = data.train[0].dims()
    model = build_model(config).eval()
    passed = forward_pass(model, data.fresh["as generated"])
    ref = to_sessions(predict_windows(model, data.fresh["as generated"]))
    np.testing.assert_allclose(passed.session_prob, ref.prob, rtol=1e-6)
    assert passed.h["text"].shape == (len(passed.window_session), config.d_h)


def test_predictions_file_is_complete_and_checked(tmp_path):
    preds = load_predictions(PREDICTIONS)
    assert {p.regime for p in preds} == set(MAP_REGIMES)
    assert all(p.reason and p.source for p in preds)
    bad = tmp_path / "bad.yaml"
    bad.write_text("predictions:\n  - {regime: local, condition: as generated, "
                   "variant: nope, quantity: balanced_accuracy, expect: '<'}\n")  # fmt: skip
    with pytest.raises(ConfigError, match=r"bad\.yaml.*predictions\[0\].*unknown variant"):
        load_predictions(bad)
    bad.write_text("predictions:\n  - {regime: local, condition: audio missing, "
                   "variant: '- BA', quantity: balanced_accuracy, expect: '<'}\n")  # fmt: skip
    with pytest.raises(ConfigError, match="not scored under"):
        load_predictions(bad)
    bad.write_text("predictions:\n  - {regime: local, condition: as generated, "
                   "variant: '- BA', quantity: balanced_accuracy, expect: '='}\n")  # fmt: skip
    with pytest.raises(ConfigError, match="margin"):
        load_predictions(bad)


def test_reduced_run_end_to_end(tmp_path):
    """One regime, two variants, two seeds, few fresh sessions, two worker processes."""
    variants = [FULL, "early fusion (concat + MLP)"]
    sizes = ["--seeds", "2", "--fresh", "120", "--epochs", "1", "--workers", "2", "--boot", "200"]
    out = ["--out", str(tmp_path), "--stem", "small"]
    cmd = [sys.executable, str(BENCH), "--regimes", "local", "--variants", *variants, *sizes, *out]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "wall time" in run.stdout and "time per variant" in run.stdout
    assert "verdicts:" in run.stdout
    got = load_map(tmp_path, stem="small")
    assert got.stale == {}
    got.check()
    assert len(got.rows) == 2 and set(got.rows.variant) == {FULL, "early fusion (concat + MLP)"}
    assert got.rows.seeds.tolist() == [2, 2] and (got.rows.fresh_sessions == 120).all()
    row = got.rows[got.rows.variant == "early fusion (concat + MLP)"].iloc[0]
    assert row.diff_low <= row.diff_to_full <= row.diff_high
    full = got.rows[got.rows.variant == FULL].iloc[0]
    assert 0 <= full.gate_fusion <= 1 and 0 <= full.probe_text <= 1
    judged = set(zip(got.verdicts.variant, got.verdicts.quantity, strict=True))
    assert judged == {("early fusion (concat + MLP)", "balanced_accuracy"), (FULL, "gate_fusion")}
    meta = got.meta
    assert meta["seeds"] == 2 and meta["wall_seconds"] > 0 and "uptime_before" in meta
    assert set(meta["seconds_per_variant"]) == {FULL, "early fusion (concat + MLP)"}


def test_a_map_of_another_generator_is_flagged(tmp_path):
    rows = [{"regime": "local", "condition": "as generated", "variant": FULL,
             "fingerprint": "0000000000000000", "balanced_accuracy_mean": 0.8}]  # fmt: skip
    write_map(tmp_path, rows, [{"regime": "local", "verdict": "confirmed"}], {}, stem="old")
    got = load_map(tmp_path, stem="old")
    assert "local" in got.stale
    with pytest.raises(CorpusError, match="another generator"):
        got.check()
    with pytest.raises(FileNotFoundError, match=r"bench/regimes\.py"):
        load_map(tmp_path, stem="missing")


def test_one_job_keeps_what_it_promises(one_thread):
    data = prepare_regime("dominant", n_fresh=40)
    job = run_job(data, "audio only", 0, Recipe(epochs=1))
    assert set(job.prob) == {"as generated", "audio missing"}
    assert set(job.probe) == {"audio"}
    assert np.isnan(job.probe["audio"]).sum() == sum(
        not s.masks["audio"].any() for s in data.fresh["as generated"]
    )
    assert job.best_epoch == 1 and job.train_seconds > 0


# --- the committed map ------------------------------------------------------------------


#: stem of the committed files -> the predictions file they judged
STEMS = {
    "regimes": "regimes_predictions.yaml",
    "regimes_followup": "regimes_followup_predictions.yaml",
}


@pytest.fixture(scope="module", params=list(STEMS))
def committed(request):
    path = ROOT / "bench" / "results" / f"{request.param}.csv"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run bench/regimes.py (see bench/results/README.md)")
    return request.param, load_map(stem=request.param)


def test_committed_map_matches_the_current_generator(committed):
    stem, got = committed
    got.check()
    assert (got.rows.seeds == 5).all() and (got.rows.fresh_sessions == 1000).all()
    if stem == "regimes":
        assert set(got.rows.regime) == set(MAP_REGIMES)
        assert got.rows.groupby(["regime", "condition"]).size().eq(12).all()


def test_no_variant_beats_the_oracle_beyond_sampling_error(committed):
    """The oracle is exact: no variant's balanced accuracy is above it by more than chance.

    Per row, ``p_above_oracle`` is the share of bootstrap draws (seeds and sessions) in
    which the variant does not beat the oracle; with Bonferroni over the rows, every row
    must keep it above 0.05 / rows.
    """
    rows = committed[1].rows
    assert (rows.p_above_oracle > 0.05 / len(rows)).all(), rows[rows.p_above_oracle < 0.01]
    assert (rows.vs_oracle_low <= 0.0).mean() > 0.95


def test_every_prediction_was_judged_as_the_rules_say(committed):
    stem, got = committed
    file = ROOT / "bench" / STEMS[stem]
    assert len(got.verdicts) == len(load_predictions(file))
    assert got.meta["predictions_sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    for r in got.verdicts.itertuples():
        margin = r.margin if r.expect == "=" else 0.0
        assert r.verdict == verdict(r.expect, r.low, r.high, margin=margin), r


@pytest.mark.parametrize("stem", list(STEMS))
def test_predictions_were_committed_before_the_results(stem):
    def first_commit(path):
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--", path],
            capture_output=True, text=True,
        )  # fmt: skip
        return out.stdout.split()[-1] if out.returncode == 0 and out.stdout.split() else None

    preds = first_commit(f"bench/{STEMS[stem]}")
    results = first_commit(f"bench/results/{stem}.csv")
    if preds is None or results is None:
        pytest.skip("not a git checkout with both files committed")
    order = subprocess.run(
        ["git", "-C", str(ROOT), "merge-base", "--is-ancestor", preds, results]
    )  # fmt: skip
    assert order.returncode == 0 and preds != results
    assert json.loads((ROOT / f"bench/results/{stem}.json").read_text())["commit"]


# --- the figure and the widget ---------------------------------------------------------


def test_component_map_figure_all_and_one_regime():
    from test_plots_catalogue import _component_map

    from mimml_edu.plots.regimes import plot_component_map

    rows, verdicts = _component_map()
    heat = plot_component_map(rows, verdicts)
    texts = [t.get_text() for t in heat.axes[0].texts]
    assert any(t.endswith("✓") for t in texts)  # the one prediction, confirmed
    assert len(heat.axes[0].patches) == 1  # framed
    one = plot_component_map(rows, verdicts, regime="dominant", measure="gap to the oracle")
    assert len([a for a in one.axes if a.get_title()]) == 2  # one panel per condition
    with pytest.raises(ValueError, match="regime must be"):
        plot_component_map(rows, verdicts, regime="nope")
    with pytest.raises(ValueError, match="measure must be"):
        plot_component_map(rows, verdicts, measure="nope")
    with pytest.raises(ValueError, match="no rows"):
        plot_component_map([], verdicts)
