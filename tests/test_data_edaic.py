"""The E-DAIC reader on synthetic sessions in the E-DAIC layout."""

from __future__ import annotations

import numpy as np
import pytest

from mimml_edu.data.edaic import _rotation, parse_edaic_transcript, read_edaic
from mimml_edu.data.layouts import write_edaic_labels, write_edaic_session


@pytest.fixture()
def corpus(tmp_path):
    for i, pid in enumerate((303, 600, 601)):
        write_edaic_session(tmp_path, pid, seed=i)
    rows = [
        (303, "train", 12, 1, "male "),
        (600, "dev", 4, 0, "female"),
        (601, "test", 10, 0, "f"),
    ]
    keys = ("participant_id", "split", "phq_score", "binary", "gender")
    write_edaic_labels(tmp_path, [dict(zip(keys, r, strict=True)) for r in rows])
    return tmp_path


def test_reads_sessions_labels_and_overlap(corpus):
    report = read_edaic(corpus)
    assert [s.session_id for s in report.sessions] == ["303", "600", "601"]
    s303 = report.sessions[0]
    assert s303.gender == 1 and s303.label == 1 and s303.split == "train"
    assert s303.dims() == {"text": 384, "audio": 62, "video": 38}
    assert all(
        s.present() == {"text": True, "audio": True, "video": True} for s in report.sessions
    )
    assert report.notes["daicwoz_overlap"] == ["303"]
    assert [d["participant_id"] for d in report.label_disagreements] == ["601"]
    starts = s303.turn_times[:, 0]
    assert (np.diff(starts) >= 0).all()  # rows were shuffled in the file


def test_transcript_without_speakers_sorted_and_checked():
    rows = parse_edaic_transcript(
        b"Start_Time,End_Time,Text,Confidence\r\n"
        b'5.0,6.0,"b, c",0.9\r\n1.0,2.0,a <laughter>,0.8\r\n',
        "t.csv",
    )
    assert rows == [(1.0, 2.0, "a"), (5.0, 6.0, "b, c")]
    with pytest.raises(ValueError, match=r"t.csv, line 2: expected numeric"):
        parse_edaic_transcript(b"Start_Time,End_Time,Text,Confidence\nx,1,a,1\n", "t.csv")


def test_head_frame_gaze_uses_the_pose_rotation():
    r = _rotation(np.array([0.3]), np.array([-0.2]), np.array([0.1]))[0]
    np.testing.assert_allclose(r @ r.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(r) == pytest.approx(1.0)


def test_missing_audio_files_mark_audio_missing_at_the_common_width(corpus):
    for f in (corpus / "600_P" / "features").glob("*OpenSMILE*"):
        f.unlink()
    report = read_edaic(corpus)
    s600 = next(s for s in report.sessions if s.session_id == "600")
    assert s600.present()["audio"] is False and s600.dims()["audio"] == 62
    assert any("600" in w and "audio marked missing" in w for w in report.warnings)


def test_missing_column_is_named(corpus):
    path = next((corpus / "601_P" / "features").glob("*OpenFace*"))
    path.write_text(path.read_text().replace("AU12_r", "AU12_x"))
    with pytest.raises(ValueError, match=r"601_OpenFace.*missing column\(s\) \['AU12_r'\]"):
        read_edaic(corpus)
    report = read_edaic(corpus, on_error="skip")
    assert report.skipped[0]["session_id"] == "601"
