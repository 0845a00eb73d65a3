"""Face features with MediaPipe's FaceLandmarker (Tasks API), pooled per participant turn.

For each analysed frame the landmarker gives 478 3-D landmarks, 52 blendshape scores
(ARKit-style facial action intensities, 0..1) and a 4x4 facial transformation matrix,
from which we read the head pose (yaw, pitch, roll in degrees; translation in cm).
From the landmarks we also measure a few distances, divided by the distance between
the outer eye corners so that they do not depend on how far the face is from the
camera: eye opening, mouth opening and width, brow raise.

A frame without a face is marked as such (``found`` False, NaN features) and never
filled in; a turn without any face frame is masked. The model file ships with the
package (``assets/face_landmarker.task``, Apache-2.0, see ``assets/NOTICE``) and is
checked against its SHA-256 before use.

Video is decoded with opencv (``cv2.VideoCapture``). By default at most 15 frames per
second are analysed (``VideoConfig.max_fps``): facial expressions change more slowly
than that, and it halves the work on 30 fps recordings.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mimml_edu.errors import MediaError, MediaNotFoundError
from mimml_edu.features.face import (
    BLENDSHAPES,
    EYE_CORNERS,
    GEOMETRY,
    N_LANDMARKS,
    POSE,
    VideoConfig,
    _frame_result,
    open_landmarker,
)

EXTRACTOR_NAME = "video-mediapipe"


def _video_file(path: str | Path) -> Path:
    """``path`` if it is a regular file (opencv would block on a FIFO)."""
    from mimml_edu.data.source import require_regular_file

    return require_regular_file(
        path, what="video file", error=MediaError, not_found=MediaNotFoundError
    )


EXTRACTOR_VERSION = "1"


@dataclass
class VideoFrames:
    """Frame-level face features of one video.

    Attributes:
        times: ``(T,)`` time of each analysed frame, seconds.
        found: ``(T,)`` bool, True where a face was found.
        landmarks: ``(T, 478, 3)`` float32 normalised image coordinates (x, y in 0..1
            of width and height; z relative depth); NaN where no face.
        features: ``(T, d)`` float32 blendshapes, head pose and geometry (``names``);
            NaN where no face.
        names: the ``d`` column names.
        width, height: frame size in pixels.
        fps: the video's frame rate.
    """

    times: np.ndarray
    found: np.ndarray
    landmarks: np.ndarray
    features: np.ndarray
    names: list[str] = field(default_factory=list)
    width: int = 0
    height: int = 0
    fps: float = 0.0

    @property
    def detection_rate(self) -> float:
        """Share of analysed frames in which a face was found."""
        return float(self.found.mean()) if len(self.found) else 0.0

    def column(self, name: str) -> np.ndarray:
        """One named column, ``(T,)``."""
        if name not in self.names:
            raise KeyError(f"no video column {name!r}")
        return self.features[:, self.names.index(name)]


def frame_feature_names() -> list[str]:
    """Names of the per-frame columns: 52 blendshapes, 6 pose values, 6 distances."""
    return [f"bs_{b}" for b in BLENDSHAPES] + list(POSE) + list(GEOMETRY)


def turn_feature_names() -> list[str]:
    """Per-turn columns: mean and std of each frame column, landmark speed, face ratio."""
    frame = frame_feature_names()
    return (
        [f"{n}_mean" for n in frame]
        + [f"{n}_std" for n in frame]
        + ["landmark_speed", "face_ratio"]
    )


def extract_frames(
    path: str | Path, config: VideoConfig = VideoConfig(), *, progress: bool = False
) -> VideoFrames:
    """Run the FaceLandmarker over a video file.

    Args:
        path: a video opencv can decode (mp4/H.264, avi, ...).
        config: extractor settings.
        progress: show a progress bar.
    Returns:
        :class:`VideoFrames` for the analysed frames.
    Raises:
        MediaNotFoundError: no such file (a ``FileNotFoundError``).
        MediaError: not a regular file (a FIFO, a device or a directory is never opened),
            opencv cannot open or decode it, or it reports no frame rate.
    """
    import cv2
    import mediapipe as mp
    from tqdm.auto import tqdm

    path = _video_file(path)
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise MediaError("opencv cannot open this file as video", path=path)
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        if not np.isfinite(fps) or fps <= 0:
            raise MediaError("the video reports no frame rate; cannot time its frames", path=path)
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) or None
        step = 1 if config.max_fps is None else max(1, round(fps / config.max_fps))
        times, found, landmarks, feats = [], [], [], []
        d = len(frame_feature_names())
        desc = f"video {path.parent.name}"
        bar = tqdm(total=total, desc=desc, unit="frame", disable=not progress)
        with open_landmarker(config, video=True) as landmarker:
            index = 0
            while True:
                if index % step:
                    ok = capture.grab()
                else:
                    ok, bgr = capture.read()
                if not ok:
                    break
                if index % step == 0:
                    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
                    result = landmarker.detect_for_video(image, round(index * 1000 / fps))
                    out = _frame_result(result, rgb.shape[1], rgb.shape[0])
                    times.append(index / fps)
                    found.append(out is not None)
                    landmarks.append(out[0] if out else np.full((N_LANDMARKS, 3), np.nan))
                    feats.append(out[1] if out else np.full(d, np.nan))
                index += 1
                bar.update(1)
        bar.close()
    finally:
        capture.release()
    if not times:
        raise MediaError("no frame could be decoded (corrupt or empty video)", path=path)
    return VideoFrames(
        times=np.asarray(times),
        found=np.asarray(found, dtype=bool),
        landmarks=np.asarray(landmarks, dtype=np.float32),
        features=np.asarray(feats, dtype=np.float32),
        names=frame_feature_names(),
        width=width,
        height=height,
        fps=fps,
    )


def pool_turns(
    frames: VideoFrames, turn_times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool frame features over the face frames of each turn.

    Args:
        frames: output of :func:`extract_frames`.
        turn_times: ``(n_turns, 2)`` start and stop of each turn, seconds.
    Returns:
        features ``(n_turns, 2 * d + 2)`` float32 (names from :func:`turn_feature_names`),
        mask ``(n_turns,)`` (False where the turn has no face frame), and the face ratio
        ``(n_turns,)`` (share of the turn's analysed frames with a face).
    """
    turn_times = np.asarray(turn_times, dtype=np.float64).reshape(-1, 2)
    d = frames.features.shape[1]
    out = np.zeros((len(turn_times), 2 * d + 2), dtype=np.float32)
    mask = np.zeros(len(turn_times), dtype=bool)
    ratio = np.zeros(len(turn_times))
    for i, (start, stop) in enumerate(turn_times):
        inside = (frames.times >= start) & (frames.times < stop)
        face = inside & frames.found
        if not face.any():
            continue
        ratio[i] = face.sum() / inside.sum()
        x = frames.features[face]
        out[i, :d] = x.mean(axis=0)
        out[i, d : 2 * d] = x.std(axis=0)
        out[i, -2] = _landmark_speed(frames, inside)
        out[i, -1] = ratio[i]
        mask[i] = True
    return out, mask, ratio


