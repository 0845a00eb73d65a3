"""The files of one session, from a zip or a folder, read as bounded streams.

Public API:

- :class:`Limits` how much a reader takes from one file (configurable; the defaults lie
  well above the largest files of the real corpora).
- :class:`Source` one session's files found by base name; :meth:`Source.open` streams a
  member (a zip member is inflated as it is read, never whole), :meth:`Source.read_bytes`
  reads a small text file whole.
- :func:`file_kind` and :func:`require_regular_file`: only regular files are ever opened;
  a FIFO, a device or a directory is refused with a message (opening a FIFO would wait
  for a writer forever, ``/dev/zero`` never ends).
- :func:`wav_seconds` the length of a WAV recording from its header alone.
- :func:`find_session_paths` the ``XXX_P.zip`` files and ``XXX_P/`` folders of a corpus.

Every problem is a :class:`~mimml_edu.errors.CorpusError` naming the archive and the member
(``PATH.zip:MEMBER``) or the file: damaged, encrypted or unsupported members, members over
the size limit, two different members with the same name.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mimml_edu.errors import CorpusError, CorpusNotFoundError, MimmlError

MB = 1 << 20
#: ``XXX_P.zip`` or ``XXX_P`` (DAIC-WOZ and E-DAIC sessions).
SESSION_NAME = re.compile(r"^(\d+)_P(\.zip)?$", re.IGNORECASE)
_SUPPORTED_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}


@dataclass(frozen=True)
class Limits:
    """How much a reader takes from one file.

    Attributes:
        max_member_bytes: the largest file or archive member read (streamed, so memory does
            not grow with it). The default (4 GiB) lies far above the largest files of
            DAIC-WOZ and E-DAIC (a few hundred MB).
        max_text_bytes: the largest transcript or label file, which are read whole (the
            real ones are well under 1 MB); never more than ``max_member_bytes``.
    """

    max_member_bytes: int = 4 << 30
    max_text_bytes: int = 64 * MB

    @classmethod
    def from_megabytes(cls, megabytes: float | None) -> Limits:
        """The default limits with ``max_member_bytes`` set to ``megabytes`` MB (None: default)."""
        if megabytes is None:
            return cls()
        if not megabytes > 0:
            raise CorpusError(f"the member size limit must be > 0 MB, got {megabytes!r}")
        return cls(max_member_bytes=int(megabytes * MB))

    def text_bytes(self) -> int:
        return min(self.max_text_bytes, self.max_member_bytes)


DEFAULT_LIMITS = Limits()


def file_kind(path: str | Path) -> str | None:
    """What a path is when it is not a regular file (``"a FIFO (named pipe)"``, ``"a
    directory"``, ...), None for a regular file (symbolic links are followed)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def require_regular_file(
    path: str | Path,
    *,
    what: str = "file",
    error: type[MimmlError] = CorpusError,
    not_found: type[MimmlError] = CorpusNotFoundError,
) -> Path:
    """``path`` if it is a regular file; else ``not_found`` (missing) or ``error``.

    Args:
        path: the file.  what: what it should be, for the message (``"audio file"``).
        error, not_found: the error types to raise.
    """
    path = Path(path)
    kind = file_kind(path)
    if kind == "missing":
        raise not_found(f"{what} not found", path=path)
    if kind is not None:
        raise error(f"is {kind}, not a regular file ({what} expected)", path=path)
    return path


