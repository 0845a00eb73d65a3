"""Probabilistic YIN (pYIN) F0 tracking, vectorised: the same numbers as ``librosa.pyin``.

pYIN (Mauch & Dixon, 2014) has three steps, and this module keeps librosa's exact
arithmetic for each, only organised for speed:

1. **Difference function** (YIN's cumulative mean normalised difference, one column per
   frame): computed in blocks of frames so a long recording never holds all frames'
   FFTs at once.
2. **Candidates**: every trough of a frame's difference function is an F0 candidate. For
   each of 100 thresholds (with a Beta(2, 18) prior over them) the troughs below it share
   the probability with a Boltzmann prior favouring short periods. librosa loops over
   frames in Python and calls ``scipy.stats.boltzmann.pmf`` once per frame, which was
   two thirds of the audio extractor's time. Here the (trough, threshold) pairs of a
   block of frames with the trough below the threshold (about a tenth of all pairs:
   most troughs are shallow) are scored at once with the same formula.
3. **Viterbi** over ``2 * n_bins`` states (voiced/unvoiced x pitch bin). The transition
   matrix is librosa's, ``kron(switch, local)``, where ``local`` lets the pitch move at
   most ``max_transition_rate`` octaves per second: a band. librosa's Viterbi scans all
   ``(2 n)^2`` transitions each frame; :func:`viterbi_banded` scans only the band and
   adds the one out-of-band candidate (the best previous state, with librosa's
   ``log(tiny)`` transition), so it returns the same path.

``tests/test_features_audio_pitch.py`` checks :func:`pyin` against ``librosa.pyin``.
"""

from __future__ import annotations

import functools

import numpy as np

#: pYIN's fixed priors, as in librosa.pyin's defaults.
N_THRESHOLDS = 100
BETA_PARAMETERS = (2.0, 18.0)
BOLTZMANN_PARAMETER = 2.0
MAX_TRANSITION_RATE = 35.92  # octaves per second
SWITCH_PROB = 0.01
NO_TROUGH_PROB = 0.01
BLOCK_FRAMES = 1024  # frames per block of the difference function and candidate steps


def pyin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: int,
    frame_length: int,
    hop_length: int,
    resolution: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F0 of a mono signal, frames centred every ``hop_length`` samples.

    Args:
        y: ``(n_samples,)`` waveform.
        fmin, fmax: F0 search range in Hz.
        sr: sample rate of ``y``.
        frame_length: analysis window in samples (at least ``sr / fmin + 1``).
        hop_length: step between frames in samples.
        resolution: pitch-bin width in semitones.
    Returns:
        ``f0`` (Hz, NaN where unvoiced), ``voiced_flag`` (bool), ``voiced_prob``; each
        ``(n_frames,)`` with ``n_frames = 1 + len(y) // hop_length``.
    Raises:
        ValueError: the range or window cannot work (fmax above Nyquist, fmin >= fmax,
            or the window shorter than one period of ``fmin``), or ``y`` is not finite.
    """
    import librosa

    y = np.asarray(y)
    if y.ndim != 1 or not np.isfinite(y).all():
        raise ValueError(f"pyin needs a finite mono waveform, got shape {y.shape}")
    if not 0 < fmin < fmax <= sr / 2:
        raise ValueError(f"pyin needs 0 < fmin < fmax <= sr/2, got {fmin}, {fmax}, sr={sr}")
    if sr / fmin >= frame_length - 1:
        raise ValueError(
            f"frame_length={frame_length} is shorter than one period of fmin={fmin} Hz "
            f"at {sr} Hz; use at least {int(np.ceil(sr / fmin)) + 2} samples"
        )
    y = np.pad(y, frame_length // 2)  # centred frames, zero padding (librosa's default)
    frames = librosa.util.frame(y, frame_length=frame_length, hop_length=hop_length)  # (L, T)
    min_period = int(np.floor(sr / fmax))
    max_period = min(int(np.ceil(sr / fmin)), frame_length - 1)

    thresholds, beta_probs = _threshold_prior()
    n_bins_per_semitone = int(np.ceil(1.0 / resolution))
    n_bins = int(np.floor(12 * n_bins_per_semitone * np.log2(fmax / fmin))) + 1

    n_frames = frames.shape[1]
    observation = np.zeros((2 * n_bins, n_frames))  # (2 n_bins, T)
    for a in range(0, n_frames, BLOCK_FRAMES):
        b = min(n_frames, a + BLOCK_FRAMES)
        yin = difference_function(frames[:, a:b], min_period, max_period)  # (P, t)
        probs = trough_probabilities(yin, thresholds, beta_probs)  # (P, t)
        shifts = parabolic_shifts(yin)  # (P, t)
        observation[:, a:b] = _observation(
            probs, shifts, sr, min_period, fmin, n_bins, n_bins_per_semitone
        )
    voiced_prob = np.clip(observation[:n_bins].sum(axis=0), 0, 1)  # (T,)

    step = round(MAX_TRANSITION_RATE * 12 * hop_length / sr)  # semitones per frame
    local = _local_transition(n_bins, step * n_bins_per_semitone + 1)  # (n_bins, n_bins)
    switch = librosa.sequence.transition_loop(2, 1 - SWITCH_PROB)  # (2, 2)
    states = viterbi_banded(observation, local, switch)  # (T,)
    freqs = fmin * 2 ** (np.arange(n_bins) / (12 * n_bins_per_semitone))
    f0 = freqs[states % n_bins]
    voiced_flag = states < n_bins
    f0[~voiced_flag] = np.nan
    return f0, voiced_flag, voiced_prob


@functools.lru_cache(maxsize=1)
def _threshold_prior() -> tuple[np.ndarray, np.ndarray]:
    """Thresholds ``(n + 1,)`` and their Beta prior mass ``(n,)``."""
    import scipy.stats

    thresholds = np.linspace(0, 1, N_THRESHOLDS + 1)
    beta_probs = np.diff(scipy.stats.beta.cdf(thresholds, *BETA_PARAMETERS))
    thresholds.setflags(write=False)  # shared by every call
    beta_probs.setflags(write=False)
    return thresholds, beta_probs


@functools.lru_cache(maxsize=8)
def _local_transition(n_bins: int, width: int) -> np.ndarray:
    """librosa's triangular pitch-transition band, ``(n_bins, n_bins)`` (built once)."""
    import librosa

    local = librosa.sequence.transition_local(n_bins, width, window="triangle", wrap=False)
    local.setflags(write=False)  # shared by every call
    return local


