"""Own recordings from raw media to an explained model: extract (parallel workers, a local
text model) -> train -> evaluate -> explain, on a corpus made of copies of the shipped raw
sessions with labels for every split; on-the-fly extraction with the cache; and extract's
option checks."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from cli_testing import here, one_line_error, result
from conftest import ROOT

from mimml_edu.cli import main
from mimml_edu.data.corpora import FEATURES_MARKER, load_corpus
from mimml_edu.features.store import load_session, read_marker
from mimml_edu.features.text import save_random_encoder
from mimml_edu.features.video import VideoConfig

RAW = ROOT / "data_samples" / "raw"
TINY = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 2, k: 2, batch_size: 8}\n"
#: copy -> (original, PHQ-8, split): both classes in every split
COPIES = {
    "a01": ("s01", 3, "train"), "a02": ("s02", 16, "train"), "a03": ("s03", 12, "train"),
    "b01": ("s01", 14, "train"), "b02": ("s02", 2, "train"), "b03": ("s03", 5, "train"),
    "c01": ("s01", 4, "dev"), "c02": ("s02", 18, "dev"), "c03": ("s03", 1, "dev"),
    "d01": ("s01", 11, "test"), "d02": ("s02", 6, "test"), "d03": ("s03", 0, "test"),
}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A recordings corpus of 12 copies, a tiny local text model, and extract's output."""
    tmp = tmp_path_factory.mktemp("own")
    corpus = tmp / "corpus"
    lines = ["session_id,phq_score,gender,split"]
    for copy, (original, score, split) in COPIES.items():
        shutil.copytree(RAW / original, corpus / copy)
        lines.append(f"{copy},{score},{'female' if score % 2 else 'male'},{split}")
    (corpus / "labels.csv").write_text("\n".join(lines) + "\n")
    words = " ".join((RAW / s / "transcript.csv").read_text() for s in ("s01", "s02", "s03"))
    vocab = sorted({w.strip('.,?!"').lower() for w in words.split()} - {""})
    model = save_random_encoder(tmp / "encoder", vocab)  # stands in for a local encoder
    (tmp / "tiny.yaml").write_text(TINY)
    code = main(["extract", str(corpus), "--out", str(tmp / "features"), "--jobs", "2",
                 "--max-fps", "3", "--text-model", str(model), "--json"])  # fmt: skip
    assert code == 0
    return tmp


def test_extract_writes_a_corpus_every_command_reads(workspace, capsys):
    features = workspace / "features"
    marker = read_marker(features)
    assert marker["sessions"] == sorted(COPIES) and marker["failures"] == []
    assert marker["text_model"] == str((workspace / "encoder").resolve())
    assert marker["feature_widths"] == {"text": 32, "audio": 175, "video": 130}
    assert (features / "labels.csv").read_text() == (workspace / "corpus/labels.csv").read_text()
    code, out, _ = result(capsys, "inspect", features, "--json")
    summary = json.loads(out)
    assert code == 0 and summary["corpus"] == "features" and summary["n_sessions"] == 12
    assert {s: (v["n_sessions"], v["n_depressed"]) for s, v in summary["splits"].items()} == {
        "train": (6, 3), "dev": (3, 1), "test": (3, 1)}  # fmt: skip


@pytest.fixture(scope="module")
def serial(workspace):
    """The three shipped raw sessions extracted in one process (a cache of its own)."""
    from mimml_edu.features.extract import extract_corpus

    out = workspace / "serial"
    report = extract_corpus(RAW, out, jobs=1, text_model=workspace / "encoder",
                            video_config=VideoConfig(max_fps=3))  # fmt: skip
    assert report.failures == [] and report.cache_hits == 0  # a cache of its own
    return out


def test_parallel_extraction_equals_one_process(workspace, serial):
    out = serial
    for copy in ("a01", "b02", "d03"):  # copies of s01, s02, s03
        parallel = load_session(workspace / "features" / f"{copy}.npz")
        serial = load_session(out / f"{COPIES[copy][0]}.npz")
        for m in ("text", "audio", "video"):
            assert np.array_equal(parallel.features[m], serial.features[m]), (copy, m)
            assert np.array_equal(parallel.masks[m], serial.masks[m]), (copy, m)


