"""Reading the corpora's text tables with errors that name the file, the line and the column.

Public API: :class:`~mimml_edu.data.source.Source` (one session's files, re-exported),
:func:`read_text` (any line endings, no phantom rows), :func:`parse_delimited` (rows of
cells with a header check), :func:`table_blocks` (a numeric table streamed in blocks of
rows, so memory does not grow with the file), and the whole-table forms
:func:`numeric_table` and :func:`select_columns`. ``-inf``, ``inf`` and NaN cells become
NaN; every other cell must be a number, and every row must have the header's number of
cells. Every problem is a :class:`~mimml_edu.errors.CorpusError`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import BinaryIO

import numpy as np
import pandas as pd

from mimml_edu.data.source import Limits, Source  # noqa: F401  (re-exported)
from mimml_edu.errors import CorpusError

#: Bytes of a table parsed at once (whole lines): the working set of the table readers.
BLOCK_BYTES = 4 << 20
_NOT_NUMBERS = ["nan", "-nan", "inf", "-inf", "+inf", "na", ""]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_text(data: bytes) -> list[str]:
    """Decode (:func:`decode_text`) and split into physical lines.

    CR LF, LF and a lone CR each end a line, so CR CR LF gives one blank line, which the
    parsers below skip: no phantom rows.
    """
    return decode_text(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")


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
        raise CorpusError("the file is empty", path=where)
    header_line, header_text = numbered[0]
    header = [h.strip() for h in header_text.split(sep)]
    if expected_header is not None:
        got = [h.lower() for h in header]
        want = [h.lower() for h in expected_header]
        if got != want:
            raise CorpusError(
                f"expected the header {list(expected_header)}, found {_short(header)}",
                path=where,
                line=header_line,
            )
    rows = []
    for number, line in numbered[1:]:
        cells = line.split(sep)
        if strip_cells:
            cells = [c.strip() for c in cells]
        rows.append((number, cells))
    return header, rows


def _short(value, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _line_blocks(stream: BinaryIO, block_bytes: int, where: str) -> Iterator[tuple[bytes, int]]:
    """(whole lines without CR, number of the block's first line) of a stream."""
    carry, line = b"", 1
    while True:
        chunk = stream.read(block_bytes)
        data = carry + chunk
        if not chunk:
            if data:
                yield data.replace(b"\r", b""), line
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > 4 * block_bytes:
                raise CorpusError(
                    f"a line longer than {4 * block_bytes >> 20} MB", path=where, line=line
                )
            carry = data
            continue
        block, carry = data[: cut + 1], data[cut + 1 :]
        yield block.replace(b"\r", b""), line
        line += block.count(b"\n")


def _lines(block: bytes, first: int, sep: bytes) -> tuple[bytes, np.ndarray, np.ndarray]:
    """The block without blank lines, the line number and the separator count of each line
    (a few bytes of working memory per byte of the block)."""
    arr = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    if not len(ends) or ends[-1] != len(arr) - 1:
        ends = np.r_[ends, len(arr)]
    starts = np.r_[0, ends[:-1] + 1]
    lengths = ends - starts
    n_sep = np.zeros(len(ends), dtype=np.int64)
    full = lengths > 0
    if full.any():
        n_sep[full] = np.add.reduceat(arr == sep[0], starts[full])[: int(full.sum())]
        # reduceat sums up to the next start; a segment holds its line and its newline
    numbers = first + np.arange(len(ends))
    blank = np.zeros(len(ends), dtype=bool)
    for i in np.flatnonzero(n_sep == 0):  # only lines without separators can be blank
        blank[i] = not block[starts[i] : ends[i]].strip(b" \t")
    if blank.any():
        keep = ~blank
        block = b"".join(block[a : b + 1] for a, b in zip(starts[keep], ends[keep], strict=True))
        numbers, n_sep = numbers[keep], n_sep[keep]
    if block and not block.endswith(b"\n"):
        block += b"\n"
    return block, numbers, n_sep


def table_blocks(
    stream: BinaryIO,
    where: str,
    *,
    sep: str,
    header: bool,
    n_columns: int | None = None,
    column_names: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
    skip: int = 0,
    block_bytes: int = BLOCK_BYTES,
) -> tuple[list[str], Iterator[np.ndarray]]:
    """A numeric table as float64 blocks of rows, read from a stream.

    Args:
        stream: the file, opened in binary mode (e.g. :meth:`Source.open`).
        where: its name for messages.
        sep: separator; ``", "`` files are split at ``","`` with spaces skipped.
        header: whether the first non-blank line is a header.
        n_columns: the number of columns every row must have (default: the header's).
        column_names: the header the file must have (case-insensitive), when given.
        columns: with a header, the columns to take by name, in this order; None takes
            every column after the first ``skip`` ones.
        block_bytes: bytes parsed at once.
    Returns:
        (names of the columns taken, iterator of ``(rows, len(names))`` float64 arrays);
        the iterator raises :class:`CorpusError` at the first malformed row or cell.
    """
    char = sep.strip() or sep
    blocks = _line_blocks(stream, block_bytes, where)
    names: list[str] = list(column_names or [])
    first: tuple[bytes, np.ndarray, np.ndarray] | None = None
    for block, line in blocks:
        text, numbers, n_sep = _lines(block, line, char.encode())
        if len(numbers):
            first = (text, numbers, n_sep)
            break
    if first is None:
        raise CorpusError("the file is empty", path=where)
    text, numbers, n_sep = first
    idx: list[int] | None = None
    if header:
        head_end = text.index(b"\n")
        found = [h.strip() for h in text[:head_end].decode("latin-1").split(char)]
        if column_names is not None:
            _check_header(found, column_names, where, int(numbers[0]))
        names = found
        if columns is not None:
            lookup = {h.lower(): i for i, h in enumerate(found)}
            missing = [c for c in columns if c.lower() not in lookup]
            if missing:
                raise CorpusError(
                    f"missing column(s) {missing}; the header has {len(found)} columns "
                    f"starting {found[:6]}",
                    path=where,
                    line=int(numbers[0]),
                )
            idx = [lookup[c.lower()] for c in columns]
        elif skip:
            idx = list(range(skip, len(found)))
        first = (text[head_end + 1 :], numbers[1:], n_sep[1:])
        n_columns = len(found) if n_columns is None else n_columns
    if n_columns is None:
        raise ValueError("table_blocks needs n_columns for a table without a header")
    taken = [names[i] for i in idx] if idx is not None else names

    def parse(text: bytes, numbers: np.ndarray, n_sep: np.ndarray) -> np.ndarray:
        bad = np.flatnonzero(n_sep != n_columns - 1)
        if len(bad):
            raise CorpusError(
                f"expected {n_columns} columns separated by {sep!r}, found "
                f"{int(n_sep[bad[0]]) + 1}",
                path=where,
                line=int(numbers[bad[0]]),
            )
        if not len(numbers):
            return np.zeros((0, len(idx) if idx is not None else n_columns))
        try:
            frame = pd.read_csv(
                io.BytesIO(text), sep=char, header=None, names=list(range(n_columns)),
                usecols=idx, skipinitialspace=True, engine="c", encoding="latin-1",
                low_memory=False, skip_blank_lines=False,
            )  # fmt: skip
        except (pd.errors.ParserError, ValueError) as exc:
            raise CorpusError(f"malformed table ({_short(str(exc))})", path=where) from None
        if idx is not None:
            frame = frame[idx]
        return _to_float(frame, where, taken, numbers)

    def iterate() -> Iterator[np.ndarray]:
        yield parse(*first)
        for block, line in blocks:
            text, numbers, n_sep = _lines(block, line, char.encode())
            if len(numbers):
                yield parse(text, numbers, n_sep)

    return taken, iterate()


def _check_header(found: list[str], want: Sequence[str], where: str, line: int) -> None:
    got, expected = [n.lower() for n in found], [n.lower() for n in want]
    if got == expected:
        return
    bad = next((i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b), None)
    if bad is None:
        raise CorpusError(
            f"expected {len(want)} header columns, found {len(found)}", path=where, line=line
        )
    raise CorpusError(
        f"column {bad + 1}: expected header {want[bad]!r}, found {_short(found[bad])}",
        path=where,
        line=line,
    )


def _to_float(
    frame: pd.DataFrame, where: str, names: Sequence[str], lines: np.ndarray
) -> np.ndarray:
    """Convert a parsed block to float64, raising at the first cell that is not a number."""
    values = np.empty(frame.shape, dtype=np.float64)
    for j, col in enumerate(frame.columns):
        series = frame[col]
        if series.dtype.kind in "fiub":
            values[:, j] = series.to_numpy(dtype=np.float64)
            continue
        converted = pd.to_numeric(series, errors="coerce")
        bad = converted.isna() & series.notna()
        if bad.any():
            text = series[bad].astype(str).str.strip().str.lower()
            really = ~text.isin(_NOT_NUMBERS)
            if really.any():
                row = int(np.flatnonzero(bad.to_numpy())[np.flatnonzero(really.to_numpy())[0]])
                label = f" ({names[j]})" if j < len(names) else ""
                raise CorpusError(
                    f"expected a number, found {_short(series.iloc[row], 40)}",
                    path=where,
                    line=int(lines[row]),
                    key=f"column {j + 1}{label}",
                )
        values[:, j] = converted.to_numpy(dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def numeric_table(
    data: bytes,
    where: str,
    *,
    sep: str,
    n_columns: int,
    header: bool,
    column_names: Sequence[str] | None = None,
) -> tuple[list[str], np.ndarray]:
    """A whole numeric table from bytes (:func:`table_blocks`, concatenated).

    Returns:
        (column names, float64 array ``(n_rows, n_columns)``).
    """
    names, blocks = table_blocks(
        io.BytesIO(data), where, sep=sep, header=header, n_columns=n_columns,
        column_names=column_names,
    )  # fmt: skip
    parts = list(blocks)
    return names, np.vstack(parts) if parts else np.zeros((0, n_columns))


def select_columns(
    data: bytes, where: str, *, sep: str, columns: Sequence[str] | None = None, skip: int = 0
) -> tuple[list[str], np.ndarray]:
    """Numeric columns of a table with a header, chosen by name (case and spaces ignored).

    Returns:
        (names, float64 array ``(n_rows, len(names))``).
    """
    names, blocks = table_blocks(
        io.BytesIO(data), where, sep=sep, header=True, columns=columns, skip=skip
    )
    parts = list(blocks)
    return names, np.vstack(parts) if parts else np.zeros((0, len(names)))