def difference_function(frames: np.ndarray, min_period: int, max_period: int) -> np.ndarray:
    """YIN's cumulative mean normalised difference function of each frame.

    Args:
        frames: ``(frame_length, T)`` framed signal.
        min_period, max_period: lag range in samples.
    Returns:
        ``(max_period - min_period + 1, T)``; row ``p`` is lag ``min_period + p``. Low
        values mean the frame repeats itself after that lag.
    """
    import librosa

    acf = librosa.autocorrelate(frames, max_size=max_period + 1, axis=-2)  # (max_period+1, T)
    energy = np.cumsum(np.square(frames), axis=-2)  # running energy, (L, T)
    diff = np.empty_like(energy[: max_period + 1])
    diff[0] = 0
    # d(k) = 2 (ACF(0) - ACF(k)) - sum_{m<k} y(m)^2
    diff[1:] = 2 * (acf[0:1] - acf[1 : max_period + 1]) - energy[:max_period]
    lags = np.arange(1, max_period + 1)[:, None]
    cumulative_mean = np.cumsum(diff[1:], axis=-2) / lags  # (max_period, T)
    denominator = cumulative_mean[min_period - 1 : max_period]
    return diff[min_period : max_period + 1] / (denominator + np.finfo(denominator.dtype).tiny)


