"""Hypothesis strategies that damage a valid file the ways real files get damaged.

:func:`mutated_text` applies one to three of: truncation, byte flips, deleted or
duplicated rows, deleted or duplicated columns, shuffled rows, and a swapped encoding
(UTF-16, Latin-1 with accents, a byte-order mark) to a delimited text file;
:func:`mutated_bytes` truncates and flips bytes of a binary file (a zip, a checkpoint).
"""

from __future__ import annotations

from hypothesis import strategies as st


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _truncate(draw, data: bytes, sep: bytes) -> bytes:
    return data[: draw(st.integers(0, max(0, len(data) - 1)))]


def _flip(draw, data: bytes, sep: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(out) - 1))
        out[i] = draw(st.sampled_from([0, 9, 10, 13, 34, 44, 45, 46, 48, 59, 110, 255]))
    return bytes(out)


def _delete_row(draw, data: bytes, sep: bytes) -> bytes:
    lines = _lines(data)
    if len(lines) > 1:
        del lines[draw(st.integers(0, len(lines) - 1))]
    return b"\n".join(lines)


def _duplicate_row(draw, data: bytes, sep: bytes) -> bytes:
    lines = _lines(data)
    i = draw(st.integers(0, len(lines) - 1))
    lines.insert(draw(st.integers(0, len(lines))), lines[i])
    return b"\n".join(lines)


def _shuffle(draw, data: bytes, sep: bytes) -> bytes:
    lines = _lines(data)
    return b"\n".join(draw(st.permutations(lines)))


def _column(draw, data: bytes, sep: bytes, *, duplicate: bool) -> bytes:
    lines = _lines(data)
    width = max((line.count(sep) for line in lines), default=0) + 1
    j = draw(st.integers(0, width - 1))
    rows = draw(st.sampled_from(["all", "one"]))
    k = draw(st.integers(0, len(lines) - 1))
    out = []
    for i, line in enumerate(lines):
        cells = line.split(sep)
        if j < len(cells) and (rows == "all" or i == k):
            if duplicate:
                cells.insert(j, cells[j])
            else:
                del cells[j]
        out.append(sep.join(cells))
    return b"\n".join(out)


def _encoding(draw, data: bytes, sep: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    kind = draw(st.sampled_from(["utf-16", "latin-1", "bom", "crlf", "cr"]))
    if kind == "utf-16":
        return text.encode("utf-16")
    if kind == "latin-1":
        return text.replace("e", "é").encode("latin-1", errors="replace")
    if kind == "bom":
        return b"\xef\xbb\xbf" + data
    if kind == "crlf":
        return data.replace(b"\n", b"\r\r\n")
    return data.replace(b"\n", b"\r")


_TEXT_OPS = {
    "truncate": _truncate,
    "flip": _flip,
    "delete_row": _delete_row,
    "duplicate_row": _duplicate_row,
    "shuffle": _shuffle,
    "delete_column": lambda d, x, s: _column(d, x, s, duplicate=False),
    "duplicate_column": lambda d, x, s: _column(d, x, s, duplicate=True),
    "encoding": _encoding,
}


@st.composite
def mutated_text(draw, data: bytes, sep: str):
    """``data`` (a delimited text file) after one to three damages."""
    for op in draw(st.lists(st.sampled_from(sorted(_TEXT_OPS)), min_size=1, max_size=3)):
        data = _TEXT_OPS[op](draw, data, sep.encode())
    return data


@st.composite
def mutated_bytes(draw, data: bytes):
    """``data`` (a binary file) truncated or with flipped bytes."""
    for op in draw(st.lists(st.sampled_from(["truncate", "flip"]), min_size=1, max_size=2)):
        data = _TEXT_OPS[op](draw, data, b",")
    return data
