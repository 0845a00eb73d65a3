"""Media readers: bounded blocks that give the whole-file numbers, and only regular files
(a FIFO, a device or a directory is refused with a MediaError, never waited on)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from limited import LimitedWorker

from mimml_edu.data.recordings import participant_turns, read_transcript
from mimml_edu.features import audio, audio_blocks

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"
#: Streamed pooling sums in float64 what the whole-file pooling sums in float32.
RTOL, ATOL = 1e-5, 1e-4


@pytest.fixture(scope="module")
def s02():
    times, _ = participant_turns(read_transcript(RAW / "s02" / "transcript.csv"))
    return RAW / "s02" / "audio.wav", times


def test_streamed_turns_equal_the_whole_file_pooling(s02, monkeypatch, one_thread):
    path, times = s02
    whole = audio.pool_turns(
        audio.extract_frames(audio.load_audio(path), pitch_segments=times), times
    )
    monkeypatch.setattr(audio_blocks, "BLOCK_FRAMES", 700)  # 7 s blocks: 7 of them
    blocks = audio.extract_frames(audio.load_audio(path), pitch_segments=times)
    streamed = audio.extract_turns(path, times)
    np.testing.assert_array_equal(streamed["mask"], whole[1])
    np.testing.assert_allclose(streamed["features"], whole[0], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(streamed["voiced_ratio"], whole[2], rtol=1e-12)
    monkeypatch.undo()
    one = audio.extract_frames(audio.load_audio(path), pitch_segments=times)
    np.testing.assert_array_equal(blocks.voiced, one.voiced)
    np.testing.assert_allclose(blocks.features, one.features, rtol=RTOL, atol=ATOL)


def test_long_loud_stretches_are_pitch_tracked_in_pieces():
    flags = np.zeros(100, bool)
    flags[10:95] = True
    flags[40] = False
    assert audio_blocks.runs(flags, min_gap=2) == [(10, 95)]
    assert audio_blocks.runs(flags, min_gap=2, max_len=30) == [(10, 40), (40, 70), (70, 95)]
    assert audio_blocks.runs(flags, min_gap=1) == [(10, 40), (41, 95)]


@pytest.fixture(scope="module")
def worker():
    w = LimitedWorker(("robust_readers", "mimml_edu.features.audio", "mimml_edu.features.video",
                       "mimml_edu.features.cache"), memory_mb=768, timeout=30)  # fmt: skip
    yield w
    w.close()


@pytest.mark.parametrize("reader", ["audio_file", "video_file", "cache_hash"])
@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_special_media_files_are_refused_without_waiting(worker, tmp_path, reader, kind):
    path = tmp_path / "media.bin"
    {"fifo": os.mkfifo, "directory": os.mkdir,
     "device": lambda p: os.symlink("/dev/zero", p)}[kind](path)  # fmt: skip
    outcome = worker.call("robust_readers", reader, str(path))
    assert outcome.kind == "error" and outcome.error_type == "MediaError", str(outcome)
    assert "media.bin: is a" in outcome.message and "not a regular file" in outcome.message
