"""Speech features with librosa: frame-level descriptors, pooled per participant turn.

Frames are 25 ms windows every 10 ms at 16 kHz. Each frame gets

- ``logmel_00..39``: log-mel energies (dB), 40 bands up to 8 kHz;
- ``mfcc_00..12`` with first (``d_mfcc_*``) and second (``dd_mfcc_*``) deltas;
- ``f0_hz`` and ``voiced_prob`` from probabilistic YIN (pyin), and a voiced flag;
- ``rms_db``, ``spectral_centroid_hz``, ``spectral_bandwidth_hz``, ``spectral_rolloff_hz``,
  ``spectral_flatness``, ``zero_crossing_rate``.

pyin is by far the slowest step. It runs on its own, coarser grid (``pitch_hop_length``,
20 ms by default, semitone resolution 0.25) and each 10 ms frame takes the value of the
nearest pitch frame. It is :func:`mimml_edu.features.pitch.pyin`, a vectorised pYIN that
gives the same F0 track and voicing as ``librosa.pyin`` (checked in the tests), faster
(``bench/features.py`` measures both; results in ``bench/results/features.csv``).

A turn is pooled over its **voiced** frames (mean and standard deviation of every
column), plus the turn's voiced ratio. A turn with no voiced frame is masked, not faked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

#: Bumped whenever the numbers this module produces change; part of the cache key.
#: (Not bumped for the switch from librosa.pyin to features.pitch.pyin: same numbers.)
EXTRACTOR_VERSION = "1"
EXTRACTOR_NAME = "audio-librosa"


@dataclass(frozen=True)
class AudioConfig:
    """Settings of the audio extractor (all part of the cache key).

    Args:
        sample_rate: audio is resampled to this rate (Hz).
        n_fft: analysis window in samples (400 = 25 ms at 16 kHz).
        hop_length: frame step in samples (160 = 10 ms).
        n_mels: log-mel bands.
        n_mfcc: cepstral coefficients (deltas double and triple them).
        fmin_f0, fmax_f0: pitch search range in Hz (adult speech: 65-400).
        pitch_frame_length, pitch_hop_length: pyin window and step in samples.
        pitch_resolution: pyin pitch-bin width in semitones.
        silence_db: frames more than this many dB below the loudest frame, or below
            ``floor_db`` dBFS, are silence: never voiced, and pyin does not run on them.
        merge_gap: silent gaps shorter than this (s) do not split a pyin run.
    """

    sample_rate: int = 16000
    n_fft: int = 400
    hop_length: int = 160
    n_mels: int = 40
    n_mfcc: int = 13
    fmin_f0: float = 65.0
    fmax_f0: float = 400.0
    pitch_frame_length: int = 1024
    pitch_hop_length: int = 320
    pitch_resolution: float = 0.25
    silence_db: float = 45.0
    floor_db: float = -70.0
    merge_gap: float = 0.25

    def to_dict(self) -> dict:
        return asdict(self)

    def pyin_kwargs(self) -> dict:
        """The pitch settings as keyword arguments of ``pyin`` (ours or librosa's)."""
        return {
            "fmin": self.fmin_f0,
            "fmax": self.fmax_f0,
            "sr": self.sample_rate,
            "frame_length": self.pitch_frame_length,
            "hop_length": self.pitch_hop_length,
            "resolution": self.pitch_resolution,
        }


@dataclass
class AudioFrames:
    """Frame-level audio features of one recording.

    Attributes:
        features: ``(n_frames, d)`` float32, one row per 10 ms frame.
        names: the ``d`` column names.
        times: ``(n_frames,)`` frame centre times in seconds.
        voiced: ``(n_frames,)`` bool voiced flag.
        sample_rate: rate of the analysed signal.
        duration: length of the recording in seconds.
    """

    features: np.ndarray
    names: list[str]
    times: np.ndarray
    voiced: np.ndarray
    sample_rate: int
    duration: float

    def column(self, name: str) -> np.ndarray:
        """One named column, ``(n_frames,)``."""
        if name not in self.names:
            raise KeyError(f"no audio column {name!r}; columns are e.g. {self.names[:5]}...")
        return self.features[:, self.names.index(name)]


def frame_feature_names(config: AudioConfig = AudioConfig()) -> list[str]:
    """Names of the frame-level columns, in order."""
    names = [f"logmel_{i:02d}" for i in range(config.n_mels)]
    mfcc = [f"mfcc_{i:02d}" for i in range(config.n_mfcc)]
    names += mfcc + ["d_" + n for n in mfcc] + ["dd_" + n for n in mfcc]
    names += ["f0_hz", "voiced_prob", "rms_db", "spectral_centroid_hz"]
    names += ["spectral_bandwidth_hz", "spectral_rolloff_hz", "spectral_flatness"]
    names += ["zero_crossing_rate"]
    return names


def turn_feature_names(config: AudioConfig = AudioConfig()) -> list[str]:
    """Names of the pooled per-turn columns: mean and std of each frame column, voiced ratio."""
    frame = frame_feature_names(config)
    return [f"{n}_mean" for n in frame] + [f"{n}_std" for n in frame] + ["voiced_ratio"]


def load_audio(path: str | Path, *, sample_rate: int = 16000) -> np.ndarray:
    """Read an audio file as mono float32 at ``sample_rate``.

    Args:
        path: a file soundfile can read (wav, flac, ogg, ...).
        sample_rate: target rate; other rates are resampled.
    Returns:
        ``(n_samples,)`` float32 waveform.
    Raises:
        FileNotFoundError: no such file.
        ValueError: the file is not readable audio, is empty, or holds NaN/inf.
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: audio file not found")
    try:
        y, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as err:  # soundfile raises LibsndfileError, RuntimeError, ...
        raise ValueError(f"{path}: not readable as audio ({err})") from err
    if y.shape[0] == 0:
        raise ValueError(f"{path}: the audio file holds no samples")
    y = y.mean(axis=1)
    if not np.isfinite(y).all():
        raise ValueError(f"{path}: the audio holds NaN or inf samples")
    if sr != sample_rate:
        import librosa

        y = librosa.resample(y, orig_sr=sr, target_sr=sample_rate, res_type="soxr_hq")
    return np.ascontiguousarray(y, dtype=np.float32)


def extract_frames(
    y: np.ndarray,
    config: AudioConfig = AudioConfig(),
    *,
    pitch_segments: np.ndarray | None = None,
) -> AudioFrames:
    """Frame-level features of a waveform.

    Args:
        y: ``(n_samples,)`` mono waveform at ``config.sample_rate``.
        config: extractor settings.
        pitch_segments: optional ``(n, 2)`` start/stop times (s). pyin, the slow step,
            then runs only inside them (e.g. the participant's turns); elsewhere frames
            are unvoiced with F0 = 0. Silence (``silence_db`` below the loudest frame) is
            always skipped.
    Returns:
        :class:`AudioFrames` with ``features`` ``(n_frames, d)``,
        ``d = len(frame_feature_names(config))``.
    """
    import librosa

    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"expected a mono waveform (n_samples,), got shape {y.shape}")
    sr, hop, n_fft = config.sample_rate, config.hop_length, config.n_fft
    if len(y) < config.pitch_frame_length:
        raise ValueError(
            f"the recording is too short ({len(y)} samples); at least "
            f"{config.pitch_frame_length} samples are needed"
        )
    power = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop, center=True)) ** 2  # (F, T)
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=config.n_mels)  # (n_mels, T)
    logmel = librosa.power_to_db(mel, ref=1.0, top_db=None)
    mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=config.n_mfcc)  # (n_mfcc, T)
    width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2))
    d1 = librosa.feature.delta(mfcc, width=width, order=1)
    d2 = librosa.feature.delta(mfcc, width=width, order=2)
    magnitude = np.sqrt(power)
    rms = librosa.feature.rms(S=magnitude, frame_length=n_fft)[0]
    rms_db = librosa.amplitude_to_db(rms, ref=1.0, top_db=None)
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=sr)[0]
    bandwidth = librosa.feature.spectral_bandwidth(S=magnitude, sr=sr)[0]
    rolloff = librosa.feature.spectral_rolloff(S=magnitude, sr=sr)[0]
    flatness = librosa.feature.spectral_flatness(S=magnitude)[0]
    zcr = librosa.feature.zero_crossing_rate(y, frame_length=n_fft, hop_length=hop)[0]
    n_frames = power.shape[1]
    times = librosa.frames_to_time(np.arange(n_frames), sr=sr, hop_length=hop)  # (T,)

    loud = (rms_db >= rms_db.max() - config.silence_db) & (rms_db > config.floor_db)  # (T,)
    wanted = loud if pitch_segments is None else loud & _inside(times, pitch_segments)
    f0, voiced_flag, voiced_prob = _pitch(y, wanted, config)  # each (T,) on the 10 ms grid
    voiced = voiced_flag & wanted
    f0_frames = np.where(voiced, f0, 0.0)  # 0 Hz where unvoiced, never NaN

    columns = [logmel, mfcc, d1, d2]
    scalars = [f0_frames, voiced_prob, rms_db, centroid, bandwidth, rolloff, flatness, zcr]
    features = np.concatenate([*columns, np.stack(scalars)], axis=0).T.astype(np.float32)
    return AudioFrames(
        features=np.ascontiguousarray(features),
        names=frame_feature_names(config),
        times=times,
        voiced=voiced.astype(bool),
        sample_rate=sr,
        duration=len(y) / sr,
    )


def _inside(times: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """``(T,)`` True where a time lies inside any ``(n, 2)`` segment."""
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    out = np.zeros(len(times), dtype=bool)
    for start, stop in segments:
        out |= (times >= start) & (times < stop)
    return out


def _runs(flags: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Index ranges ``[a, b)`` of True runs, merging runs separated by < ``min_gap``."""
    idx = np.flatnonzero(flags)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > min_gap)
    starts = np.r_[idx[0], idx[breaks + 1]]
    stops = np.r_[idx[breaks], idx[-1]] + 1
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def _pitch(
    y: np.ndarray, wanted: np.ndarray, config: AudioConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pyin (:func:`mimml_edu.features.pitch.pyin`) on the wanted stretches, mapped onto
    the 10 ms frame grid.

    Returns:
        f0 (Hz, NaN where unvoiced), voiced flag, voiced probability; each ``(T,)``.
    """
    from mimml_edu.features.pitch import pyin

    n_frames, hop, p_hop = len(wanted), config.hop_length, config.pitch_hop_length
    kwargs = config.pyin_kwargs()
    f0 = np.full(n_frames, np.nan)
    flag = np.zeros(n_frames, dtype=bool)
    prob = np.zeros(n_frames)
    pad = config.pitch_frame_length  # context on both sides of a run, samples
    gap = round(config.merge_gap * config.sample_rate / hop)
    for a, b in _runs(wanted, gap):
        s0 = max(0, a * hop - pad)
        s1 = min(len(y), b * hop + pad)
        if s1 - s0 < config.pitch_frame_length:
            continue
        seg_f0, seg_flag, seg_prob = pyin(y[s0:s1], **kwargs)
        # nearest pitch frame (centred, step p_hop from s0) for each 10 ms frame a..b-1
        frames = np.arange(a, b)
        k = np.clip(np.rint((frames * hop - s0) / p_hop).astype(int), 0, len(seg_f0) - 1)
        f0[frames], flag[frames], prob[frames] = seg_f0[k], seg_flag[k], seg_prob[k]
    return f0, flag, prob


def pool_turns(
    frames: AudioFrames, turn_times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool frame features over the voiced frames of each turn.

    Args:
        frames: output of :func:`extract_frames`.
        turn_times: ``(n_turns, 2)`` start and stop of each turn in seconds.
    Returns:
        features ``(n_turns, 2 * d + 1)`` float32 (mean, std, voiced ratio; names from
        :func:`turn_feature_names`), mask ``(n_turns,)`` bool (False where the turn has
        no voiced frame or lies outside the recording), voiced ratio ``(n_turns,)``.
    """
    turn_times = np.asarray(turn_times, dtype=np.float64).reshape(-1, 2)
    d = frames.features.shape[1]
    out = np.zeros((len(turn_times), 2 * d + 1), dtype=np.float32)
    mask = np.zeros(len(turn_times), dtype=bool)
    ratio = np.zeros(len(turn_times), dtype=np.float64)
    for i, (start, stop) in enumerate(turn_times):
        inside = (frames.times >= start) & (frames.times < stop)
        if not inside.any():
            continue
        voiced = inside & frames.voiced
        ratio[i] = voiced.sum() / inside.sum()
        if not voiced.any():
            continue
        x = frames.features[voiced]
        out[i, :d] = x.mean(axis=0)
        out[i, d : 2 * d] = x.std(axis=0)
        out[i, -1] = ratio[i]
        mask[i] = True
    return out, mask, ratio


def extract_turns(
    path: str | Path, turn_times: np.ndarray, config: AudioConfig = AudioConfig()
) -> dict[str, np.ndarray]:
    """Per-turn audio features of one recording (pyin only inside the turns).

    Args:
        path: the audio file.
        turn_times: ``(n_turns, 2)`` turn start and stop, seconds.
        config: extractor settings.
    Returns:
        ``features (n_turns, d)``, ``mask (n_turns,)``, ``voiced_ratio (n_turns,)`` and
        ``duration`` (seconds, 0-d).
    """
    turn_times = np.asarray(turn_times, dtype=np.float64).reshape(-1, 2)
    y = load_audio(path, sample_rate=config.sample_rate)
    frames = extract_frames(y, config, pitch_segments=turn_times)
    features, mask, ratio = pool_turns(frames, turn_times)
    return {
        "features": features,
        "mask": mask,
        "voiced_ratio": ratio,
        "duration": np.float64(frames.duration),
    }