def parabolic_shifts(yin: np.ndarray) -> np.ndarray:
    """Sub-sample offset of each lag's parabola through its neighbours.

    Args:
        yin: ``(P, T)`` difference function.
    Returns:
        ``(P, T)`` offsets in lags; 0 at the edges and where the vertex lies more than one
        lag away.
    """
    shifts = np.zeros_like(yin)
    left, mid, right = yin[:-2], yin[1:-1], yin[2:]
    a = right + left - 2 * mid
    b = (right - left) / 2
    inside = np.abs(b) < np.abs(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        shifts[1:-1] = np.where(inside, -b / np.where(inside, a, 1), 0)
    return shifts


def trough_probabilities(
    yin: np.ndarray, thresholds: np.ndarray, beta_probs: np.ndarray
) -> np.ndarray:
    """Probability that each lag is the period, from its trough depth (pYIN step 2).

    For threshold ``s`` (prior ``beta_probs``), the troughs below ``s``, ranked by lag
    ``r = 0, 1, ...``, get Boltzmann weights ``(1 - e^-2) / (1 - e^-2N) e^-2r`` (``N``
    troughs below ``s``); for a threshold that no trough is below, the deepest trough gets
    ``NO_TROUGH_PROB`` times that threshold's prior mass.

    Args:
        yin: ``(P, T)`` difference function.
        thresholds: ``(n + 1,)`` ascending, from 0 to 1.
        beta_probs: ``(n,)`` prior mass of each threshold interval.
    Returns:
        ``(P, T)``, non-zero only at troughs.
    """
    n_lags = yin.shape[0]
    trough = np.zeros(yin.shape, dtype=bool)  # librosa.util.localmin, pyin's edge rule
    trough[1:-1] = (yin[1:-1] < yin[:-2]) & (yin[1:-1] <= yin[2:])
    trough[0] = yin[0] < yin[1]
    trough[-1] = yin[-1] < yin[-2]
    probs = np.zeros(yin.shape)
    frame_of, lag_of = np.nonzero(trough.T)  # troughs, frame by frame, lags ascending
    # trough k lies below thresholds[1 + j] exactly for j >= first_below[k]; troughs
    # below no threshold (first_below == n) get no share and take no rank
    n_thr = len(beta_probs)
    first_below = np.searchsorted(thresholds[1:], yin[lag_of, frame_of], side="right")
    some = first_below < n_thr
    frame_of, lag_of, first_below = frame_of[some], lag_of[some], first_below[some]  # (K,)
    if len(first_below):
        # the (trough, threshold) pairs with the trough below the threshold: about a tenth
        # of all pairs, since most troughs are shallow and lie below the top few only
        n_pairs = n_thr - first_below  # (K,) thresholds each trough is below
        pair = np.repeat(np.arange(len(first_below)), n_pairs)  # (Q,) trough of each pair
        offset = np.cumsum(n_pairs) - n_pairs  # (K,) first pair of each trough
        level = first_below[pair] + np.arange(len(pair)) - offset[pair]  # (Q,) threshold
        # group the pairs by (frame, threshold); a stable sort keeps lags ascending inside
        group = frame_of[pair] * n_thr + level  # (Q,)
        order = np.argsort(group, kind="stable")
        sorted_group = group[order]
        first = np.r_[True, sorted_group[1:] != sorted_group[:-1]]  # first of each group
        start = np.flatnonzero(first)  # (G,)
        size = np.diff(np.r_[start, len(pair)])  # (G,) troughs below, per frame and threshold
        rank = np.empty(len(pair), dtype=np.int64)
        rank[order] = np.arange(len(pair)) - np.repeat(start, size)  # rank among those below
        n_below = np.empty(len(pair), dtype=np.int64)
        n_below[order] = np.repeat(size, size)
        # scipy.stats.boltzmann.pmf(rank, lam, n_below), from tables over small integers
        lam = BOLTZMANN_PARAMETER
        fact = np.r_[0.0, (1 - np.exp(-lam)) / (1 - np.exp(-lam * np.arange(1, n_lags + 1)))]
        decay = np.exp(-lam * np.arange(n_lags))  # (P,)
        weight = beta_probs[level] * (fact[n_below] * decay[rank])  # (Q,)
        probs[lag_of, frame_of] = np.bincount(pair, weights=weight, minlength=len(first_below))
    # the deepest trough (first one if tied) also takes the thresholds it is not below
    deepest = np.argmin(np.where(trough, yin, np.inf), axis=0)  # (T,)
    cols = np.flatnonzero(trough.any(axis=0))
    n_over = np.searchsorted(thresholds[1:], yin[deepest[cols], cols], side="right")
    mass = np.array([np.sum(beta_probs[:n]) for n in range(len(beta_probs) + 1)])
    probs[deepest[cols], cols] += NO_TROUGH_PROB * mass[n_over]
    return probs


def _observation(
    probs: np.ndarray,
    shifts: np.ndarray,
    sr: int,
    min_period: int,
    fmin: float,
    n_bins: int,
    n_bins_per_semitone: int,
) -> np.ndarray:
    """Candidate probabilities binned into pitch states; ``(2 n_bins, T)``."""
    lag, frame = np.nonzero(probs)
    period = min_period + lag + shifts[lag, frame]
    bins = 12 * n_bins_per_semitone * np.log2(sr / period / fmin)
    bins = np.clip(np.round(bins), 0, n_bins).astype(int)  # librosa clips to n_bins too
    observation = np.zeros((2 * n_bins, probs.shape[1]))
    observation[bins, frame] = probs[lag, frame]  # (as librosa: the last write wins)
    voiced = np.clip(observation[:n_bins].sum(axis=0, keepdims=True), 0, 1)  # (1, T)
    observation[n_bins:] = (1 - voiced) / n_bins
    return observation


def viterbi_banded(observation: np.ndarray, local: np.ndarray, switch: np.ndarray) -> np.ndarray:
    """Most likely state path under ``kron(switch, local)`` with a banded ``local``.

    Same log-space arithmetic and tie-breaking (lowest previous state) as
    ``librosa.sequence.viterbi(observation, np.kron(switch, local), p_init=uniform)``.

    Args:
        observation: ``(2 n, T)`` state likelihoods in [0, 1].
        local: ``(n, n)`` row-stochastic pitch transitions, zero outside a band.
        switch: ``(2, 2)`` voiced/unvoiced transitions.
    Returns:
        ``(T,)`` int state indices (``< n``: voiced at bin ``s``; else unvoiced).
    """
    n = local.shape[0]
    m, n_steps = observation.shape
    tiny = np.finfo(observation.dtype).tiny
    lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))  # (n, n) |k - j|
    half = int(lag[local > 0].max())
    width = 2 * half + 1
    # candidates of destination (b, j), ordered by previous state a * n + j + o - half
    log_trans = np.full((2, n, 2, width), -np.inf)  # [b, j, a, o]
    source = np.zeros((n, 2, width), dtype=np.int64)  # [j, a, o] previous state
    for o in range(width):
        k = np.arange(n) + o - half  # (n,) source bin of each destination bin
        ok = (k >= 0) & (k < n)
        for a in range(2):
            source[:, a, o] = a * n + np.clip(k, 0, n - 1)
            for b in range(2):
                # the same product and epsilon as np.log(np.kron(switch, local) + tiny)
                trans = switch[a, b] * local[k[ok], np.flatnonzero(ok)]
                log_trans[b, ok, a, o] = np.log(trans + tiny)
    index = np.uint16 if m < 2**16 else np.int64
    source = np.tile(source.reshape(n, 2 * width), (2, 1)).reshape(-1).astype(index)
    outside = np.log(0.0 + tiny)  # out-of-band transitions, as in librosa
    log_obs = np.log(observation + tiny).T.reshape(n_steps, 2, n)  # (T, 2, n)
    ptr = np.empty((n_steps, m), dtype=index)
    pad = np.full((2, n + 2 * half), -np.inf)  # -inf beyond the bins on both sides
    value = pad[:, half : half + n]  # (2, n) view: the current Viterbi values
    value[...] = log_obs[0] + np.log(np.ones(m) / m + tiny).reshape(2, n)
    window = np.lib.stride_tricks.sliding_window_view(pad, width, axis=1)  # view [a, j, o]
    window = window.transpose(1, 0, 2)[None]  # view [1, j, a, o] of pad
    cand = np.empty((2, n, 2, width))  # [b, j, a, o]
    flat = cand.reshape(m, 2 * width)  # a view: row = destination, column = candidate
    first = np.arange(m) * 2 * width
    best, pick, inband = np.empty(m, np.int64), np.empty(m, np.int64), np.empty(m)
    for t in range(1, n_steps):
        np.add(window, log_trans, out=cand)
        flat.argmax(axis=1, out=best)  # the first maximum is the lowest state
        np.add(first, best, out=pick)
        flat.take(pick, out=inband)  # (2n,) best in-band score of each state
        source.take(pick, out=ptr[t])
        out = value.max() + outside  # the best state reaches any state with log(tiny)
        if inband.min() <= out:  # rare: some state is better reached out of band
            k_all = int(np.argmax(value))  # the lowest best state (a * n + j)
            use_out = (out > inband) | ((out == inband) & (k_all < ptr[t]))
            ptr[t][use_out] = k_all
            inband[use_out] = out
        np.add(log_obs[t], inband.reshape(2, n), out=value)
    states = np.empty(n_steps, dtype=np.int64)
    states[-1] = int(np.argmax(value))  # (2, n) -> a * n + j
    for t in range(n_steps - 1, 0, -1):
        states[t - 1] = ptr[t, states[t]]
    return states