class _Member(io.RawIOBase):
    """A readable stream over one file that stops at a size limit and turns the zip
    module's errors into :class:`CorpusError` naming the member."""

    def __init__(self, raw: BinaryIO, where: str, limit: int):
        self._raw, self._where, self._limit, self._read = raw, where, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except MimmlError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as err:
            raise CorpusError(f"damaged member ({_reason(err)})", path=self._where) from None
        self._read += len(data)
        if self._read > self._limit:
            raise CorpusError(
                f"larger than the limit of {self._limit / MB:g} MB (see --max-member-mb)",
                path=self._where,
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _reason(err: BaseException) -> str:
    return " ".join(str(err).split())[:160] or type(err).__name__


class Source:
    """The files of one session, in a ``.zip`` or a folder, found by their base name.

    Args:
        path: a ``XXX_P.zip`` file or a ``XXX_P/`` folder (files may sit in subfolders).
        limits: size limits (:class:`Limits`).
    Raises:
        CorpusError: the path is not a readable zip file or a folder.
    """

    def __init__(self, path: str | Path, *, limits: Limits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        self._zip: zipfile.ZipFile | None = None
        self._files: dict[str, list] = {}
        kind = file_kind(self.path)
        if kind == "a directory":
            for p in sorted(self.path.rglob("*")):
                if (
                    p.is_dir()
                    and not p.is_symlink()
                    and not p.name.lower().endswith((".csv", ".txt", ".wav"))
                ):
                    continue  # ordinary subfolders (features/); a folder named like a file
                self._files.setdefault(p.name.lower(), []).append(p)  # is kept, and refused
            return
        if kind is not None and kind != "missing":
            raise CorpusError(
                f"is {kind}, not a regular file or a folder (a session .zip file or folder "
                "expected)",
                path=self.path,
            )
        if kind == "missing" or self.path.suffix.lower() != ".zip":
            raise CorpusNotFoundError("expected a session .zip file or folder", path=self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            reason = _reason(exc)
            raise CorpusError(f"not a readable zip file ({reason})", path=self.path) from None
        for info in self._zip.infolist():
            name = info.filename
            if not info.is_dir() and "__MACOSX" not in name:
                self._files.setdefault(name.replace("\\", "/").rsplit("/", 1)[-1].lower(), [])
                self._files[name.replace("\\", "/").rsplit("/", 1)[-1].lower()].append(info)

    def names(self) -> list[str]:
        """The base names of all files in the session (lower case), sorted."""
        return sorted(self._files)

    def find(self, name: str) -> str | None:
        """A display path of the file called ``name`` (case-insensitive), or None."""
        hits = self._files.get(name.lower())
        if not hits:
            return None
        if self._zip is not None:
            return f"{self.path}:{hits[0].filename}"
        return str(hits[0])

    def size(self, name: str) -> int:
        """The (declared) size of a file in bytes."""
        hit = self._one(name)
        return hit.file_size if self._zip is not None else hit.stat().st_size

    def _one(self, name: str):
        hits = self._files.get(name.lower())
        if not hits:
            raise CorpusNotFoundError(f"no file named {name}", path=self.path)
        if len(hits) > 1 and not self._same(hits):
            shown = [h.filename if self._zip is not None else str(h) for h in hits[:3]]
            raise CorpusError(
                f"two different files named {name} in the session ({', '.join(shown)}): "
                "which one is meant?",
                path=self.find(name),
            )
        return hits[0]

    def _same(self, hits: list) -> bool:
        if self._zip is not None:
            return len({(h.CRC, h.file_size) for h in hits}) == 1
        import filecmp

        kinds = [file_kind(h) for h in hits]
        if any(kinds):
            return False
        return all(filecmp.cmp(hits[0], h, shallow=False) for h in hits[1:])

    def open(self, name: str, *, limit: int | None = None) -> BinaryIO:
        """A stream of the file called ``name``, stopped at ``limit`` bytes (default
        ``limits.max_member_bytes``); use it in a ``with`` block."""
        limit = self.limits.max_member_bytes if limit is None else limit
        hit = self._one(name)
        where = self.find(name)
        if self._zip is None:
            require_regular_file(hit, what="file")
            if hit.stat().st_size > limit:
                raise CorpusError(f"larger than the limit of {limit / MB:g} MB", path=where)
            return io.BufferedReader(_Member(open(hit, "rb"), where, limit), 1 << 20)
        if hit.flag_bits & 0x1:
            raise CorpusError("encrypted member (a password is needed; not supported)", path=where)
        if hit.compress_type not in _SUPPORTED_METHODS:
            raise CorpusError(
                f"unsupported compression method {hit.compress_type} (supported: "
                f"{', '.join(_SUPPORTED_METHODS.values())})",
                path=where,
            )
        if hit.file_size > limit:
            raise CorpusError(
                f"larger than the limit of {limit / MB:g} MB ({hit.file_size / MB:.1f} MB "
                "uncompressed; see --max-member-mb)",
                path=where,
            )
        try:
            raw = self._zip.open(hit)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError) as err:
            raise CorpusError(f"damaged member ({_reason(err)})", path=where) from None
        except NotImplementedError as err:
            raise CorpusError(f"unsupported member ({_reason(err)})", path=where) from None
        return io.BufferedReader(_Member(raw, where, limit), 1 << 20)

    def count_lines(self, name: str) -> int | None:
        """The number of lines of a file, streamed (None when the file is absent)."""
        if self.find(name) is None:
            return None
        lines = 0
        with self.open(name) as f:
            while chunk := f.read(1 << 22):
                lines += chunk.count(b"\n")
        return lines

    def read_bytes(self, name: str) -> bytes:
        """The bytes of a small text file (transcript, labels), at most
        ``limits.text_bytes()``; ``CorpusNotFoundError`` if absent."""
        with self.open(name, limit=self.limits.text_bytes()) as f:
            return f.read()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def wav_seconds(source: Source, name: str) -> float | None:
    """The length of a PCM WAV file of a session from its header (None when it cannot
    be told)."""
    if source.find(name) is None:
        return None
    try:
        with source.open(name) as f:
            head = f.read(1 << 16)
        return wav_header_seconds(head, source.size(name))
    except (CorpusError, OSError):
        return None


def wav_header_seconds(head: bytes, size: int) -> float | None:
    """The length in seconds of a WAV file from its first bytes and its size (None when
    ``head`` is not a WAV header)."""
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        return None
    pos, byte_rate = 12, None
    while pos + 8 <= len(head):
        chunk, length = head[pos : pos + 4], struct.unpack_from("<I", head, pos + 4)[0]
        if chunk == b"fmt " and pos + 16 <= len(head):
            byte_rate = struct.unpack_from("<I", head, pos + 16)[0]
        if chunk == b"data":
            if not byte_rate:
                return None
            available = max(0, size - (pos + 8))
            return (min(length, available) if length else available) / byte_rate
        pos += 8 + length + (length & 1)
    return None


def find_session_paths(root: str | Path) -> dict[str, Path]:
    """``XXX_P.zip`` files and ``XXX_P/`` folders in ``root`` (or ``root`` itself).

    Returns:
        participant id -> path, sorted by id; a folder wins over a zip of the same id.
    """
    root = Path(root)
    if not root.exists():
        raise CorpusNotFoundError("no such file or folder", path=root)
    match = SESSION_NAME.match(root.name)
    if match:
        return {match.group(1): root}
    found: dict[str, Path] = {}
    for p in sorted(root.iterdir(), key=lambda q: (q.is_file(), q.name)):
        m = SESSION_NAME.match(p.name)
        if m and (p.is_dir() or p.suffix.lower() == ".zip"):
            found.setdefault(m.group(1), p)
    return dict(sorted(found.items(), key=lambda kv: int(kv[0])))
