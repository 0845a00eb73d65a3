"""The vectorised pYIN (features.pitch) against librosa.pyin and against a known F0."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import pytest

from mimml_edu.features import audio, pitch

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"
KW = audio.AudioConfig().pyin_kwargs()


def glide(seconds: float = 3.0, sr: int = 16000) -> tuple[np.ndarray, np.ndarray]:
    """A 5-harmonic tone gliding from 100 to 283 Hz (1.5 octaves), 0.5 s silence before.

    Returns:
        waveform ``(n,)`` float32 and the true F0 ``(n,)`` in Hz (0 in the silence).
    """
    t = np.arange(int(seconds * sr)) / sr
    f0 = np.where(t < 0.5, 0.0, 100.0 * 2 ** (1.5 * (t - 0.5) / (seconds - 0.5)))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(0.3 / h * np.sin(h * phase) for h in range(1, 6)) * (f0 > 0)
    return y.astype(np.float32), f0


def agreement(reference, candidate) -> tuple[float, float]:
    """Voicing agreement and median |F0 difference| in cents on frames voiced in both."""
    (f_ref, v_ref, _), (f_new, v_new, _) = reference, candidate
    both = v_ref & v_new
    cents = 1200 * np.abs(np.log2(f_new[both] / f_ref[both]))
    return float((v_ref == v_new).mean()), float(np.median(cents)) if both.any() else 0.0


@pytest.mark.parametrize("session", ["s01", "s02", "s03"])
def test_same_track_as_librosa_pyin_on_samples(session):
    y = audio.load_audio(RAW / session / "audio.wav")
    reference = librosa.pyin(y, **KW)
    ours = pitch.pyin(y, **KW)
    voicing, cents = agreement(reference, ours)
    assert voicing == 1.0 and cents == 0.0
    np.testing.assert_array_equal(ours[0], reference[0])  # NaN where unvoiced in both
    np.testing.assert_allclose(ours[2], reference[2], rtol=0, atol=1e-12)
    assert 0.2 < ours[1].mean() < 0.9  # speech: neither all voiced nor all silent


def test_same_track_as_librosa_on_noise_and_clicks():
    rng = np.random.default_rng(0)
    y = 0.05 * rng.standard_normal(16000 * 2)
    y[::1600] += 0.9  # a 10 Hz click train: troughs everywhere, unvoiced mostly
    y = y.astype(np.float32)
    reference, ours = librosa.pyin(y, **KW), pitch.pyin(y, **KW)
    np.testing.assert_array_equal(ours[0], reference[0])
    np.testing.assert_array_equal(ours[1], reference[1])
    np.testing.assert_allclose(ours[2], reference[2], rtol=0, atol=1e-12)


def test_glide_f0_is_tracked_within_a_quarter_tone():
    y, truth = glide()
    f0, voiced, prob = pitch.pyin(y, **KW)
    centre = np.arange(len(f0)) * KW["hop_length"]  # frame centres, samples
    true_f0 = truth[np.minimum(centre, len(truth) - 1)]
    tone = true_f0 > 0
    tone[: int(0.6 * 16000 / KW["hop_length"])] = False  # onset of the tone
    assert not voiced[: int(0.45 * 16000 / KW["hop_length"])].any(), "silence voiced"
    assert voiced[tone].mean() > 0.95
    cents = 1200 * np.abs(np.log2(f0[tone & voiced] / true_f0[tone & voiced]))
    assert np.median(cents) < 15 and np.percentile(cents, 95) < 50
    assert (prob[tone] > 0.5).mean() > 0.9


def test_extractor_f0_column_follows_the_glide():
    y, truth = glide()
    frames = audio.extract_frames(y)
    f0 = frames.column("f0_hz")
    true_f0 = truth[np.minimum((frames.times * 16000).astype(int), len(truth) - 1)]
    tone = (frames.times > 0.6) & (frames.times < 2.9)
    assert frames.voiced[tone].mean() > 0.95
    cents = 1200 * np.abs(np.log2(f0[tone & frames.voiced] / true_f0[tone & frames.voiced]))
    assert np.median(cents) < 15 and np.percentile(cents, 95) < 50


def test_banded_viterbi_equals_librosa_viterbi():
    rng = np.random.default_rng(1)
    n = 30
    local = librosa.sequence.transition_local(n, 7, window="triangle", wrap=False)
    switch = librosa.sequence.transition_loop(2, 0.99)
    full = np.kron(switch, local)
    cases = []
    for _ in range(4):
        obs = rng.random((2 * n, 200)) ** 8  # peaky likelihoods
        obs[:n, rng.random(200) < 0.3] = 0.0  # frames with no voiced candidate at all
        cases.append(obs)
    # certain pitch (voiced probability 1, so every unvoiced state is impossible) that
    # leaps from bin 2 to bin 25, far outside the band: only librosa's log(tiny)
    # out-of-band transition gets there
    leap = np.zeros((2 * n, 20))
    leap[2, :10] = leap[25, 10:] = 1.0
    cases.append(leap)
    for obs in cases:
        obs[n:] = (1 - obs[:n].sum(0).clip(0, 1)) / n
        expected = librosa.sequence.viterbi(obs, full, p_init=np.ones(2 * n) / (2 * n))
        np.testing.assert_array_equal(pitch.viterbi_banded(obs, local, switch), expected)
    assert expected[9] == 2 and expected[10] == 25


def test_bad_pitch_settings_are_named():
    y = np.zeros(4000, np.float32)
    with pytest.raises(ValueError, match="fmax"):
        pitch.pyin(y, **{**KW, "fmax": 9000.0})
    with pytest.raises(ValueError, match="shorter than one period"):
        pitch.pyin(y, **{**KW, "fmin": 15.0})
    bad = y.copy()
    bad[10] = np.nan
    with pytest.raises(ValueError, match="finite"):
        pitch.pyin(bad, **KW)
