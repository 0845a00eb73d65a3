"""The audio extractor's arithmetic in bounded blocks: memory does not grow with length.

:mod:`mimml_edu.features.audio` defines the features; this module computes them a block
of :data:`BLOCK_FRAMES` frames at a time, from a waveform in memory (:class:`ArraySamples`)
or in a temporary file (:class:`FileSamples`, what :func:`stream_turns` uses for a whole
recording). Every per-frame quantity is computed from exactly the samples the whole-file
computation uses (the STFT frame's 25 ms with zero padding at the ends, the zero-crossing
frame with edge padding, the deltas with :data:`DELTA_CONTEXT` frames of context on each
side), so the frame table equals the whole-file one. Two passes: the first finds the
loudest frame (the silence gate is relative to it) and runs pyin on the loud stretches
inside the turns (a stretch longer than :data:`MAX_PITCH_RUN_S` is tracked in pieces,
the one place where the result may differ from a whole-file run, near the piece
boundaries); the second computes the features and pools them into turns.

Memory: a block's working set, plus per frame a few bytes (loudness and pitch, 13 bytes per
10 ms) and, with :class:`ArraySamples`, the waveform itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

#: Frames computed at once (60 s of 10 ms frames).
BLOCK_FRAMES = 6000
#: Frames of context on each side of a block for the deltas (savgol width 9).
DELTA_CONTEXT = 8
#: A loud stretch longer than this (seconds) is pitch-tracked in pieces.
MAX_PITCH_RUN_S = 300.0


class ArraySamples:
    """A waveform in memory, read by sample ranges."""

    def __init__(self, y: np.ndarray):
        self.y = y
        self.n = len(y)

    def read(self, a: int, b: int) -> np.ndarray:
        return self.y[a:b]

    def close(self) -> None:
        pass


class FileSamples:
    """A float32 waveform in an anonymous temporary file, read by sample ranges."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self.n = 0

    def append(self, y: np.ndarray) -> None:
        self._file.seek(0, 2)
        self._file.write(np.ascontiguousarray(y, dtype=np.float32).tobytes())
        self.n += len(y)

    def read(self, a: int, b: int) -> np.ndarray:
        a, b = max(0, a), min(self.n, b)
        self._file.seek(4 * a)
        return np.frombuffer(self._file.read(4 * (b - a)), dtype=np.float32)

    def close(self) -> None:
        self._file.close()


def n_frames(n_samples: int, hop: int) -> int:
    """Frames of a centred STFT: ``1 + n_samples // hop``."""
    return 1 + n_samples // hop


def _window(samples, start: int, stop: int, *, edge: bool) -> np.ndarray:
    """Samples ``[start, stop)`` with zeros (or, with ``edge``, the end samples) outside."""
    a, b = max(0, start), min(samples.n, stop)
    inside = samples.read(a, b).astype(np.float32, copy=False)
    before, after = a - start, stop - b
    if not before and not after:
        return inside
    if edge:
        first = inside[:1] if len(inside) else np.zeros(1, np.float32)
        last = inside[-1:] if len(inside) else np.zeros(1, np.float32)
        return np.concatenate([np.repeat(first, before), inside, np.repeat(last, after)])
    return np.concatenate([np.zeros(before, np.float32), inside, np.zeros(after, np.float32)])


def spectral(samples, a: int, b: int, config) -> dict[str, np.ndarray]:
    """Frame-local features of frames ``[a, b)``: logmel ``(n_mels, k)``, mfcc, rms_db,
    spectral centroid, bandwidth, rolloff, flatness, zero-crossing rate."""
    import librosa

    sr, hop, n_fft = config.sample_rate, config.hop_length, config.n_fft
    half = n_fft // 2
    seg = _window(samples, a * hop - half, (b - 1) * hop + half + (n_fft % 2), edge=False)
    power = np.abs(librosa.stft(seg, n_fft=n_fft, hop_length=hop, center=False)) ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=config.n_mels)
    logmel = librosa.power_to_db(mel, ref=1.0, top_db=None)
    magnitude = np.sqrt(power)
    rms = librosa.feature.rms(S=magnitude, frame_length=n_fft)[0]
    zseg = _window(samples, a * hop - half, (b - 1) * hop + half + (n_fft % 2), edge=True)
    return {
        "logmel": logmel,
        "mfcc": librosa.feature.mfcc(S=logmel, n_mfcc=config.n_mfcc),
        "rms_db": librosa.amplitude_to_db(rms, ref=1.0, top_db=None),
        "centroid": librosa.feature.spectral_centroid(S=magnitude, sr=sr)[0],
        "bandwidth": librosa.feature.spectral_bandwidth(S=magnitude, sr=sr)[0],
        "rolloff": librosa.feature.spectral_rolloff(S=magnitude, sr=sr)[0],
        "flatness": librosa.feature.spectral_flatness(S=magnitude)[0],
        "zcr": librosa.feature.zero_crossing_rate(
            zseg, frame_length=n_fft, hop_length=hop, center=False
        )[0],
    }


