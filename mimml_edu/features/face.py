"""The geometry of one FaceLandmarker result: blendshape names, head pose, distances.

Pure numpy (no MediaPipe import), shared by :mod:`mimml_edu.features.video` and the
figures.
"""

from __future__ import annotations

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
