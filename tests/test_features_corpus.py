"""The raw-media corpus reader and ``mimml-edu extract``: sessions, failures, strict mode."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import soundfile as sf

from mimml_edu.cli import main
from mimml_edu.data.batch import make_windows
from mimml_edu.data.recordings import MEDIA_FILES, participant_turns, read_labels, read_transcript
from mimml_edu.features.corpus import ExtractionError, RawCorpusReader
from mimml_edu.features.store import load_session, load_sessions, save_session

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"
HEADER = "start_time,stop_time,speaker,text\n"


@pytest.fixture(scope="module")
def reader():
    return RawCorpusReader()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_transcript_errors_name_file_and_line(tmp_path):
    ok = _write(tmp_path / "ok.csv", HEADER + "0,1,Participant,hello\n1,2,Interviewer,\n")
    df = read_transcript(ok)
    assert df["text"].tolist() == ["hello", ""]
    cases = {
        "nocol.csv": ("start_time,stop_time,text\n0,1,hi\n", r"missing column\(s\) \['speaker'\]"),
        "nan.csv": (HEADER + "0,1,Participant,a\nx,2,Participant,b\n", "line 3: expected numeric"),
        "back.csv": (HEADER + "5,1,Participant,a\n", "line 2: stop_time is before"),
        "empty.csv": ("", "the transcript is empty"),
        "header.csv": (HEADER, "header but no rows"),
    }
    for name, (content, message) in cases.items():
        with pytest.raises(ValueError, match=message) as info:
            read_transcript(_write(tmp_path / name, content))
        assert name in str(info.value)
    with pytest.raises(ValueError, match=r"no turns by speaker 'Participant'.*Interviewer"):
        participant_turns(
            read_transcript(_write(tmp_path / "i.csv", HEADER + "0,1,Interviewer,q\n"))
        )


def test_labels(tmp_path):
    labels = read_labels(RAW / "labels.csv")
    assert labels["s02"] == {"phq_score": 16.0, "label": 1, "gender": 0, "split": "train"}
    path = _write(tmp_path / "l.csv", "session_id,phq_score,binary,gender\na,10,0,female\nb,,,\n")
    labels = read_labels(path)
    assert labels["a"]["label"] == 1 and labels["a"]["binary_in_file"] == 0
    assert labels["b"]["phq_score"] is None and labels["b"]["label"] is None
    for content, message in [
        ("session_id,phq\na,3\n", r"missing column"),
        ("session_id,phq_score\na,30\n", "line 2: phq_score '30' outside"),
        ("session_id,phq_score\na,3\na,4\n", "line 3: session a appears twice"),
        ("session_id,phq_score,gender\na,3,x\n", "line 2: gender 'x'"),
    ]:
        with pytest.raises(ValueError, match=message):
            read_labels(_write(tmp_path / "bad.csv", content))


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory):
    """Sessions that each break in one way, and no heavy media to extract."""
    root = tmp_path_factory.mktemp("bad_corpus")
    # corrupt audio, video without a face, a good transcript
    _write(root / "noface" / "transcript.csv", HEADER + "0.1,0.9,Participant,I feel fine\n")
    (root / "noface" / "audio.wav").write_bytes(b"RIFF....WAVEgarbage" * 10)
    writer = cv2.VideoWriter(
        str(root / "noface" / "video.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120)
    )
    for _ in range(10):
        writer.write(np.full((120, 160, 3), 128, np.uint8))
    writer.release()
    # silent audio, corrupt video, participant turns without text
    _write(root / "silent" / "transcript.csv", HEADER + "0,1,Participant,\n1,2,Participant,\n")
    sf.write(str(root / "silent" / "audio.wav"), np.zeros(32000, np.float32), 16000)
    (root / "silent" / "video.mp4").write_bytes(b"not a video at all")
    # an empty transcript: no session at all; media files missing
    _write(root / "empty" / "transcript.csv", HEADER)
    _write(root / "labels.csv", "session_id,phq_score\nnoface,4\nsilent,12\n")
    return root


def test_each_bad_file_is_reported_and_the_corpus_goes_on(reader, bad_corpus):
    report = reader.read_corpus(bad_corpus)
    assert sorted(s.session_id for s in report.sessions) == ["noface", "silent"]
    reasons = {(f.session_id, f.modality): f for f in report.failures}
    assert set(reasons) == {
        ("empty", "text"),
        ("noface", "audio"),
        ("noface", "video"),
        ("silent", "text"),
        ("silent", "audio"),
        ("silent", "video"),
    }
    assert "header but no rows" in reasons["empty", "text"].reason
    assert reasons["empty", "text"].file.endswith("transcript.csv")
    assert "not readable as audio" in reasons["noface", "audio"].reason
    assert reasons["noface", "audio"].file.endswith("noface/audio.wav")
    assert "no face found in any of 10 analysed frames" in reasons["noface", "video"].reason
    assert "empty transcript" in reasons["silent", "text"].reason
    assert "no voiced speech" in reasons["silent", "audio"].reason
    assert "opencv cannot open" in reasons["silent", "video"].reason or "no frame" in (
        reasons["silent", "video"].reason
    )
    noface = next(s for s in report.sessions if s.session_id == "noface")
    assert noface.masks["text"].all() and not noface.masks["audio"].any()
    assert not noface.masks["video"].any() and noface.meta["face_detection_rate"] == 0.0
    assert noface.phq_score == 4 and noface.label == 0
    silent = next(s for s in report.sessions if s.session_id == "silent")
    assert silent.label == 1 and silent.meta["face_detection_rate"] is None
    assert not any(silent.masks[m].any() for m in ("text", "audio", "video"))
    assert silent.dims() == noface.dims() == {"text": 384, "audio": 175, "video": 130}


def test_strict_stops_at_the_first_failure(bad_corpus):
    with pytest.raises(ExtractionError, match=r"empty/transcript\.csv: .*header but no rows"):
        RawCorpusReader(strict=True).read_corpus(bad_corpus)


@pytest.mark.parametrize(
    ("session", "modality", "reason"),
    [("noface", "video", "no face found in any of 10 analysed frames"),
     ("silent", "audio", "no voiced speech in any of 2 participant turns")],
)  # fmt: skip
def test_strict_names_a_media_file_that_read_but_holds_nothing_once(
    bad_corpus, tmp_path, session, modality, reason
):
    """A file that reads but holds no face or no voiced speech stops strict mode with the
    same message the report gives, said once (not wrapped again as a read error)."""
    root = tmp_path / "one"
    shutil.copytree(bad_corpus / session, root / session)
    if session == "noface":  # a readable audio file, so the first failure is the video's
        tone = 0.3 * np.sin(2 * np.pi * 150 * np.arange(16000) / 16000)  # voiced, 150 Hz
        sf.write(str(root / session / "audio.wav"), tone.astype(np.float32), 16000)
    else:  # a participant text, so the first failure is the audio's
        _write(
            root / session / "transcript.csv",
            HEADER + "0,1,Participant,fine\n1,2,Participant,ok\n",
        )
    with pytest.raises(ExtractionError) as caught:
        RawCorpusReader(strict=True, text_model="hashing").read_corpus(root)
    file = MEDIA_FILES[modality]
    assert str(caught.value) == (
        f"{root / session / file}: {reason} ({modality} of session {session})"
    )


def test_extract_cli_json_and_saved_sessions(bad_corpus, tmp_path, capsys):
    out = tmp_path / "features"
    rc = main(["extract", str(bad_corpus), "--out", str(out), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert rc == 1
    assert summary["sessions_processed"] == 2
    assert summary["feature_widths"] == {"text": 384, "audio": 175, "video": 130}
    assert summary["face_detection_rate"] == {"noface": 0.0, "silent": None}
    assert summary["voiced_ratio"]["silent"] == 0.0
    assert len(summary["failures"]) == 6 and summary["wall_s"] > 0
    assert {f["file"].split("/")[-1] for f in summary["failures"]} == {
        "transcript.csv",
        "audio.wav",
        "video.mp4",
    }
    saved = load_sessions(out)
    assert [s.session_id for s in saved] == ["noface", "silent"]
    assert (out / "cache").is_dir()
    assert main(["extract", str(bad_corpus), "--out", str(out), "--strict"]) == 1
    assert main(["extract", str(tmp_path / "nowhere"), "--out", str(out)]) == 2


def test_session_round_trip_and_windows(reader, tmp_path):
    session, failures = reader.read_session(RAW / "s02", read_labels(RAW / "labels.csv")["s02"])
    assert failures == []
    assert session.n_turns == 4 and session.turn_text[2] == ""
    assert session.masks["text"].tolist() == [True, True, False, True]
    assert session.masks["audio"].tolist() == [True, True, False, True]
    assert session.masks["video"].all()
    assert session.channel_names["audio"][-1] == "voiced_ratio"
    assert session.turn_times.shape == (4, 2)
    back = load_session(save_session(session, tmp_path))
    for m in ("text", "audio", "video"):
        assert np.array_equal(back.features[m], session.features[m])
        assert np.array_equal(back.masks[m], session.masks[m])
    assert back.turn_text == session.turn_text and back.channel_names == session.channel_names
    assert (back.phq_score, back.label, back.gender, back.split) == (16.0, 1, 0, "train")
    assert len(make_windows(back, k=2)) == 3
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"nope")
    with pytest.raises(ValueError, match=r"broken\.npz: not a mimml-edu session file"):
        load_session(broken)


def test_missing_media_are_reported(reader, tmp_path):
    shutil.copy(RAW / "s01" / "transcript.csv", _write(tmp_path / "x" / "keep", "").parent)
    session, failures = reader.read_session(tmp_path / "x")
    assert {f.modality for f in failures} == {"audio", "video"}
    assert all("not found" in f.reason for f in failures)
    assert session.masks["text"].all() and session.label is None
