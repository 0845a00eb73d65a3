"""On-disk cache of extracted features.

An entry is keyed by the SHA-256 of the input file's content, the extractor's name and
version, and its settings (as canonical JSON). Renaming or moving a file keeps its
entry; changing one byte of it, a setting, or the extractor's version does not. Entries
are ``.npz`` files of plain arrays (loaded with ``allow_pickle=False``), written to a
temporary name and renamed, so an interrupted run never leaves a half-written entry. An
unreadable entry is reported as a warning and recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

_file_hashes: dict[tuple[str, int, int], str] = {}

#: The environment variable that moves the default cache folder.
CACHE_ENV = "MIMML_EDU_CACHE"


def default_cache_dir() -> Path:
    """Where features extracted on the fly are cached: ``$MIMML_EDU_CACHE``, else
    ``$XDG_CACHE_HOME/mimml-edu/features`` (``~/.cache/mimml-edu/features``)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "mimml-edu" / "features"


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's content (memoised per path, size and modification time).

    Raises:
        MediaError: not a regular file (a FIFO would block the read, a device never end);
            MediaNotFoundError when it does not exist.
    """
    from mimml_edu.data.source import require_regular_file
    from mimml_edu.errors import MediaError, MediaNotFoundError

    path = require_regular_file(path, error=MediaError, not_found=MediaNotFoundError)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _file_hashes:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        _file_hashes[key] = h.hexdigest()
    return _file_hashes[key]


def settings_json(settings: dict) -> str:
    """Canonical JSON of a settings dict (sorted keys, no spaces)."""
    return json.dumps(settings, sort_keys=True, separators=(",", ":"), default=_jsonable)


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"setting of type {type(value).__name__} cannot be part of a cache key")


class FeatureCache:
    """Features on disk under ``root/<extractor>/<key>.npz``.

    Args:
        root: cache folder (created when needed).

    Attributes:
        hits, misses: counts since construction.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0

    def key(self, path: str | Path, *, extractor: str, version: str, settings: dict) -> str:
        """The entry key of one input file under one extractor configuration."""
        text = "\n".join([file_sha256(path), extractor, version, settings_json(settings)])
        return hashlib.sha256(text.encode()).hexdigest()

    def entry(self, key: str, extractor: str) -> Path:
        return self.root / extractor / f"{key}.npz"

    def load(self, key: str, extractor: str) -> dict[str, np.ndarray] | None:
        """The arrays of an entry, or None when absent (or unreadable, with a warning)."""
        entry = self.entry(key, extractor)
        if not entry.is_file():
            return None
        try:
            with np.load(entry, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except Exception as err:  # a truncated or foreign file: recompute it
            warnings.warn(f"{entry}: unreadable cache entry ({err}); recomputing", stacklevel=2)
            return None

    def save(self, key: str, extractor: str, arrays: dict[str, np.ndarray]) -> Path:
        """Write an entry atomically; returns its path."""
        entry = self.entry(key, extractor)
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **{k: np.asarray(v) for k, v in arrays.items()})
            os.replace(tmp, entry)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return entry

    def get_or_compute(
        self,
        path: str | Path,
        *,
        extractor: str,
        version: str,
        settings: dict,
        compute: Callable[[], dict[str, np.ndarray]],
    ) -> tuple[dict[str, np.ndarray], bool]:
        """Read the entry for ``path`` or compute and store it.

        Args:
            path: the input file whose content the features come from.
            extractor, version, settings: what else determines the features.
            compute: called on a miss; returns a dict of arrays.
        Returns:
            (arrays, hit) where hit says whether the cache answered.
        """
        key = self.key(path, extractor=extractor, version=version, settings=settings)
        cached = self.load(key, extractor)
        if cached is not None:
            self.hits += 1
            return cached, True
        arrays = compute()
        self.save(key, extractor, arrays)
        self.misses += 1
        return arrays, False
