"""The readers' rules for bad input: one error type naming the file, a bad session skipped
with its reason (or the read stopped with strict), members streamed under a size limit,
special files refused, one timing rule, label conflicts never silent."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mimml_edu.data.daicwoz import read_daicwoz
from mimml_edu.data.edaic import parse_edaic_transcript, read_edaic
from mimml_edu.data.labels import DAICWOZ_LABEL_FILES, read_labels
from mimml_edu.data.layouts import write_edaic_labels, write_edaic_session
from mimml_edu.data.recordings import read_label_table, read_transcript, scan_recordings
from mimml_edu.data.samples import shipped_daicwoz, write_daicwoz_session
from mimml_edu.data.source import Limits, Source, _Member
from mimml_edu.data.turns import FramePool, check_span, pool_frames
from mimml_edu.errors import CorpusError

SAMPLES = shipped_daicwoz()
RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"


def _corpus(tmp_path: Path) -> Path:
    for name in ("303_P.zip", "402_P.zip", *(p.name for p in SAMPLES.glob("*.csv"))):
        shutil.copy(SAMPLES / name, tmp_path / name)
    return tmp_path


def _rezip(path: Path, edit) -> None:
    with zipfile.ZipFile(path) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    files = edit(files)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)


def _member(files: dict, suffix: str) -> str:
    return next(n for n in files if n.endswith(suffix))


def test_a_damaged_member_skips_its_session_or_stops_a_strict_read(tmp_path):
    root = _corpus(tmp_path)

    def damage(files):
        name = _member(files, "_COVAREP.csv")
        files[name] = files[name].replace(b"\n", b",oops\n", 1)
        return files

    _rezip(root / "402_P.zip", damage)
    report = read_daicwoz(root, on_error="skip")
    assert [s.session_id for s in report.sessions] == ["303"]
    (skip,) = report.skipped
    assert skip["session_id"] == "402" and "402_COVAREP.csv, line 1" in skip["reason"]
    with pytest.raises(CorpusError, match=r"402_P.zip:402_P/402_COVAREP.csv, line 1"):
        read_daicwoz(root, on_error="raise")


def test_zip_members_encrypted_or_of_unknown_compression_are_named(tmp_path):
    path = tmp_path / "402_P.zip"
    shutil.copy(SAMPLES / "402_P.zip", path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = next(i for i in z.infolist() if i.filename.endswith("_CLNF_AUs.txt"))
    data[info.header_offset + 6] |= 1  # the encryption flag, in the local header
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    with pytest.raises(CorpusError, match=r"402_CLNF_AUs.txt: encrypted member"):
        with Source(path) as source:
            source.read_bytes("402_CLNF_AUs.txt")


def test_members_are_streamed_under_the_size_limit(tmp_path):
    path = tmp_path / "402_P.zip"
    shutil.copy(SAMPLES / "402_P.zip", path)
    limits = Limits(max_member_bytes=1 << 20)  # 1 MB: the COVAREP member is larger
    with Source(path, limits=limits) as source:
        assert source.size("402_COVAREP.csv") > 1 << 20
        with pytest.raises(CorpusError, match=r"402_COVAREP.csv: larger than the limit of 1 MB"):
            source.open("402_COVAREP.csv")
    stream = _Member(io.BytesIO(b"0," * 3000), "x.csv", 4000)  # a size the header hid
    with pytest.raises(CorpusError, match=r"x.csv: larger than the limit"):
        stream.read()
    report = read_daicwoz(path, on_error="skip", limits=limits)
    assert not report.sessions and "larger than the limit" in report.skipped[0]["reason"]


def test_two_different_members_with_one_name_are_refused(tmp_path):
    path = tmp_path / "402_P.zip"
    shutil.copy(SAMPLES / "402_P.zip", path)
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
        z.writestr("402_P/402_TRANSCRIPT.csv", b"start_time\tstop_time\tspeaker\tvalue\n")
    with Source(path) as source, pytest.raises(CorpusError, match=r"two different files named"):
        source.read_bytes("402_TRANSCRIPT.csv")


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_special_files_in_a_session_folder_skip_the_session(tmp_path, kind):
    root = _corpus(tmp_path)
    with zipfile.ZipFile(root / "402_P.zip") as z:
        z.extractall(root)
    (root / "402_P.zip").unlink()
    target = root / "402_P" / "402_COVAREP.csv"
    target.unlink()
    {"fifo": os.mkfifo, "directory": os.mkdir,
     "device": lambda p: os.symlink("/dev/zero", p)}[kind](target)  # fmt: skip
    report = read_daicwoz(root, on_error="skip")
    assert [s.session_id for s in report.sessions] == ["303"]
    assert "402_COVAREP.csv: is a" in report.skipped[0]["reason"]
    assert "not a regular file" in report.skipped[0]["reason"]


def test_the_timing_rule_is_the_same_in_every_reader():
    for start, stop, words in [(float("nan"), 1.0, "finite"), (0.0, float("inf"), "finite"),
                               (-1.0, 2.0, "negative"), (3.0, 2.0, "before")]:  # fmt: skip
        with pytest.raises(CorpusError, match=words):
            check_span(start, stop, "t.csv", 4)
        with pytest.raises(CorpusError, match=rf"t.csv, line 2: .*{words}"):
            parse_edaic_transcript(
                f"Start_Time,End_Time,Text,Confidence\n{start},{stop},hi,1\n".encode(), "t.csv"
            )


def test_rows_after_the_end_of_the_recording_are_reported_not_merged(tmp_path):
    path = write_daicwoz_session(tmp_path, 402, duration_s=30, seed=1, landmarks=False)

    def late(files):
        name = _member(files, "_TRANSCRIPT.csv")
        files[name] += b"9999.0\t9999.5\tParticipant\tone more thing\n"
        return files

    before = read_daicwoz(path).sessions[0]
    _rezip(path, late)
    report = read_daicwoz(path)
    (warning,) = [w for w in report.warnings if "after the end" in w]
    assert "402" in warning and "30.0 s" in warning and "9999.0 s" in warning
    after = report.sessions[0]
    np.testing.assert_array_equal(after.turn_times, before.turn_times)  # nothing merged

    folder = tmp_path / "edaic"
    write_edaic_session(folder, 601, duration_s=20, seed=2)
    transcript = folder / "601_P" / "601_Transcript.csv"
    transcript.write_text(transcript.read_text() + "500.0,501.0,late words,0.9\n")
    edaic = read_edaic(folder)
    assert any("601" in w and "after the end" in w for w in edaic.warnings)
    assert edaic.sessions[0].turn_times.max() < 25


def test_label_conflicts_are_problems_of_their_participant_never_silent(tmp_path):
    root = _corpus(tmp_path)
    train = root / "train_split_Depression_AVEC2017.csv"
    text = train.read_bytes()
    train.write_bytes(text + b"303,1,20,0,2,2,2,2,2,2,1,1\r\n")  # 303 again, score 20
    dev = root / "dev_split_Depression_AVEC2017.csv"
    dev.write_bytes(dev.read_bytes() + b"321,0,10,1,1,1,2,2,,2,1,1\r\n")  # 321 in two splits
    table = read_labels(root, DAICWOZ_LABEL_FILES)
    assert set(table.problems) == {"303", "321"}
    assert "appears twice with different labels: PHQ-8 score 14" in table.problems["303"]
    assert "in train" in table.problems["321"] and "in dev" in table.problems["321"]
    report = read_daicwoz(root, on_error="skip")
    assert [s.session_id for s in report.sessions] == ["402"]
    assert {s["session_id"] for s in report.skipped} == {"303"}
    with pytest.raises(CorpusError, match=r"303 appears twice"):
        read_daicwoz(root, on_error="raise")


def test_phq8_items_are_checked_and_their_sum_compared_with_the_total(tmp_path):
    root = _corpus(tmp_path)
    train = root / "train_split_Depression_AVEC2017.csv"
    header = train.read_text().splitlines()[0]
    train.write_text(
        f"{header}\n"
        "303,1,14,0,5,2,2,2,2,2,1,1\n"  # an item of 5
        "321,0,10,1,1,1,2,2,0,2,1,0\n"  # items add up to 9, total 10
    )
    table = read_labels(root, DAICWOZ_LABEL_FILES)
    assert "PHQ8_NoInterest: PHQ-8 item 5 outside 0..3" in table.problems["303"]
    (item_sum,) = [d for d in table.disagreements if d["kind"] == "item_sum"]
    assert item_sum["participant_id"] == "321" and item_sum["item_sum"] == 9.0
    assert table.rows["321"].phq_score == 10.0  # the total is kept


def test_a_bad_label_row_skips_only_its_participant(tmp_path):
    root = _corpus(tmp_path)
    train = root / "train_split_Depression_AVEC2017.csv"
    train.write_bytes(train.read_bytes().replace(b"303,1,14,", b"303,1,high,"))
    report = read_daicwoz(root, on_error="skip")
    assert [s.session_id for s in report.sessions] == ["402"]
    assert "column PHQ8_Score: expected a number, found 'high'" in report.skipped[0]["reason"]


def test_edaic_uses_the_same_skip_mechanism(tmp_path):
    for i, pid in enumerate((600, 601)):
        write_edaic_session(tmp_path, pid, seed=i)
    write_edaic_labels(tmp_path, [
        {"participant_id": 600, "split": "train", "phq_score": 4, "binary": 0, "gender": "m"},
        {"participant_id": 601, "split": "dev", "phq_score": 12, "binary": 1, "gender": "f"},
    ])  # fmt: skip
    transcript = tmp_path / "601_P" / "601_Transcript.csv"
    transcript.write_text(transcript.read_text() + "-3,-2,hello,0.9\n")
    report = read_edaic(tmp_path, on_error="skip")
    assert [s.session_id for s in report.sessions] == ["600"]
    assert "601_Transcript.csv, line" in report.skipped[0]["reason"]
    with pytest.raises(CorpusError, match=r"negative time"):
        read_edaic(tmp_path, on_error="raise")


def test_own_recordings_read_latin1_and_report_label_problems_per_session(tmp_path):
    for sid in ("s01", "s03"):
        shutil.copytree(RAW / sid, tmp_path / sid)
    transcript = tmp_path / "s01" / "transcript.csv"
    transcript.write_bytes(transcript.read_text().replace("thanks", "café").encode("latin-1"))
    assert "café" in " ".join(read_transcript(transcript)["text"])
    (tmp_path / "labels.csv").write_text(
        "session_id,phq_score,split\ns01,3,train\ns03,9,dev\ns01,20,train\n"
    )
    labels, problems = read_label_table(tmp_path / "labels.csv", strict=False)
    assert set(labels) == {"s03"} and "s01 appears twice" in problems["s01"]
    summary = scan_recordings(tmp_path)
    assert [s["session_id"] for s in summary["sessions"]] == ["s03"]
    assert summary["skipped"][0]["session_id"] == "s01"
    with pytest.raises(CorpusError, match=r"labels.csv, line 4: session s01 appears twice"):
        scan_recordings(tmp_path, strict=True)


def test_frame_pool_fed_in_blocks_equals_pooling_at_once():
    rng = np.random.default_rng(0)
    times = np.sort(rng.uniform(0, 100, 5000))
    values = rng.normal(size=(5000, 3))
    values[rng.random(values.shape) < 0.1] = np.nan
    valid = rng.random(5000) > 0.2
    spans = np.array([[1.0, 9.5], [20.0, 20.01], [50.0, 99.0], [200.0, 300.0]])
    want = pool_frames(times, values, valid, spans)
    pool = FramePool(spans, 3)
    order = rng.permutation(5000)  # blocks in any order
    for part in np.array_split(order, 7):
        pool.add(times[part], values[part], valid[part])
    got = pool.result()
    np.testing.assert_allclose(got[0], want[0], rtol=1e-6)
    np.testing.assert_array_equal(got[1], want[1])
