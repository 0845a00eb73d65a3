"""``mimml-edu inspect`` end to end (a subprocess, like a user runs it)."""

from __future__ import annotations

import json
import subprocess
import sys

from mimml_edu.data.layouts import write_edaic_labels, write_edaic_session
from mimml_edu.data.samples import shipped_daicwoz


def inspect(*args):
    return subprocess.run(
        [sys.executable, "-m", "mimml_edu.cli", "inspect", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_inspect_daicwoz_samples_json():
    out = inspect(shipped_daicwoz(), "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    for key in ("n_sessions", "splits", "sessions", "label_disagreements", "skipped", "warnings"):
        assert key in summary
    assert summary["corpus"] == "daicwoz" and summary["n_sessions"] == 4
    assert summary["splits"]["train"] == {"n_sessions": 2, "n_depressed": 2, "n_unlabelled": 0}
    first = summary["sessions"][0]
    assert first["session_id"] == "303" and first["modalities"] == ["text", "audio", "video"]
    assert summary["label_disagreements"][0]["participant_id"] == "321"


def test_inspect_text_report_and_empty_folder(tmp_path):
    out = inspect(shipped_daicwoz(), "--format", "daicwoz")
    assert out.returncode == 0
    assert "4 usable sessions" in out.stdout and "321: PHQ-8 10.0 written as 0" in out.stdout
    empty = inspect(tmp_path, "--json")
    assert empty.returncode == 2 and empty.stdout == ""
    assert "not a corpus folder of any known format" in empty.stderr
    assert str(tmp_path) in empty.stderr and len(empty.stderr.strip().splitlines()) == 1
    missing = inspect(tmp_path / "missing")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_inspect_edaic(tmp_path):
    write_edaic_session(tmp_path, 600, seed=0)
    keys = ("participant_id", "split", "phq_score", "binary", "gender")
    write_edaic_labels(tmp_path, [dict(zip(keys, (600, "dev", 4, 0, "female "), strict=True))])
    out = inspect(tmp_path, "--json")
    summary = json.loads(out.stdout)
    assert out.returncode == 0 and summary["corpus"] == "edaic"
    assert summary["splits"] == {"dev": {"n_sessions": 1, "n_depressed": 0, "n_unlabelled": 0}}


def test_inspect_own_recordings(tmp_path):
    (tmp_path / "labels.csv").write_text("session_id,phq_score,binary,split\ns1,12,0,train\n")
    s1 = tmp_path / "s1"
    s1.mkdir()
    (s1 / "transcript.csv").write_text(
        "start_time,stop_time,speaker,text\n0,1,Ellie,hi\n1,2,Participant,hello\n"
        "3,4,Ellie,ok\n4,5,Participant,bye\n"
    )
    (s1 / "audio.wav").write_bytes(b"")
    (tmp_path / "s2").mkdir()
    (tmp_path / "s2" / "audio.wav").write_bytes(b"")  # no transcript: skipped
    out = inspect(tmp_path, "--format", "recordings", "--json")
    summary = json.loads(out.stdout)
    assert out.returncode == 0, out.stdout + out.stderr
    assert summary["sessions"] == [
        {"session_id": "s1", "split": "train", "label": 1, "phq_score": 12.0, "n_turns": 2,
         "modalities": ["text", "audio"]}
    ]  # fmt: skip
    assert summary["skipped"][0]["session_id"] == "s2"
    assert summary["label_disagreements"][0]["recomputed"] == 1
    assert any("video.mp4" in w for w in summary["warnings"])