def test_extract_train_evaluate_explain(workspace, serial, capsys):
    features, run = workspace / "features", workspace / "run"
    code, out, err = result(capsys, "train", "--config", workspace / "tiny.yaml", "--out", run,
                          "--data", features, "--n-boot", 20, "--json", "--quiet")  # fmt: skip
    assert code == 0, err
    trained = json.loads(out)
    assert trained["data"] == f"features:{features.resolve()}" and trained["split"] == "test"
    code, out, err = result(capsys, "evaluate", "--checkpoint", run / "best.pt", "--n-boot", 20,
                          "--json")  # fmt: skip
    assert code == 0, err
    evaluated = json.loads(out)
    assert evaluated["data"] == trained["data"] and evaluated["n_sessions"] == 3
    assert evaluated["accuracy"] == trained["accuracy"]  # same model, same data
    code, out, err = result(capsys, "explain", "--checkpoint", run / "best.pt", "--max-sessions",
                          2, "--n-steps", 4, "--ig-tolerance", 0, "--json")  # fmt: skip
    assert code == 0, err
    explained = json.loads(out)
    assert explained["n_sessions"] == 2 and set(explained["shapley_mean"]) == {
        "text", "audio", "video"}  # fmt: skip
    one_line_error(
        here(capsys, "evaluate", "--checkpoint", run / "best.pt", "--data", "synthetic:n=20"),
        "trained on features:",
        "'text': 32",
        "synthetic:n=20",
        "'text': 384",
    )
    # the same recordings extracted at another frame rate: same channels, other values
    fps2 = workspace / "fps2"
    code = main(["extract", str(workspace / "corpus"), "--out", str(fps2), "--max-fps", "2",
                 "--cache", str(features / "cache"), "--text-model", str(workspace / "encoder"),
                 "--json"])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    one_line_error(
        here(capsys, "evaluate", "--checkpoint", run / "best.pt", "--data", fps2),
        f"trained on features:{features.resolve()}",
        "video settings max_fps=3.0",
        f"features:{fps2.resolve()} was extracted with max_fps=2.0",
    )
    code, out, err = result(capsys, "reproduce", "recordings", "--root", features, "--seeds", 1,
                          "--config", workspace / "tiny.yaml", "--n-boot", 10, "--out",
                          workspace / "reproduced", "--json", "--quiet")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["protocol"]["corpus"] == "recordings" and data["session_level"]["test"]["n"] == 3
    assert "labels.csv" in data["protocol"]["splits_from"]
    one_line_error(
        here(
            capsys,
            "reproduce",
            "recordings",
            "--root",
            serial,
            "--out",
            workspace / "x",
        ),
        "the dev split has 1 session (0 depressed, 1 not depressed)",
        "--allow-small",
    )


def test_on_the_fly_recordings_equal_the_extracted_folder(workspace, monkeypatch):
    monkeypatch.setenv("MIMML_EDU_CACHE", str(workspace / "features" / "cache"))
    raw = load_corpus(f"recordings:{workspace / 'corpus'}",
                      text_model=str(workspace / "encoder"),
                      video_config=VideoConfig(max_fps=3))  # fmt: skip
    extracted = load_corpus(str(workspace / "features"))
    assert raw.format == "recordings" and raw.fingerprint() == extracted.fingerprint()
    assert raw.feature_widths() == extracted.feature_widths()


def test_extract_options_are_checked(workspace, tmp_path, capsys):
    run = ("extract", RAW, "--out", tmp_path / "out")
    one_line_error(here(capsys, *run, "--max-fps", 0), "--max-fps must be a number > 0, got '0'")
    one_line_error(here(capsys, *run, "--max-fps", "nan"), "--max-fps must be a finite number")
    one_line_error(here(capsys, *run, "--jobs", 0), "--jobs must be a whole number >= 1, got '0'")
    one_line_error(here(capsys, *run, "--jobs", "two"), "--jobs must be a whole number")
    (tmp_path / "file").write_text("")
    one_line_error(here(capsys, "extract", RAW, "--out", tmp_path / "file"), "an existing file")
    one_line_error(here(capsys, "extract", RAW, "--out", RAW), "the corpus folder itself")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    busy = here(capsys, "extract", RAW, "--out", tmp_path / "busy")
    one_line_error(busy, f"no {FEATURES_MARKER}")
    one_line_error(
        here(capsys, "extract", tmp_path / "nowhere", "--out", tmp_path / "o"),
        "corpus folder not found",
    )
    one_line_error(here(capsys, *run, "--text-model", tmp_path / "nope"), "--text-model")
    assert not (tmp_path / "out").exists()  # nothing written for a bad request