def _landmark_speed(frames: VideoFrames, inside: np.ndarray) -> float:
    """Mean landmark displacement per second between consecutive face frames of a turn,
    in units of the outer-eye-corner distance (0 when the turn has < 2 such frames)."""
    idx = np.flatnonzero(inside)
    pairs = [(a, b) for a, b in itertools.pairwise(idx) if frames.found[a] and frames.found[b]]
    if not pairs:
        return 0.0
    speeds = []
    scale = np.array([frames.width, frames.height])
    for a, b in pairs:
        xa, xb = frames.landmarks[a, :, :2] * scale, frames.landmarks[b, :, :2] * scale
        iod = np.linalg.norm(xa[EYE_CORNERS[0]] - xa[EYE_CORNERS[1]])
        shift = np.linalg.norm(xb - xa, axis=1).mean() / iod
        speeds.append(shift / (frames.times[b] - frames.times[a]))
    return float(np.mean(speeds))


def extract_turns(
    path: str | Path,
    turn_times: np.ndarray,
    config: VideoConfig = VideoConfig(),
    *,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Per-turn face features of one video.

    Args:
        path: the video file.
        turn_times: ``(n_turns, 2)`` turn start and stop, seconds.
        config: extractor settings.
        progress: show a progress bar over frames.
    Returns:
        ``features (n_turns, d)``, ``mask (n_turns,)``, ``face_ratio (n_turns,)``,
        ``detection_rate`` (share of all analysed frames with a face, 0-d) and
        ``n_frames`` (analysed frames, 0-d).
    """
    frames = extract_frames(path, config, progress=progress)
    features, mask, ratio = pool_turns(frames, turn_times)
    return {
        "features": features,
        "mask": mask,
        "face_ratio": ratio,
        "detection_rate": np.float64(frames.detection_rate),
        "n_frames": np.int64(len(frames.times)),
    }


def read_frames(path: str | Path, times: np.ndarray) -> list[np.ndarray]:
    """Decode the frames nearest to the given times (for pictures, not for features).

    Args:
        path: a video file.
        times: ``(n,)`` seconds.
    Returns:
        n RGB ``(H, W, 3)`` uint8 frames.
    """
    import cv2

    path = _video_file(path)
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise MediaError("opencv cannot open this file as video", path=path)
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        frames = []
        for t in np.asarray(times, dtype=float):
            capture.set(cv2.CAP_PROP_POS_FRAMES, round(t * fps))
            ok, bgr = capture.read()
            if not ok:
                raise MediaError(f"no frame at {t:.2f} s", path=path)
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()
    return frames
