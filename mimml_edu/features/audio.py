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

Long recordings: everything is computed in bounded blocks
(:mod:`mimml_edu.features.audio_blocks`). The file is decoded and resampled block by block,
and :func:`extract_turns` keeps the resampled waveform in a temporary file and pools the
turns block by block, so its memory does not grow with the recording's length. The frame
table equals the whole-file computation's (to float32 rounding across blocks), and both
:func:`pool_turns` and the streamed pooling sum in float64, so they agree to float32
rounding (checked in ``tests/test_robust_media.py``; ``bench/audio_memory.py`` measures
the memory). Only a regular file is opened: a FIFO, a
device or a directory is refused with a :class:`~mimml_edu.errors.MediaError`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from mimml_edu.errors import MediaError, MediaNotFoundError

#: Bumped whenever the numbers this module produces change; part of the cache key.
#: (Not bumped for the switch from librosa.pyin to features.pitch.pyin: same numbers;
#: 2: turn statistics pooled block by block in float64.)
EXTRACTOR_VERSION = "2"
#: Samples decoded at once.
READ_BLOCK = 1 << 20
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
        path: a regular file soundfile can read (wav, flac, ogg, ...).
        sample_rate: target rate; other rates are resampled.
    Returns:
        ``(n_samples,)`` float32 waveform.
    Raises:
        MediaNotFoundError: no such file (a ``FileNotFoundError``).
        MediaError: not a regular file, not readable audio, empty, or holding NaN/inf.
    """
    parts: list[np.ndarray] = []
    decode(path, sample_rate, parts.append)
    return np.ascontiguousarray(np.concatenate(parts) if parts else np.zeros(0, np.float32))


def decode(path: str | Path, sample_rate: int, sink: Callable[[np.ndarray], None]) -> int:
    """Decode ``path`` block by block to mono float32 at ``sample_rate``, handing each
    block to ``sink``; returns the number of samples (the memory is one block's).

    Raises:
        MediaNotFoundError, MediaError: as :func:`load_audio`.
    """
    import soundfile as sf

    from mimml_edu.data.source import require_regular_file

    path = require_regular_file(
        path, what="audio file", error=MediaError, not_found=MediaNotFoundError
    )
    try:
        f = sf.SoundFile(str(path))
    except Exception as err:  # soundfile raises LibsndfileError, RuntimeError, ...
        raise MediaError(f"not readable as audio ({_cut(err)})", path=path) from None
    with f:
        rate, total = f.samplerate, 0
        n_out = int(np.ceil(f.frames * sample_rate / rate)) if f.frames > 0 else None
        stream = None
        if rate != sample_rate:
            import soxr

            stream = soxr.ResampleStream(rate, sample_rate, 1, dtype="float32", quality="HQ")
        while True:
            try:
                block = f.read(READ_BLOCK, dtype="float32", always_2d=True)
            except Exception as err:
                raise MediaError(f"not readable as audio ({_cut(err)})", path=path) from None
            last = len(block) < READ_BLOCK
            y = block.mean(axis=1) if len(block) else np.zeros(0, np.float32)
            if not np.isfinite(y).all():
                raise MediaError("the audio holds NaN or inf samples", path=path)
            if stream is not None:
                y = stream.resample_chunk(y, last=last)
            if n_out is not None:
                y = y[: max(0, n_out - total)]  # librosa's length: ceil(n * ratio)
            if len(y):
                sink(np.ascontiguousarray(y, dtype=np.float32))
                total += len(y)
            if last:
                break
    if total == 0:
        raise MediaError("the audio file holds no samples", path=path)
    if n_out is not None and total < n_out:
        sink(np.zeros(n_out - total, np.float32))
        total = n_out
    return total


def _cut(err: BaseException) -> str:
    return " ".join(str(err).split())[:160]


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
    from mimml_edu.features.audio_blocks import ArraySamples, frame_blocks, n_frames

    y = np.asarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError(f"expected a mono waveform (n_samples,), got shape {y.shape}")
    _check_length(len(y), config)
    total = n_frames(len(y), config.hop_length)
    names = frame_feature_names(config)
    features = np.empty((total, len(names)), dtype=np.float32)
    times = np.empty(total)
    voiced = np.empty(total, dtype=bool)
    for block in frame_blocks(ArraySamples(y), config, pitch_segments):
        features[block.a : block.b] = block.features
        times[block.a : block.b] = block.times
        voiced[block.a : block.b] = block.voiced
    return AudioFrames(
        features=features,
        names=names,
        times=times,
        voiced=voiced,
        sample_rate=config.sample_rate,
        duration=len(y) / config.sample_rate,
    )


def _check_length(n: int, config: AudioConfig, where: str | None = None) -> None:
    if n < config.pitch_frame_length:
        raise MediaError(
            f"the recording is too short ({n} samples); at least "
            f"{config.pitch_frame_length} samples are needed",
            path=where,
        )


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
        x = frames.features[voiced].astype(np.float64)  # float32 sums lose small stds
        out[i, :d] = x.mean(axis=0)
        out[i, d : 2 * d] = x.std(axis=0)
        out[i, -1] = ratio[i]
        mask[i] = True
    return out, mask, ratio


def extract_turns(
    path: str | Path, turn_times: np.ndarray, config: AudioConfig = AudioConfig()
) -> dict[str, np.ndarray]:
    """Per-turn audio features of one recording (pyin only inside the turns), in bounded
    memory: the resampled waveform waits in a temporary file and the turns are pooled
    block by block (:mod:`mimml_edu.features.audio_blocks`).

    Args:
        path: the audio file.
        turn_times: ``(n_turns, 2)`` turn start and stop, seconds.
        config: extractor settings.
    Returns:
        ``features (n_turns, d)``, ``mask (n_turns,)``, ``voiced_ratio (n_turns,)`` and
        ``duration`` (seconds, 0-d).
    """
    from mimml_edu.features.audio_blocks import FileSamples, TurnPool, frame_blocks

    turn_times = np.asarray(turn_times, dtype=np.float64).reshape(-1, 2)
    samples = FileSamples()
    try:
        decode(path, config.sample_rate, samples.append)
        _check_length(samples.n, config, str(path))
        pool = TurnPool(turn_times, len(frame_feature_names(config)))
        for block in frame_blocks(samples, config, pitch_segments=turn_times):
            pool.add(block)
        n = samples.n
    finally:
        samples.close()
    features, mask, ratio = pool.result()
    return {
        "features": features,
        "mask": mask,
        "voiced_ratio": ratio,
        "duration": np.float64(n / config.sample_rate),
    }
