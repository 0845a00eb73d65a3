"""The DAIC-WOZ reader on the shipped samples and on deliberately broken copies."""

from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest

from mimml_edu.data.channels import COVAREP_COLUMNS, DIMS
from mimml_edu.data.daicwoz import parse_transcript, read_daicwoz, read_daicwoz_session
from mimml_edu.data.labels import DAICWOZ_LABEL_FILES, read_label_file, read_labels
from mimml_edu.data.samples import shipped_daicwoz, write_daicwoz_session
from mimml_edu.data.turns import clean_text, pool_frames

SAMPLES = shipped_daicwoz()


@pytest.fixture(scope="module")
def report():
    return read_daicwoz(SAMPLES)


def test_shipped_samples_read_completely(report):
    assert [s.session_id for s in report.sessions] == ["303", "321", "402", "451"]
    assert report.skipped == []
    for s in report.sessions:
        assert s.dims() == DIMS
        assert s.n_turns >= 3
        assert all(s.present().values())
        assert s.channel_names["audio"] == list(COVAREP_COLUMNS)
    by_id = {s.session_id: s for s in report.sessions}
    assert by_id["303"].split == "train" and by_id["402"].split == "dev"
    assert by_id["451"].split == "test" and by_id["451"].phq_score == 17.0
    assert by_id["451"].gender == 0  # from test_split (CR CR LF) and full_test_split


def test_label_disagreement_is_reported_and_label_recomputed(report):
    (d,) = report.label_disagreements
    assert d["participant_id"] == "321" and d["binary_in_file"] == 0 and d["recomputed"] == 1
    assert d["file"].endswith("train_split_Depression_AVEC2017.csv") and d["line"] == 3
    s321 = next(s for s in report.sessions if s.session_id == "321")
    assert s321.label == 1 and s321.phq_score == 10.0


def test_interviewer_less_session_is_reported(report):
    assert any("451" in w and "no interviewer" in w for w in report.warnings)


def test_label_files_quirks():
    table = read_labels(SAMPLES, DAICWOZ_LABEL_FILES)
    assert len(table.files) == 4
    assert set(table.rows) == {"303", "321", "402", "451"}  # no phantom rows from CR CR LF
    assert table.rows["321"].items["PHQ8_Appetite"] is None  # the empty item cell
    rows, _ = read_label_file(
        b"Participant_ID,Gender,PHQ_Binary,PHQ_Score,PCL-C (PTSD),PTSD Severity\r\n"
        b"300,male ,0,4,0,20\r\n\r\n301,female,1,12,1,50\r\n",
        "train_split.csv",
        "train",
    )
    assert [(r.participant_id, r.gender, r.label) for r in rows] == [("300", 1, 0), ("301", 0, 1)]


def test_label_file_errors_name_file_line_and_column():
    with pytest.raises(ValueError, match=r"x.csv, line 3, column PHQ8_Score: expected a number"):
        read_label_file(
            b"Participant_ID,PHQ8_Binary,PHQ8_Score,Gender\n303,0,4,1\n304,1,high,0\n",
            "x.csv",
            "train",
        )
    with pytest.raises(ValueError, match="Participant_ID column"):
        read_label_file(b"id,score\n1,2\n", "y.csv", "train")


def test_zip_and_folder_give_the_same_session(tmp_path):
    with zipfile.ZipFile(SAMPLES / "402_P.zip") as z:
        z.extractall(tmp_path)
    a = read_daicwoz_session(SAMPLES / "402_P.zip")
    b = read_daicwoz_session(tmp_path / "402_P")
    for m in ("text", "audio", "video"):
        np.testing.assert_array_equal(a.features[m], b.features[m])
    assert a.turn_text == b.turn_text


def test_known_time_offset_is_applied(report):
    with zipfile.ZipFile(SAMPLES / "321_P.zip") as z:
        turns, _ = parse_transcript(z.read("321_P/321_TRANSCRIPT.csv"), "321")
    s321 = next(s for s in report.sessions if s.session_id == "321")
    assert s321.turn_times[0, 0] == pytest.approx(turns[0].start + 3.84)
    assert s321.meta["time_offset"] == 3.84


def test_transcript_turns_markup_and_prompt_ids():
    data = (
        b"start_time\tstop_time\tspeaker\tvalue\r\n"
        b"1.0\t2.0\tEllie\thow_doing (how are you doing today)\r\n"
        b"2.5\t3.0\tParticipant\tfine <laughter> [laughter] xxx\r\n"
        b"3.1\t4.0\tParticipant\tscrubbed_entry thanks <synch>\r\n"
        b"4.5\t5.0\tEllie\tokay\r\n"
        b"5.5\t6.0\tParticipant\t\r\n"
        b"7.0\t8.0\tEllie\tbye\r\n"
    )
    turns, has_ellie = parse_transcript(data, "t.csv")
    assert has_ellie
    assert [(t.start, t.stop, t.text) for t in turns] == [
        (2.5, 4.0, "fine thanks"),
        (5.5, 6.0, ""),
    ]
    assert turns[0].interviewer_text == "how are you doing today"
    assert clean_text("<sync> hello  [laughter] there") == "hello there"
    with pytest.raises(ValueError, match=r"t.csv, line 2, column speaker"):
        parse_transcript(b"start_time\tstop_time\tspeaker\tvalue\n1\t2\tBob\thi\n", "t.csv")
    with pytest.raises(ValueError, match="expected the header"):
        parse_transcript(b"start\tstop\tspeaker\tvalue\n", "t.csv")


