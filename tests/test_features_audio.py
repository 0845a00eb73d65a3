"""Audio features (librosa) on a known tone and on the shipped raw samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mimml_edu.data.recordings import participant_turns, read_transcript
from mimml_edu.features import audio

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"


@pytest.fixture(scope="module")
def s01():
    frames = audio.extract_frames(audio.load_audio(RAW / "s01" / "audio.wav"))
    return frames, read_transcript(RAW / "s01" / "transcript.csv")


def test_tone_pitch_is_recovered():
    sr = 16000
    t = np.arange(2 * sr) / sr
    y = 0.3 * np.sin(2 * np.pi * 220.0 * t) * (t > 0.5)  # 0.5 s silence, then 220 Hz
    frames = audio.extract_frames(y.astype(np.float32))
    f0 = frames.column("f0_hz")
    assert frames.features.shape[1] == len(audio.frame_feature_names())
    assert np.isfinite(frames.features).all()
    assert not frames.voiced[frames.times < 0.45].any(), "silence must not be voiced"
    tone = frames.voiced & (frames.times > 0.7) & (frames.times < 1.9)
    assert tone.mean() > 0.5
    assert np.allclose(f0[tone], 220.0, rtol=0.02)


def test_sample_widths_names_finite(s01):
    frames, _ = s01
    names = audio.frame_feature_names()
    assert frames.features.shape == (len(frames.times), 87) == (len(frames.times), len(names))
    assert len(set(names)) == len(names)
    assert np.isfinite(frames.features).all()
    assert 0.2 < frames.voiced.mean() < 0.9
    assert abs(frames.duration - 25.0) < 1.0


def test_interviewer_voice_is_higher_than_participant(s01):
    frames, transcript = s01
    f0 = frames.column("f0_hz")
    means = {}
    for speaker in ("Interviewer", "Participant"):
        times, _ = participant_turns(transcript, participant=speaker)
        x, mask, ratio = audio.pool_turns(frames, times)
        assert mask.all() and (ratio > 0.2).all()
        means[speaker] = x[:, audio.turn_feature_names().index("f0_hz_mean")].mean()
    assert means["Interviewer"] > 1.5 * means["Participant"]  # espeak pitch 60 vs 55, f3 voice
    assert 70 < means["Participant"] < 160
    assert f0[~frames.voiced].max() == 0.0


def test_turns_pool_only_voiced_frames_and_mask_silent_turns():
    transcript = read_transcript(RAW / "s02" / "transcript.csv")
    times, texts = participant_turns(transcript)
    out = audio.extract_turns(RAW / "s02" / "audio.wav", times)
    names = audio.turn_feature_names()
    assert out["features"].shape == (4, len(names)) == (4, 175)
    silent = texts.index("")
    assert not out["mask"][silent] and out["voiced_ratio"][silent] == 0.0
    assert (out["features"][silent] == 0).all()
    assert out["mask"].sum() == 3
    assert np.isfinite(out["features"]).all()
    ratio_col = out["features"][:, names.index("voiced_ratio")]
    assert np.allclose(ratio_col[out["mask"]], out["voiced_ratio"][out["mask"]])


def test_bad_audio_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nowhere\.wav"):
        audio.load_audio(tmp_path / "nowhere.wav")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x00\x00garbage" * 20)
    with pytest.raises(ValueError, match=r"corrupt\.wav: not readable as audio"):
        audio.load_audio(corrupt)
    empty = tmp_path / "empty.wav"
    sf.write(str(empty), np.zeros(0, np.float32), 16000)
    with pytest.raises(ValueError, match="no samples"):
        audio.load_audio(empty)
    with pytest.raises(ValueError, match="too short"):
        audio.extract_frames(np.zeros(100, np.float32))


def test_resampling_and_stereo(tmp_path):
    t = np.arange(44100) / 44100
    y = 0.2 * np.sin(2 * np.pi * 150 * t)
    sf.write(str(tmp_path / "st.wav"), np.stack([y, y], axis=1), 44100)
    loaded = audio.load_audio(tmp_path / "st.wav")
    assert loaded.dtype == np.float32 and abs(len(loaded) - 16000) <= 1