def loudness(samples, total: int, config) -> np.ndarray:
    """``(total,)`` rms in dB of every frame (pass one: the STFT and the rms only)."""
    import librosa

    hop, n_fft, half = config.hop_length, config.n_fft, config.n_fft // 2
    out = np.empty(total, dtype=np.float32)
    for a in range(0, total, BLOCK_FRAMES):
        b = min(total, a + BLOCK_FRAMES)
        seg = _window(samples, a * hop - half, (b - 1) * hop + half + (n_fft % 2), edge=False)
        magnitude = np.abs(librosa.stft(seg, n_fft=n_fft, hop_length=hop, center=False))
        rms = librosa.feature.rms(S=magnitude, frame_length=n_fft)[0]
        out[a:b] = librosa.amplitude_to_db(rms, ref=1.0, top_db=None)
    return out


def inside(times: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """``(T,)`` True where a time lies inside any ``(n, 2)`` segment."""
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    out = np.zeros(len(times), dtype=bool)
    for start, stop in segments:
        out |= (times >= start) & (times < stop)
    return out


def runs(flags: np.ndarray, min_gap: int, max_len: int | None = None) -> list[tuple[int, int]]:
    """Index ranges ``[a, b)`` of True runs, merging runs separated by < ``min_gap``; a run
    longer than ``max_len`` is cut into pieces of at most ``max_len``."""
    idx = np.flatnonzero(flags)
    if len(idx) == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > min_gap)
    starts = np.r_[idx[0], idx[breaks + 1]]
    stops = np.r_[idx[breaks], idx[-1]] + 1
    out = []
    for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
        step = max_len or (b - a)
        out += [(s, min(b, s + step)) for s in range(a, b, step)]
    return out


