"""Feature channels per modality: the exact column names and widths the package uses.

The synthetic corpus and the DAIC-WOZ reader produce the same widths, so a model built
for one runs on the other:

- ``text``: 384 dimensions, the width of all-MiniLM-L6-v2 sentence embeddings
  (named ``emb_000`` ... ``emb_383``).
- ``audio``: the 74 COVAREP columns of DAIC-WOZ (:data:`COVAREP_COLUMNS`), averaged over
  the voiced frames of a turn.
- ``video``: 38 CLNF columns (:data:`VIDEO_COLUMNS`): 14 action-unit intensities, 6
  action-unit presence flags, 6 head-pose values (translation in mm, rotation in radians)
  and 12 gaze values (two eye gaze vectors, and the same in head coordinates), averaged
  over the frames of a turn where ``success = 1``.
"""

from __future__ import annotations

#: Width of all-MiniLM-L6-v2 sentence embeddings.
TEXT_DIM = 384

#: The text channels.
TEXT_COLUMNS: tuple[str, ...] = tuple(f"emb_{i:03d}" for i in range(TEXT_DIM))

#: COVAREP glottal and voice-quality columns (meaningless where VUV = 0).
COVAREP_GLOTTAL: tuple[str, ...] = (
    "NAQ", "QOQ", "H1H2", "PSP", "MDQ", "peakSlope", "Rd", "Rd_conf", "creak"
)  # fmt: skip

#: The 74 COVAREP columns of DAIC-WOZ, in file order (the files have no header).
COVAREP_COLUMNS: tuple[str, ...] = (
    "F0",
    "VUV",
    *COVAREP_GLOTTAL,
    *(f"MCEP_{i}" for i in range(25)),
    *(f"HMPDM_{i}" for i in range(25)),
    *(f"HMPDD_{i}" for i in range(13)),
)

#: CLNF action-unit intensities (0-5) in ``XXX_CLNF_AUs.txt``.
AU_INTENSITY: tuple[str, ...] = (
    "AU01_r", "AU02_r", "AU04_r", "AU05_r", "AU06_r", "AU09_r", "AU10_r",
    "AU12_r", "AU14_r", "AU15_r", "AU17_r", "AU20_r", "AU25_r", "AU26_r",
)  # fmt: skip

#: CLNF action-unit presence flags (0/1) in ``XXX_CLNF_AUs.txt``.
AU_PRESENCE: tuple[str, ...] = ("AU04_c", "AU12_c", "AU15_c", "AU23_c", "AU28_c", "AU45_c")

#: Head pose in ``XXX_CLNF_pose.txt``: translation (mm) and rotation (radians).
POSE_COLUMNS: tuple[str, ...] = ("Tx", "Ty", "Tz", "Rx", "Ry", "Rz")

#: Gaze vectors in ``XXX_CLNF_gaze.txt``: both eyes, then both eyes in head coordinates.
GAZE_COLUMNS: tuple[str, ...] = (
    "x_0", "y_0", "z_0", "x_1", "y_1", "z_1",
    "x_h0", "y_h0", "z_h0", "x_h1", "y_h1", "z_h1",
)  # fmt: skip

#: The 38 video channels, in this order.
VIDEO_COLUMNS: tuple[str, ...] = AU_INTENSITY + AU_PRESENCE + POSE_COLUMNS + GAZE_COLUMNS

#: modality -> channel names.
CHANNELS: dict[str, tuple[str, ...]] = {
    "text": TEXT_COLUMNS,
    "audio": COVAREP_COLUMNS,
    "video": VIDEO_COLUMNS,
}

#: modality -> width.
DIMS: dict[str, int] = {m: len(c) for m, c in CHANNELS.items()}

assert DIMS == {"text": 384, "audio": 74, "video": 38}, DIMS


def text_channel_names(dim: int = TEXT_DIM) -> list[str]:
    """``emb_000`` ... for a text embedding of width ``dim``."""
    return [f"emb_{i:03d}" for i in range(dim)]


def channel_names(*, text_dim: int = TEXT_DIM) -> dict[str, list[str]]:
    """A fresh ``modality -> list of channel names`` dict (for :class:`Session`); the text
    channels for an embedding of width ``text_dim`` (another encoder than MiniLM's)."""
    names = {m: list(c) for m, c in CHANNELS.items()}
    names["text"] = text_channel_names(text_dim)
    return names
