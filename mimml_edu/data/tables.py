"""Reading the corpora's text tables with errors that name the file, the line and the column.

Public API: :class:`Source` (one session's files, from a zip or a folder, found by name),
:func:`read_text` (any line endings, no phantom rows), :func:`parse_delimited` (rows of
cells with a header check), :func:`numeric_table` (a float array with ``-inf``/NaN kept
as NaN, and an error at the first cell that is not a number) and :func:`select_columns`
(the same for named columns of a wider table).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd


class Source:
    """The files of one session, in a ``.zip`` or a folder, found by their base name.

    Args:
        path: a ``XXX_P.zip`` file or a ``XXX_P/`` folder (files may sit in subfolders).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._files: dict[str, str | Path] = {}
        if self.path.is_file() and self.path.suffix.lower() == ".zip":
            try:
                self._zip = zipfile.ZipFile(self.path)
            except zipfile.BadZipFile as exc:
                raise ValueError(f"{self.path}: not a readable zip file ({exc})") from exc
            for name in self._zip.namelist():
                if not name.endswith("/") and "__MACOSX" not in name:
                    self._files.setdefault(name.rsplit("/", 1)[-1].lower(), name)
        elif self.path.is_dir():
            for p in sorted(self.path.rglob("*")):
                if p.is_file():
                    self._files.setdefault(p.name.lower(), p)
        else:
            raise FileNotFoundError(f"{self.path}: expected a session .zip file or folder")

    def names(self) -> list[str]:
        """The base names of all files in the session (lower case), sorted."""
        return sorted(self._files)

    def find(self, name: str) -> str | None:
        """A display path of the file called ``name`` (case-insensitive), or None."""
        hit = self._files.get(name.lower())
        if hit is None:
            return None
        return f"{self.path}:{hit}" if self._zip is not None else str(hit)

    def read_bytes(self, name: str) -> bytes:
        """The bytes of the file called ``name``; ``FileNotFoundError`` if absent."""
        hit = self._files.get(name.lower())
        if hit is None:
            raise FileNotFoundError(f"{self.path}: no file named {name}")
        if self._zip is not None:
            return self._zip.read(str(hit))
        return Path(hit).read_bytes()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def read_text(data: bytes) -> list[str]:
    """Decode (UTF-8, else Latin-1) and split into physical lines.

    CR LF, LF and a lone CR each end a line, so CR CR LF gives one blank line, which the
    parsers below skip: no phantom rows.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_delimited(
    data: bytes,
    where: str,
    *,
    sep: str,
    expected_header: Sequence[str] | None = None,
    strip_cells: bool = True,
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split a delimited text file into a header and rows, keeping physical line numbers.

    Line endings are normalised (so CR CR LF gives no phantom rows) and blank lines, or
    lines of only separators, are skipped.

    Args:
        data: the file's bytes.
        where: the file's name for error messages.
        sep: the cell separator.
        expected_header: if given, the header must have these names (case-insensitive,
            surrounding spaces ignored), in this order.
    Returns:
        (header cells, list of (line number starting at 1, cells)).
    """
    numbered = [(i + 1, line) for i, line in enumerate(read_text(data)) if line.strip(sep + " \t")]
    if not numbered:
        raise ValueError(f"{where}: the file is empty")
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split(sep)]
    if expected_header is not None:
        got = [h.lower() for h in header]
        want = [h.lower() for h in expected_header]
        if got != want:
            raise ValueError(
                f"{where}, line {header_line}: expected the header {list(expected_header)}, "
                f"found {header}"
            )
    rows = []
    for number, line in numbered[1:]:
        cells = line.split(sep)
        if strip_cells:
            cells = [c.strip() for c in cells]
        rows.append((number, cells))
    return header, rows


