"""DAIC-WOZ transcripts: ``XXX_TRANSCRIPT.csv`` -> checked rows -> participant turns.

Public API: :func:`transcript_rows` (rows with the shared timing rules of
:func:`~mimml_edu.data.turns.check_span`), :func:`build_turns`, :func:`parse_transcript`
(both steps) and :func:`ellie_text`. One turn is a run of consecutive participant rows
between two interviewer (Ellie) rows; without Ellie lines every participant row is a turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mimml_edu.data.tables import parse_delimited
from mimml_edu.data.turns import clean_text, parse_span
from mimml_edu.errors import CorpusError

_PROMPT_ID = re.compile(r"^\s*[A-Za-z0-9_]+\s*\((.*)\)\s*$", re.DOTALL)


def ellie_text(value: str) -> str:
    """Ellie's words: ``"prompt_id (text)"`` (sessions 363 on) -> ``"text"``."""
    match = _PROMPT_ID.match(value)
    return clean_text(match.group(1) if match else value)


@dataclass
class Turn:
    """One participant turn: transcript times (seconds), text, and Ellie's lines before it."""

    start: float
    stop: float
    text: str
    interviewer_text: str


@dataclass
class Row:
    """One transcript row: its line, times (seconds), speaker (lower case) and value."""

    line: int
    start: float
    stop: float
    speaker: str
    value: str


def transcript_rows(data: bytes, where: str) -> list[Row]:
    """The rows of a DAIC-WOZ transcript, checked, in time order.

    Args:
        data: bytes of ``XXX_TRANSCRIPT.csv`` (tab-separated, header
            ``start_time stop_time speaker value``).
        where: its path, for messages.
    Raises:
        CorpusError naming the file and line of a malformed row.
    """
    _, body = parse_delimited(
        data, where, sep="\t", expected_header=("start_time", "stop_time", "speaker", "value")
    )
    rows = []
    for line, cells in body:
        if len(cells) == 3:
            cells = [*cells, ""]  # an empty value cell with its tab dropped
        if len(cells) != 4:
            raise CorpusError(
                "expected 4 tab-separated cells (start_time, stop_time, speaker, value), "
                f"found {len(cells)}",
                path=where,
                line=line,
            )
        start, stop = parse_span(cells[0], cells[1], where, line)
        speaker = cells[2].strip().lower()
        if speaker not in ("ellie", "participant"):
            raise CorpusError(
                f"expected Ellie or Participant, found {cells[2][:40]!r}",
                path=where, line=line, key="column speaker",
            )  # fmt: skip
        rows.append(Row(line, start, stop, speaker, cells[3]))
    rows.sort(key=lambda r: r.start)
    return rows


def build_turns(rows: Sequence[Row]) -> tuple[list[Turn], bool]:
    """Participant turns from transcript rows (see the module docstring).

    Returns:
        (turns in time order, whether the transcript has interviewer lines).
    """
    has_ellie = any(r.speaker == "ellie" for r in rows)
    turns: list[Turn] = []
    pending_ellie: list[str] = []
    current: Turn | None = None
    for r in rows:
        if r.speaker == "ellie":
            if current is not None:
                turns.append(current)
                current = None
            text = ellie_text(r.value)
            if text:
                pending_ellie.append(text)
            continue
        text = clean_text(r.value)
        if current is None or not has_ellie:
            if current is not None:
                turns.append(current)
            current = Turn(r.start, r.stop, text, " ".join(pending_ellie))
            pending_ellie = []
        else:
            current.stop = max(current.stop, r.stop)
            current.text = f"{current.text} {text}".strip()
    if current is not None:
        turns.append(current)
    return turns, has_ellie


def parse_transcript(data: bytes, where: str) -> tuple[list[Turn], bool]:
    """Participant turns of a DAIC-WOZ transcript (:func:`transcript_rows`, then
    :func:`build_turns`).

    Returns:
        (turns in time order, whether the transcript has interviewer lines).
    Raises:
        CorpusError naming the file and line of a malformed row.
    """
    return build_turns(transcript_rows(data, where))
