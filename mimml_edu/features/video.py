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

import contextlib
import hashlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

EXTRACTOR_NAME = "video-mediapipe"
EXTRACTOR_VERSION = "1"

MODEL_FILE = Path(__file__).resolve().parent / "assets" / "face_landmarker.task"
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
N_LANDMARKS = 478

#: MediaPipe's 52 blendshape categories, in the order the model returns them.
BLENDSHAPES: tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft",
    "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
    "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft",
    "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
    "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower",
    "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight",
    "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)  # fmt: skip
POSE = ("yaw_deg", "pitch_deg", "roll_deg", "tx_cm", "ty_cm", "tz_cm")
#: name -> (landmark a, landmark b): distance |a - b| / outer-eye-corner distance
GEOMETRY: dict[str, tuple[int, int]] = {
    "eye_open_right": (159, 145),
    "eye_open_left": (386, 374),
    "mouth_open": (13, 14),
    "mouth_width": (61, 291),
    "brow_raise_right": (105, 159),
    "brow_raise_left": (334, 386),
}
EYE_CORNERS = (33, 263)


@dataclass(frozen=True)
class VideoConfig:
    """Settings of the video extractor (all part of the cache key).

    Args:
        max_fps: analyse at most this many frames per second (every n-th frame);
            None analyses every frame.
        min_detection_confidence, min_presence_confidence, min_tracking_confidence:
            the FaceLandmarker's thresholds.
    """

    max_fps: float | None = 15.0
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


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


_verified: set[tuple[str, int, float]] = set()


def model_path(path: str | Path | None = None) -> Path:
    """The FaceLandmarker model file, checked against its SHA-256.

    Args:
        path: another copy of ``face_landmarker.task``; default the bundled one.
    Raises:
        FileNotFoundError, ValueError: missing file or wrong checksum.
    """
    path = Path(path) if path is not None else MODEL_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: the FaceLandmarker model is missing; reinstall mimml-edu "
            "(it ships mimml_edu/features/assets/face_landmarker.task)"
        )
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime)
    if key not in _verified:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise ValueError(
                f"{path}: SHA-256 {digest} does not match the expected FaceLandmarker "
                f"model {MODEL_SHA256}; the file is damaged or a different model"
            )
        _verified.add(key)
    return path


@contextlib.contextmanager
def open_landmarker(
    config: VideoConfig = VideoConfig(), *, video: bool = True, model: str | Path | None = None
) -> Iterator:
    """A MediaPipe FaceLandmarker, closed on exit.

    Args:
        config: thresholds.
        video: True for a frame sequence (``detect_for_video``, tracks between frames),
            False for single images (``detect``).
        model: path of another copy of the model file.
    Yields:
        ``mediapipe.tasks.python.vision.FaceLandmarker``.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")  # quieten MediaPipe's C++ logging
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path(model))),
        running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
        num_faces=1,
        min_face_detection_confidence=config.min_detection_confidence,
        min_face_presence_confidence=config.min_presence_confidence,
        min_tracking_confidence=config.min_tracking_confidence,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    with vision.FaceLandmarker.create_from_options(options) as landmarker:
        yield landmarker


def head_pose(matrix: np.ndarray) -> np.ndarray:
    """Yaw, pitch, roll (degrees) and translation (cm) of a 4x4 facial transformation.

    Args:
        matrix: ``(4, 4)`` canonical-face-to-camera transform.
    Returns:
        ``(6,)`` ``[yaw, pitch, roll, tx, ty, tz]``.
    """
    r = np.asarray(matrix, dtype=np.float64)[:3, :3]
    pitch = np.arctan2(r[2, 1], r[2, 2])
    yaw = np.arctan2(-r[2, 0], np.hypot(r[2, 1], r[2, 2]))
    roll = np.arctan2(r[1, 0], r[0, 0])
    angles = np.degrees([yaw, pitch, roll])
    return np.concatenate([angles, np.asarray(matrix, dtype=np.float64)[:3, 3]])


def geometry(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    """Landmark distances divided by the outer-eye-corner distance.

    Args:
        landmarks: ``(478, 3)`` normalised landmarks.
        width, height: image size (x and y are scaled to pixels first).
    Returns:
        ``(len(GEOMETRY),)`` float64.
    """
    xy = landmarks[:, :2] * np.array([width, height])
    scale = np.linalg.norm(xy[EYE_CORNERS[0]] - xy[EYE_CORNERS[1]])
    return np.array([np.linalg.norm(xy[a] - xy[b]) / scale for a, b in GEOMETRY.values()])


def _frame_result(result, width: int, height: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(landmarks (478, 3), features (d,)) of the first face, or None."""
    if not result.face_landmarks:
        return None
    lm = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[0]], dtype=np.float64)
    scores = {c.category_name: c.score for c in result.face_blendshapes[0]}
    blend = np.array([scores.get(b, np.nan) for b in BLENDSHAPES])
    pose = head_pose(np.asarray(result.facial_transformation_matrixes[0]))
    return lm, np.concatenate([blend, pose, geometry(lm, width, height)])


def analyse_image(rgb: np.ndarray, landmarker) -> tuple[np.ndarray, np.ndarray] | None:
    """Landmarks and frame features of one RGB image (landmarker opened with video=False).

    Args:
        rgb: ``(H, W, 3)`` uint8 RGB image.
    Returns:
        ``(landmarks (478, 3), features (d,))``, or None when no face is found.
    """
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    return _frame_result(landmarker.detect(image), rgb.shape[1], rgb.shape[0])


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
        FileNotFoundError: no such file.
        ValueError: opencv cannot open or decode it, or it reports no frame rate.
    """
    import cv2
    import mediapipe as mp
    from tqdm.auto import tqdm

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: video file not found")
    capture = cv2.VideoCapture(str(path))
    try:
        if not capture.isOpened():
            raise ValueError(f"{path}: opencv cannot open this file as video")
        fps = float(capture.get(cv2.CAP_PROP_FPS))
        if not np.isfinite(fps) or fps <= 0:
            raise ValueError(f"{path}: the video reports no frame rate; cannot time its frames")
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
        raise ValueError(f"{path}: no frame could be decoded (corrupt or empty video)")
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
