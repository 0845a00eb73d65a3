"""``mimml-edu reproduce`` end to end on generated full-size corpora, and its parts.

The DAIC-WOZ-layout corpus (189 sessions, the official split files and sizes) is written
at test time by the seeded sample script; nothing of it is committed.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from cli_testing import here, one_line_error
from conftest import ROOT

from mimml_edu.config import load_config
from mimml_edu.data.corpora import load_corpus
from mimml_edu.data.layouts import write_daicwoz_corpus, write_edaic_corpus
from mimml_edu.data.samples import shipped_daicwoz
from mimml_edu.evaluate import METRICS
from mimml_edu.reproduce import KEYS, Protocol, possible_accuracies, prepare
from mimml_edu.reproduce.protocol import with_interviewer_text

SCRIPT = ROOT / "data_samples" / "make_daicwoz_samples.py"
TINY = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 4, k: 8, early_stopping: 2}\n"


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mimml_edu.cli", *map(str, args)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory):
    path = tmp_path_factory.mktemp("config") / "tiny.yaml"
    path.write_text(TINY)
    return path


@pytest.fixture(scope="module")
def full_layout(tmp_path_factory):
    root = tmp_path_factory.mktemp("daicwoz_full") / "corpus"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--full-size", str(root), "--jobs", "2"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    yield root
    shutil.rmtree(root)  # hundreds of MB


@pytest.fixture(scope="module")
def reproduced(full_layout, tiny_config, tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("reproduce") / "results"
    out = cli("reproduce", "daicwoz", "--root", full_layout, "--seeds", 2, "--text-model",
              "hashing", "--config", tiny_config, "--with-interviewer", "--n-boot", 100,
              "--out", out_dir, "--json", "--quiet")  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return out_dir, json.loads(out.stdout)


def test_the_generated_layout_has_the_official_splits(full_layout):
    names = sorted(p.name for p in full_layout.iterdir() if p.suffix == ".csv")
    assert names == [
        "dev_split_Depression_AVEC2017.csv",
        "full_test_split.csv",
        "test_split_Depression_AVEC2017.csv",
        "train_split_Depression_AVEC2017.csv",
    ]
    out = cli("inspect", full_layout, "--json")
    summary = json.loads(out.stdout)
    assert summary["n_sessions"] == 189 and summary["skipped"] == []
    assert {s: (v["n_sessions"], v["n_depressed"]) for s, v in summary["splits"].items()} == {
        "train": (107, 30), "dev": (35, 12), "test": (47, 14)}  # fmt: skip
    assert len(summary["label_disagreements"]) == 1  # the known error of the official files
    ids = {s["session_id"] for s in summary["sessions"]}
    assert len(ids) == 189 and not ids & {"342", "394", "398", "460"}


def test_reproduce_json_keys_and_numbers(reproduced):
    _, data = reproduced
    assert list(data)[: len(KEYS)] == list(KEYS)
    p = data["protocol"]
    assert p["corpus"] == "daicwoz" and p["demonstration"] is False and p["notice"] is None
    assert p["evaluated"] == ["dev", "test"] and p["seeds"] == [0, 1]
    assert p["model_selection"] == "dev_macro_f1" and p["text_model"] == "hashing"
    assert "held out" in p["test_labels"] and p["paper_accuracy"] == 0.84
    assert data["splits"]["test"]["n_sessions"] == 47 and len(data["seeds"]) == 2
    for level in ("session_level", "window_level"):
        for split, n in (("dev", 35), ("test", 47)):
            block = data[level][split]
            assert block["n"] == n, (level, split)
            for m in METRICS:
                v = block[m]
                assert set(v) >= {"mean", "sd", "low", "high", "per_seed"}
                assert len(v["per_seed"]) == 2 and v["low"] <= v["high"], (level, split, m)
    assert data["window_level"]["test"]["n_windows"] > 47  # sessions longer than K turns
    for acc in data["session_level"]["test"]["accuracy"]["per_seed"]:
        assert Fraction(acc).limit_denominator(47) * 47 == round(acc * 47)  # a k/47
    base = data["baselines"]
    assert base["majority_class"]["test"]["accuracy"] == pytest.approx(33 / 47)
    assert base["always_depressed"]["test"]["accuracy"] == pytest.approx(14 / 47)
    assert base["majority_class"]["test"]["balanced_accuracy"] == 0.5
    near = data["possible_accuracies"]["test"]["nearest_accuracy"]
    assert (near["k_below"], near["k_above"], near["any_rounds_to_target"]) == (39, 40, False)
    near = data["possible_accuracies"]["dev"]["nearest_accuracy"]
    assert (near["k_below"], near["k_above"]) == (29, 30)
    for split, n in (("dev", 35), ("test", 47)):
        genders = data["by_gender"][split]
        assert set(genders) == {"female", "male"}
        assert sum(g["n"] for g in genders.values()) == n
    # the planted signal is found: far above chance, on held-out labels
    assert data["session_level"]["test"]["auroc"]["mean"] > 0.7
    contrast = data["with_interviewer"]
    assert set(contrast) >= {"session_level", "window_level", "difference", "seeds"}
    assert set(contrast["difference"]) == {"dev", "test"}
    assert data["skipped"] == [] and data["wall_seconds"] > 0
    assert any("recomputed from the score" in w for w in data["warnings"])


def test_results_files_and_a_seed_model_evaluated_again(reproduced):
    out_dir, data = reproduced
    assert json.loads((out_dir / "results.json").read_text()) == data
    md = (out_dir / "results.md").read_text()
    for needle in ("| Method | Accuracy | Balanced acc.", "window level, not session level",
                   "Possible accuracies on 47 sessions", "39/47 = 83.0 %", "40/47 = 85.1 %",
                   "Baseline: Majority class of train", "Baseline: Always depressed",
                   "The prompt-leakage contrast", "By gender"):  # fmt: skip
        assert needle in md, needle
    with open(out_dir / "results.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == (2 * 2 * 2 + 2 * 2) * len(METRICS)
    assert {r["variant"] for r in rows} == {
        "mimml",
        "mimml_with_interviewer",
        "baseline_majority_class",
        "baseline_always_depressed",
    }
    # a seed's model is a checkpoint like any other: evaluate reads its corpus again, with
    # the same reader options, and finds the same test accuracy
    best = out_dir / "models" / "mimml" / "seed_0" / "best.pt"
    out = cli("evaluate", "--checkpoint", best, "--n-boot", 0, "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    again = json.loads(out.stdout)
    seed0 = data["session_level"]["test"]["accuracy"]["per_seed"][0]
    assert again["accuracy"]["value"] == pytest.approx(seed0)


@pytest.fixture(scope="module")
def small_layout(tmp_path_factory):
    root = tmp_path_factory.mktemp("daicwoz_small")
    sizes = {"train": (12, 4), "dev": (6, 2), "test": (6, 2)}
    return write_daicwoz_corpus(root, sizes=sizes, duration_s=(25.0, 30.0))


def test_test_labels_are_held_out(small_layout, tiny_config):
    protocol = Protocol("daicwoz", small_layout, seeds=1, text_model="hashing",
                        config=load_config(tiny_config))  # fmt: skip
    prepared = prepare(protocol)
    assert {s.split for s in prepared.train} == {"train"}
    assert {s.split for s in prepared.dev} == {"dev"}
    for split in ("dev", "test"):
        blind = prepared.blind[split]
        assert len(blind) == 6
        assert all(s.label is None and s.phq_score is None and s.gender is None for s in blind)
    test = prepared.corpus.split("test")
    assert {s.session_id: (s.label, s.phq_score, s.gender) for s in test}.items() <= (
        prepared.labels.items()
    )
    assert all(s.label is not None for s in test)  # the corpus itself keeps its labels


def test_with_interviewer_text_is_what_the_reader_gives():
    protocol = Protocol("daicwoz", shipped_daicwoz(), seeds=1, allow_small=True,
                        text_model="hashing")  # fmt: skip
    prepared = with_interviewer_text(prepare(protocol), "hashing")
    read = load_corpus(str(shipped_daicwoz()), text_model="hashing", include_interviewer=True)
    want = {s.session_id: s for s in read.sessions}
    for s in [*prepared.train, *prepared.dev, *prepared.blind["test"]]:
        assert np.array_equal(s.features["text"], want[s.session_id].features["text"])
        assert np.array_equal(s.masks["text"], want[s.session_id].masks["text"])
        assert np.array_equal(s.features["audio"], want[s.session_id].features["audio"])


def test_tiny_samples_clear_message_and_a_marked_demonstration(tiny_config, tmp_path, capsys):
    base = ["reproduce", "daicwoz", "--root", shipped_daicwoz(), "--seeds", 1, "--text-model",
            "hashing", "--config", tiny_config, "--n-boot", 20, "--quiet"]  # fmt: skip
    one_line_error(here(capsys, *base, "--out", tmp_path / "a"),
                   "the train split has 2 sessions (2 depressed, 0 not depressed)",
                   "--allow-small")  # fmt: skip
    out = here(capsys, *base, "--allow-small", "--out", tmp_path / "b", "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout)
    assert data["protocol"]["demonstration"] is True
    assert "not a result" in data["protocol"]["notice"]
    assert data["protocol"]["model_selection"] == "last_epoch"
    assert data["session_level"]["test"]["balanced_accuracy"]["mean"] is None  # one class
    assert "not a result" in (tmp_path / "b" / "results.md").read_text().splitlines()[2]
    with open(tmp_path / "b" / "results.csv") as f:
        assert {r["demonstration"] for r in csv.DictReader(f)} == {"True"}


def test_bad_requests_get_one_line_error(tmp_path, small_layout, capsys):
    root = shipped_daicwoz()
    run = ("reproduce", "daicwoz", "--root", root, "--out", tmp_path / "r")
    one_line_error(here(capsys, *run, "--seeds", 0), "--seeds must be a whole number >= 1")
    one_line_error(here(capsys, *run, "--n-boot", "x"), "--n-boot")
    one_line_error(here(capsys, *run, "--text-model", tmp_path / "no"), "--text-model")
    one_line_error(here(capsys, "reproduce", "edaic", "--root", root), "daicwoz format", "edaic")
    one_line_error(
        here(capsys, "reproduce", "recordings", "--root", small_layout, "--with-interviewer"),
        "--with-interviewer applies to DAIC-WOZ only",
    )
    (tmp_path / "file").write_text("")
    one_line_error(here(capsys, *run[:-1], tmp_path / "file"), "an existing file")


def test_possible_accuracies_arithmetic():
    dev = possible_accuracies(35, 12)
    assert len(dev["accuracies"]) == 36 and dev["accuracies"][29] == pytest.approx(29 / 35)
    near = dev["nearest_accuracy"]
    assert near["below"] == pytest.approx(29 / 35) and near["above"] == pytest.approx(30 / 35)
    assert not near["any_rounds_to_target"]
    assert not dev["nearest_balanced_accuracy"]["any_rounds_to_target"]
    assert possible_accuracies(25, 5)["nearest_accuracy"]["any_rounds_to_target"]  # 21/25
    assert possible_accuracies(10, 0)["nearest_balanced_accuracy"] is None


def test_edaic_end_to_end(tiny_config, tmp_path, capsys):
    root = write_edaic_corpus(tmp_path / "edaic", sizes={"train": (16, 6), "dev": (8, 3),
                                                         "test": (8, 3)})  # fmt: skip
    out = here(capsys, "reproduce", "edaic", "--root", root, "--seeds", 2, "--text-model",
               "hashing", "--config", tiny_config, "--n-boot", 20, "--out", tmp_path / "r",
               "--json", "--quiet")  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout)
    assert set(KEYS) <= set(data) and data["protocol"]["corpus"] == "edaic"
    assert "AVEC 2019" in data["protocol"]["splits_from"]
    assert {s: v["n_sessions"] for s, v in data["splits"].items()} == {
        "train": 16, "dev": 8, "test": 8}  # fmt: skip
    overlap = data["daicwoz_overlap"]
    assert set(overlap) == {"train", "dev", "test"}
    assert all(300 <= int(i) <= 492 for ids in overlap.values() for i in ids)
    assert sum(map(len, overlap.values())) > 0
    assert "E-DAIC participants also in DAIC-WOZ" in (tmp_path / "r" / "results.md").read_text()
    one_line_error(here(capsys, "reproduce", "edaic", "--root", root, "--with-interviewer"),
                   "no speaker column")  # fmt: skip