def numeric_table(
    data: bytes,
    where: str,
    *,
    sep: str,
    n_columns: int,
    header: bool,
    column_names: Sequence[str] | None = None,
) -> tuple[list[str], np.ndarray]:
    """Parse a numeric table fast (pandas C parser) and check its shape and cells.

    Args:
        data: the file's bytes.
        where: the file's name for error messages.
        sep: separator; ``", "`` files are read with ``","`` and spaces skipped.
        n_columns: the number of columns expected.
        header: whether the first line is a header.
        column_names: expected header names (checked case-insensitively when given).
    Returns:
        (column names, float64 array ``(n_rows, n_columns)``); ``-inf``, ``inf`` and NaN
        cells become NaN.
    Raises:
        ValueError naming the file, line and column of the first malformed cell.
    """
    if not data.strip():
        raise ValueError(f"{where}: the file is empty")
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=sep.strip() or sep,
            header=0 if header else None,
            skipinitialspace=True,
            skip_blank_lines=True,
            engine="c",
            low_memory=False,
        )
    except pd.errors.ParserError as exc:
        raise ValueError(
            f"{where}: malformed table ({exc}); expected {n_columns} columns"
        ) from exc
    names = [str(c).strip() for c in frame.columns] if header else list(column_names or [])
    if frame.shape[1] != n_columns:
        raise ValueError(
            f"{where}: expected {n_columns} columns separated by {sep!r}, found {frame.shape[1]}"
        )
    if header and column_names is not None:
        got, want = [n.lower() for n in names], [n.lower() for n in column_names]
        if got != want:
            bad = next(i for i, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
            raise ValueError(
                f"{where}, line 1, column {bad + 1}: expected header {column_names[bad]!r}, "
                f"found {names[bad]!r}"
            )
    return names, _to_float(frame, where, names, header)


def _to_float(frame: pd.DataFrame, where: str, names: Sequence[str], header: bool) -> np.ndarray:
    """Convert a parsed frame to float64, raising at the first cell that is not a number."""
    values = np.empty(frame.shape, dtype=np.float64)
    offset = 2 if header else 1
    for j, col in enumerate(frame.columns):
        series = frame[col]
        if series.dtype.kind in "fiub":
            values[:, j] = series.to_numpy(dtype=np.float64)
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            text = series[bad].astype(str).str.strip().str.lower()
            really = ~text.isin(["nan", "-nan", "inf", "-inf", "+inf", "na", ""])
            if really.any():
                row = int(np.flatnonzero(bad.to_numpy())[np.flatnonzero(really.to_numpy())[0]])
                label = f" ({names[j]})" if j < len(names) else ""
                raise ValueError(
                    f"{where}, data row {row + 1}{' after the header' if header else ''} "
                    f"(line {row + offset} if no blank lines), column {j + 1}{label}: "
                    f"expected a number, found {series.iloc[row]!r}"
                )
        values[:, j] = converted.to_numpy(dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def select_columns(
    data: bytes, where: str, *, sep: str, columns: Sequence[str] | None = None, skip: int = 0
) -> tuple[list[str], np.ndarray]:
    """Numeric columns of a table with a header, chosen by name (case and spaces ignored).

    Args:
        data: the file's bytes.
        where: its name, for messages.
        sep: the separator.
        columns: names to take, in this order; None takes every column after the first
            ``skip`` ones.
        skip: with ``columns=None``, how many leading (non-numeric) columns to leave out.
    Returns:
        (names, float64 array ``(n_rows, len(names))``).
    Raises:
        ValueError naming the file and the missing column or the malformed cell.
    """
    first = next((line for line in read_text(data) if line.strip()), None)
    if first is None:
        raise ValueError(f"{where}: the file is empty")
    header = [h.strip() for h in first.split(sep)]
    lookup = {h.lower(): i for i, h in enumerate(header)}
    if columns is None:
        idx = list(range(skip, len(header)))
    else:
        missing = [c for c in columns if c.lower() not in lookup]
        if missing:
            raise ValueError(
                f"{where}, line 1: missing column(s) {missing}; the header has {len(header)} "
                f"columns starting {header[:6]}"
            )
        idx = [lookup[c.lower()] for c in columns]
    try:
        frame = pd.read_csv(
            io.BytesIO(data), sep=sep, header=0, usecols=idx, skipinitialspace=True, engine="c"
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ValueError(f"{where}: malformed table ({exc})") from exc
    frame = frame.iloc[:, np.argsort(np.argsort(idx))] if columns is not None else frame
    names = [header[i] for i in idx]
    return names, _to_float(frame, where, names, True)