def pitch(samples, wanted: np.ndarray, config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """pyin (:func:`mimml_edu.features.pitch.pyin`) on the wanted stretches, mapped onto
    the 10 ms frame grid.

    Returns:
        f0 (Hz, NaN where unvoiced), voiced flag, voiced probability; each ``(T,)``.
    """
    from mimml_edu.features.pitch import pyin

    total, hop, p_hop = len(wanted), config.hop_length, config.pitch_hop_length
    kwargs = config.pyin_kwargs()
    f0 = np.full(total, np.nan)
    flag = np.zeros(total, dtype=bool)
    prob = np.zeros(total)
    pad = config.pitch_frame_length  # context on both sides of a run, samples
    gap = round(config.merge_gap * config.sample_rate / hop)
    longest = round(MAX_PITCH_RUN_S * config.sample_rate / hop)
    for a, b in runs(wanted, gap, longest):
        s0 = max(0, a * hop - pad)
        s1 = min(samples.n, b * hop + pad)
        if s1 - s0 < config.pitch_frame_length:
            continue
        seg_f0, seg_flag, seg_prob = pyin(samples.read(s0, s1), **kwargs)
        # nearest pitch frame (centred, step p_hop from s0) for each 10 ms frame a..b-1
        frames = np.arange(a, b)
        k = np.clip(np.rint((frames * hop - s0) / p_hop).astype(int), 0, len(seg_f0) - 1)
        f0[frames], flag[frames], prob[frames] = seg_f0[k], seg_flag[k], seg_prob[k]
    return f0, flag, prob


@dataclass
class Block:
    """Frames ``[a, b)``: their ``features (k, d)`` float32, ``times (k,)``, ``voiced (k,)``."""

    a: int
    b: int
    features: np.ndarray
    times: np.ndarray
    voiced: np.ndarray


def frame_blocks(samples, config, pitch_segments: np.ndarray | None = None) -> Iterator[Block]:
    """Every frame's features, block by block (both passes; see the module docstring)."""
    import librosa

    sr, hop = config.sample_rate, config.hop_length
    total = n_frames(samples.n, hop)
    times = librosa.frames_to_time(np.arange(total), sr=sr, hop_length=hop)
    rms_db = loudness(samples, total, config)
    loud = (rms_db >= rms_db.max() - config.silence_db) & (rms_db > config.floor_db)
    wanted = loud if pitch_segments is None else loud & inside(times, pitch_segments)
    f0, flag, prob = pitch(samples, wanted, config)
    voiced = flag & wanted
    f0 = np.where(voiced, f0, 0.0)  # 0 Hz where unvoiced, never NaN
    width = min(9, total - (1 - total % 2))
    for a in range(0, total, BLOCK_FRAMES):
        b = min(total, a + BLOCK_FRAMES)
        a0, b0 = max(0, a - DELTA_CONTEXT), min(total, b + DELTA_CONTEXT)
        s = spectral(samples, a0, b0, config)
        d1 = librosa.feature.delta(s["mfcc"], width=width, order=1)
        d2 = librosa.feature.delta(s["mfcc"], width=width, order=2)
        keep = slice(a - a0, b - a0)
        columns = [s["logmel"], s["mfcc"], d1, d2]
        scalars = [f0[a:b], prob[a:b], s["rms_db"][keep], s["centroid"][keep],
                   s["bandwidth"][keep], s["rolloff"][keep], s["flatness"][keep],
                   s["zcr"][keep]]  # fmt: skip
        cols = np.concatenate([c[:, keep] for c in columns] + [np.stack(scalars)], axis=0)
        yield Block(a, b, np.ascontiguousarray(cols.T, dtype=np.float32), times[a:b], voiced[a:b])


class TurnPool:
    """Mean and standard deviation of each turn's voiced frames, merged block by block
    (Chan's parallel formula in float64), and each turn's voiced ratio.

    Args:
        turn_times: ``(n_turns, 2)`` start and stop, seconds (stop exclusive).
        width: frame feature columns.
    """

    def __init__(self, turn_times: np.ndarray, width: int):
        self.turns = np.asarray(turn_times, dtype=np.float64).reshape(-1, 2)
        n = len(self.turns)
        self.count = np.zeros(n)
        self.inside = np.zeros(n)
        self.mean = np.zeros((n, width))
        self.m2 = np.zeros((n, width))

    def add(self, block: Block) -> None:
        if not len(block.times):
            return
        lo, hi = block.times[0], block.times[-1]
        for i in np.flatnonzero((self.turns[:, 0] <= hi) & (self.turns[:, 1] > lo)):
            start, stop = self.turns[i]
            sel = (block.times >= start) & (block.times < stop)
            self.inside[i] += sel.sum()
            x = block.features[sel & block.voiced].astype(np.float64)
            if not len(x):
                continue
            n_a, n_b = self.count[i], len(x)
            mean_b = x.mean(axis=0)
            m2_b = ((x - mean_b) ** 2).sum(axis=0)
            delta = mean_b - self.mean[i]
            total = n_a + n_b
            self.mean[i] += delta * n_b / total
            self.m2[i] += m2_b + delta**2 * n_a * n_b / total
            self.count[i] = total

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """features ``(n_turns, 2 d + 1)`` float32 (mean, std, voiced ratio), mask, ratio."""
        n, d = self.mean.shape
        out = np.zeros((n, 2 * d + 1), dtype=np.float32)
        ratio = np.divide(self.count, self.inside, out=np.zeros(n), where=self.inside > 0)
        mask = self.count > 0
        out[mask, :d] = self.mean[mask]
        out[mask, d : 2 * d] = np.sqrt(self.m2[mask] / self.count[mask, None])
        out[mask, -1] = ratio[mask]
        return out, mask, ratio
