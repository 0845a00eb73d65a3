"""Face features (MediaPipe FaceLandmarker) on the shipped sample video and on images."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from scipy.spatial.transform import Rotation
from skimage import data as skdata

from mimml_edu.data.recordings import participant_turns, read_transcript
from mimml_edu.features import face, video

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"


@pytest.fixture(scope="module")
def s03():
    return video.extract_frames(RAW / "s03" / "video.mp4")


def test_bundled_model_checksum_and_notice():
    assert face.model_path() == face.MODEL_FILE
    notice = (face.MODEL_FILE.parent / "NOTICE").read_text()
    assert "Apache License" in notice and face.MODEL_SHA256 in notice


def test_damaged_model_is_refused(tmp_path):
    copy = tmp_path / "face_landmarker.task"
    shutil.copy(face.MODEL_FILE, copy)
    raw = bytearray(copy.read_bytes())
    raw[1000] ^= 0xFF
    copy.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="SHA-256"):
        face.model_path(copy)
    with pytest.raises(FileNotFoundError, match="missing"):
        face.model_path(tmp_path / "none.task")


def test_sample_video_face_found_in_most_frames(s03):
    frames = s03
    n = len(frames.times)
    assert frames.fps == 15.0 and (frames.width, frames.height) == (320, 240)
    assert frames.landmarks.shape == (n, 478, 3)
    assert frames.features.shape == (n, len(video.frame_feature_names())) == (n, 64)
    # the face leaves the frame for 2 s of 29.6 s: found in ~93% of frames
    assert 0.85 < frames.detection_rate < 0.97
    assert np.isfinite(frames.features[frames.found]).all()
    assert np.isnan(frames.features[~frames.found]).all()
    gap = frames.times[~frames.found]
    assert gap.max() - gap.min() < 2.5
    blend = frames.features[frames.found, :52]
    assert (blend >= 0).all() and (blend <= 1).all()
    roll = frames.column("roll_deg")[frames.found]
    assert 5 < roll.max() - roll.min() < 30  # the script tilts the head by about +-9 degrees


def test_turn_pooling(s03):
    times, _ = participant_turns(read_transcript(RAW / "s03" / "transcript.csv"))
    x, mask, ratio = video.pool_turns(s03, times)
    names = video.turn_feature_names()
    assert x.shape == (3, len(names)) == (3, 130)
    assert mask.all() and np.isfinite(x).all()
    assert np.allclose(x[:, names.index("face_ratio")], ratio)
    assert (x[:, names.index("landmark_speed")] > 0).all()
    # a turn after the end of the video has no frames: masked, zeros
    x2, mask2, _ = video.pool_turns(s03, np.array([[100.0, 101.0]]))
    assert not mask2[0] and (x2 == 0).all()


def test_head_pose_from_a_known_rotation():
    m = np.eye(4)
    m[:3, :3] = Rotation.from_euler("ZYX", [10, 20, 30], degrees=True).as_matrix()
    m[:3, 3] = [1.0, 2.0, -40.0]
    pose = face.head_pose(m)  # yaw about y, pitch about x, roll about z
    assert np.allclose(pose, [20, 30, 10, 1, 2, -40], atol=1e-9)


def test_single_images():
    with face.open_landmarker(video=False) as landmarker:
        found = face.analyse_image(skdata.astronaut(), landmarker)
        blank = face.analyse_image(np.full((240, 320, 3), 90, np.uint8), landmarker)
    assert blank is None
    landmarks, features = found
    assert landmarks.shape == (478, 3) and features.shape == (64,)
    assert 0 < features[video.frame_feature_names().index("mouth_width")] < 2


def test_bad_video_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="video file not found"):
        video.extract_frames(tmp_path / "none.mp4")
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    with pytest.raises(ValueError, match=r"corrupt\.mp4: (opencv cannot open|no frame)"):
        video.extract_frames(corrupt)


def test_video_without_face(tmp_path):
    path = tmp_path / "noface.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(10):
        writer.write(np.full((120, 160, 3), 20 * i, np.uint8))
    writer.release()
    out = video.extract_turns(path, np.array([[0.0, 1.0]]))
    assert out["detection_rate"] == 0.0 and out["n_frames"] == 10
    assert not out["mask"].any()
