"""MediaPipe's FaceLandmarker and the geometry of one result.

- The landmarker itself: :func:`model_path` (the bundled, checksummed model file),
  :func:`open_landmarker` (always closed on exit), :func:`analyse_image` and
  :func:`face_contours`. MediaPipe is imported only inside these functions.
- Pure numpy geometry of a result: blendshape names, :func:`head_pose`,
  :func:`geometry` (distances relative to the eye-corner distance).

Shared by :mod:`mimml_edu.features.video` and the figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

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
#: name -> (landmark a, landmark b): distance ``||a - b||`` over the outer-eye-corner distance
GEOMETRY: dict[str, tuple[int, int]] = {
    "eye_open_right": (159, 145),
    "eye_open_left": (386, 374),
    "mouth_open": (13, 14),
    "mouth_width": (61, 291),
    "brow_raise_right": (105, 159),
    "brow_raise_left": (334, 386),
}
EYE_CORNERS = (33, 263)


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

    def __post_init__(self) -> None:
        import math

        from mimml_edu.errors import ConfigError

        fps = self.max_fps
        if fps is not None and (
            isinstance(fps, bool) or not isinstance(fps, int | float) or not math.isfinite(fps)
            or fps <= 0
        ):  # fmt: skip
            raise ConfigError(f"video max_fps must be a number > 0 (or None), got {fps!r}")
        for name in ("min_detection_confidence", "min_presence_confidence",
                     "min_tracking_confidence"):  # fmt: skip
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ConfigError(f"video {name} must be in [0, 1], got {value!r}")

    def to_dict(self) -> dict:
        return asdict(self)


MODEL_FILE = Path(__file__).resolve().parent / "assets" / "face_landmarker.task"
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
_verified: set[tuple[str, int, float]] = set()  # model files whose checksum was checked


def model_path(path: str | Path | None = None) -> Path:
    """The FaceLandmarker model file, checked against its SHA-256.

    Args:
        path: another copy of ``face_landmarker.task``; default the bundled one.
    Raises:
        FileNotFoundError, ValueError: missing file or wrong checksum.
    """
    from mimml_edu.data.source import file_kind
    from mimml_edu.errors import MediaError, MediaNotFoundError

    path = Path(path) if path is not None else MODEL_FILE
    kind = file_kind(path)
    if kind == "missing":
        raise MediaNotFoundError(
            "the FaceLandmarker model is missing; reinstall mimml-edu "
            "(it ships mimml_edu/features/assets/face_landmarker.task)",
            path=path,
        )
    if kind is not None:
        raise MediaError(f"is {kind}, not a regular file (the FaceLandmarker model)", path=path)
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
    config: VideoConfig | None = None, *, video: bool = True, model: str | Path | None = None
) -> Iterator:
    """A MediaPipe FaceLandmarker, closed on exit.

    Args:
        config: thresholds (default :class:`VideoConfig`).
        video: True for a frame sequence (``detect_for_video``, tracks between frames),
            False for single images (``detect``).
        model: path of another copy of the model file.
    Yields:
        ``mediapipe.tasks.python.vision.FaceLandmarker``.
    """
    from mediapipe.tasks.python import BaseOptions, vision

    config = config or VideoConfig()
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
    with _quiet_native_stderr():  # MediaPipe's C++ set-up chatter (shown again on failure)
        landmarker = vision.FaceLandmarker.create_from_options(options)
    with landmarker:
        yield landmarker


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 to a temporary file; if the
    block raises, replay it on ``sys.stderr`` so that no error message is lost."""
    import sys
    import tempfile

    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


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


def face_contours() -> list[tuple[int, int]]:
    """Landmark index pairs outlining face oval, eyes, brows and lips (for drawing)."""
    from mediapipe.tasks.python.vision import FaceLandmarksConnections

    return [(c.start, c.end) for c in FaceLandmarksConnections.FACE_LANDMARKS_CONTOURS]