def test_pool_frames_against_a_hand_computed_mean():
    times = np.arange(10) / 10
    values = np.arange(20, dtype=float).reshape(10, 2)
    values[3, 1] = np.nan
    valid = np.ones(10, bool)
    valid[4] = False
    means, ok = pool_frames(times, values, valid, np.array([[0.2, 0.6], [0.95, 2.0], [5, 6]]))
    np.testing.assert_allclose(means[0], [(4 + 6 + 10) / 3, (5 + 11) / 2])
    assert ok.tolist() == [True, False, False] and not means[2].any()


def test_covarep_pooled_over_voiced_frames_only(tmp_path):
    path = write_daicwoz_session(tmp_path, 310, duration_s=30, seed=3, as_zip=False)
    session = read_daicwoz_session(path)
    raw = np.genfromtxt(path / "310_COVAREP.csv", delimiter=",")
    t = np.arange(len(raw)) / 100
    a, b = session.turn_times[1]
    rows = raw[(t >= a) & (t < b)]
    rows = rows[(rows[:, 1] == 1) & rows.any(axis=1)]
    f0 = rows[:, 0][np.isfinite(rows[:, 0])].mean()
    assert session.features["audio"][1, 0] == pytest.approx(f0, rel=1e-5)
    assert np.isfinite(session.features["audio"]).all()


def test_include_interviewer_changes_text_features_only(tmp_path):
    plain = read_daicwoz_session(SAMPLES / "303_P.zip")
    leaky = read_daicwoz_session(SAMPLES / "303_P.zip", include_interviewer=True)
    assert plain.turn_text == leaky.turn_text
    assert leaky.meta["interviewer_text"][0]
    assert not np.array_equal(plain.features["text"], leaky.features["text"])
    np.testing.assert_array_equal(plain.features["audio"], leaky.features["audio"])


def _copy_samples(tmp_path, pid):
    root = tmp_path / "corpus"
    shutil.copytree(SAMPLES, root)
    folder = root / f"{pid}_P"
    with zipfile.ZipFile(root / f"{pid}_P.zip") as z:
        z.extractall(root)
    (root / f"{pid}_P.zip").unlink()
    return root, folder


def test_missing_modality_file_warns_and_marks_missing(tmp_path):
    root, folder = _copy_samples(tmp_path, "402")
    (folder / "402_CLNF_pose.txt").unlink()
    (folder / "402_COVAREP.csv").unlink()
    report = read_daicwoz(root)
    s = next(s for s in report.sessions if s.session_id == "402")
    assert s.present() == {"text": True, "audio": False, "video": False}
    assert any("402_CLNF_pose.txt" in w and "video marked missing" in w for w in report.warnings)
    assert any("402_COVAREP.csv" in w for w in report.warnings)


def test_malformed_file_raises_with_location_or_is_skipped(tmp_path):
    root, folder = _copy_samples(tmp_path, "303")
    lines = (folder / "303_COVAREP.csv").read_text().splitlines()
    cells = lines[4].split(",")
    cells[2] = "oops"
    lines[4] = ",".join(cells)
    (folder / "303_COVAREP.csv").write_text("\n".join(lines) + "\n")
    message = r"303_COVAREP.csv, line 5, column 3: expected a number, found 'oops'"
    with pytest.raises(ValueError, match=message):
        read_daicwoz(root)
    report = read_daicwoz(root, on_error="skip")
    assert [s["session_id"] for s in report.skipped] == ["303"]
    assert "303_COVAREP.csv" in report.skipped[0]["reason"]
    assert len(report.sessions) == 3


def test_session_without_participant_turns_is_skipped(tmp_path):
    root, folder = _copy_samples(tmp_path, "402")
    (folder / "402_TRANSCRIPT.csv").write_text(
        "start_time\tstop_time\tspeaker\tvalue\n1.0\t2.0\tEllie\thi\n"
    )
    report = read_daicwoz(root)
    assert {"session_id": "402", "reason": "no participant turns in 402_TRANSCRIPT.csv"} in (
        report.skipped
    )
    assert "402" not in [s.session_id for s in report.sessions]


def test_no_sessions_found(tmp_path):
    report = read_daicwoz(tmp_path)
    assert report.sessions == [] and any("no XXX_P.zip" in w for w in report.warnings)
    with pytest.raises(FileNotFoundError):
        read_daicwoz(tmp_path / "nope")


def test_text_embedder_forms_and_bad_width():
    class Encoder:  # the shape of mimml_edu.features.text.TextEncoder: encode -> (emb, mask)
        def encode(self, texts):
            return np.ones((len(texts), 384), np.float32), np.array(
                [i % 2 == 0 for i in range(len(texts))]
            )

    s = read_daicwoz_session(SAMPLES / "303_P.zip", text_embedder=Encoder())
    assert s.masks["text"][1::2].sum() == 0
    bare = read_daicwoz_session(SAMPLES / "303_P.zip", text_embedder=None)
    assert not bare.present()["text"] and bare.turn_text == s.turn_text
    with pytest.raises(ValueError, match=r"session 303: the text embedder returned shape"):
        read_daicwoz_session(SAMPLES / "303_P.zip", text_embedder=lambda t: np.zeros((len(t), 5)))
