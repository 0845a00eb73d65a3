"""Label files of DAIC-WOZ (AVEC 2017) and E-DAIC (AVEC 2019), with all their quirks.

Public API:

- :data:`DAICWOZ_LABEL_FILES`, :data:`EDAIC_LABEL_FILES` file name -> split.
- :class:`LabelRow` one participant's labels; :class:`LabelTable` all of them, with the
  label disagreements and warnings.
- :func:`read_label_file` one file; :func:`read_labels` every known file under a folder.

Quirks handled: header spellings (``Participant_ID`` / ``participant_ID``, ``PHQ8_`` /
``PHQ_``), line endings (LF, CRLF, CR CR LF: no phantom rows), empty item cells, gender as
0/1 or as a string with trailing spaces, and a binary label that disagrees with its score.
The binary label is always **recomputed** from the score (``score >= 10``); each
disagreement with the file is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.data.tables import parse_delimited

#: DAIC-WOZ label files -> split.
DAICWOZ_LABEL_FILES: dict[str, str] = {
    "train_split_Depression_AVEC2017.csv": "train",
    "dev_split_Depression_AVEC2017.csv": "dev",
    "test_split_Depression_AVEC2017.csv": "test",
    "full_test_split.csv": "test",
}

#: E-DAIC label files -> split.
EDAIC_LABEL_FILES: dict[str, str] = {
    "train_split.csv": "train",
    "dev_split.csv": "dev",
    "test_split.csv": "test",
}

_SCORE = ("phq8_score", "phq_score")
_BINARY = ("phq8_binary", "phq_binary")
_GENDER_WORDS = {"female": 0, "f": 0, "male": 1, "m": 1, "0": 0, "1": 1}


@dataclass
class LabelRow:
    """One participant's labels from one file.

    Attributes:
        participant_id: e.g. ``"303"``.
        split: ``"train"``, ``"dev"`` or ``"test"``.
        phq_score: PHQ-8 total, or None where the file has no score.
        label: recomputed binary label (score >= 10), None without a score.
        binary_in_file: the binary label as written in the file (None if absent).
        gender: 0 = female, 1 = male, None if absent.
        items: PHQ-8 item name -> value (None for an empty cell).
        source: the file; line: its line number.
    """

    participant_id: str
    split: str
    phq_score: float | None
    label: int | None
    binary_in_file: int | None
    gender: int | None
    items: dict[str, float | None]
    source: str
    line: int


@dataclass
class LabelTable:
    """All label rows of a corpus, merged by participant."""

    rows: dict[str, LabelRow] = field(default_factory=dict)
    disagreements: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _number(cell: str, where: str, line: int, column: str) -> float | None:
    if cell == "" or cell.lower() in ("nan", "na"):
        return None
    try:
        return float(cell)
    except ValueError:
        raise ValueError(
            f"{where}, line {line}, column {column}: expected a number, found {cell!r}"
        ) from None


def _gender(cell: str, where: str, line: int) -> int | None:
    text = cell.strip().lower()
    if text == "":
        return None
    if text in _GENDER_WORDS:
        return _GENDER_WORDS[text]
    raise ValueError(
        f"{where}, line {line}, column Gender: expected 0/1 or male/female, found {cell!r}"
    )


def read_label_file(data: bytes, where: str, split: str) -> tuple[list[LabelRow], list[dict]]:
    """Parse one label file.

    Args:
        data: the file's bytes.
        where: its path, for messages.
        split: the split this file holds.
    Returns:
        (rows, disagreements); a disagreement is a dict with ``participant_id``, ``file``,
        ``line``, ``phq_score``, ``binary_in_file`` and ``recomputed``.
    """
    header, body = parse_delimited(data, where, sep=",")
    lower = [h.lower() for h in header]
    if "participant_id" not in lower:
        raise ValueError(f"{where}, line 1: expected a Participant_ID column, found {header}")
    col = {name: i for i, name in enumerate(lower)}
    score_col = next((c for c in _SCORE if c in col), None)
    binary_col = next((c for c in _BINARY if c in col), None)
    item_cols = [h for h in lower if h.startswith("phq8_") and h not in _SCORE + _BINARY]
    rows, disagreements = [], []
    for line, cells in body:
        if len(cells) != len(header):
            raise ValueError(
                f"{where}, line {line}: expected {len(header)} comma-separated cells "
                f"({','.join(header)}), found {len(cells)}"
            )
        pid_text = cells[col["participant_id"]]
        pid_value = _number(pid_text, where, line, "Participant_ID")
        if pid_value is None or pid_value != int(pid_value):
            raise ValueError(
                f"{where}, line {line}: expected a participant id, found {pid_text!r}"
            )
        pid = str(int(pid_value))
        score = (
            _number(cells[col[score_col]], where, line, header[col[score_col]])
            if score_col
            else None
        )
        if score is not None and not 0 <= score <= 24:
            raise ValueError(f"{where}, line {line}: PHQ-8 score {score} outside 0..24")
        binary = None
        if binary_col:
            value = _number(cells[col[binary_col]], where, line, header[col[binary_col]])
            if value is not None and value not in (0, 1):
                raise ValueError(f"{where}, line {line}: binary label must be 0 or 1, got {value}")
            binary = None if value is None else int(value)
        label = None if score is None else int(score >= PHQ8_THRESHOLD)
        if label is None and binary is not None:
            label = binary
        elif label is not None and binary is not None and binary != label:
            disagreements.append(
                {
                    "participant_id": pid,
                    "file": where,
                    "line": line,
                    "phq_score": score,
                    "binary_in_file": binary,
                    "recomputed": label,
                }
            )
        gender = _gender(cells[col["gender"]], where, line) if "gender" in col else None
        items = {
            header[col[c]]: _number(cells[col[c]], where, line, header[col[c]]) for c in item_cols
        }
        rows.append(LabelRow(pid, split, score, label, binary, gender, items, where, line))
    return rows, disagreements


def read_labels(root: str | Path, files: dict[str, str]) -> LabelTable:
    """Read every label file of ``files`` found in ``root`` (or one folder level below).

    Participants that appear in two files of the same split (``test_split`` and
    ``full_test_split``) are merged; one participant in two splits is an error.
    """
    root = Path(root)
    table = LabelTable()
    for name, split in files.items():
        candidates = [root / name, *sorted(root.glob(f"*/{name}"))]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            continue
        table.files.append(str(path))
        rows, disagreements = read_label_file(path.read_bytes(), str(path), split)
        table.disagreements.extend(disagreements)
        for row in rows:
            old = table.rows.get(row.participant_id)
            if old is None:
                table.rows[row.participant_id] = row
                continue
            if old.split != row.split:
                raise ValueError(
                    f"participant {row.participant_id} is in {old.split} ({old.source}, line "
                    f"{old.line}) and in {row.split} ({row.source}, line {row.line})"
                )
            if old.phq_score is None and row.phq_score is not None:
                row.gender = row.gender if row.gender is not None else old.gender
                table.rows[row.participant_id] = row
            elif row.gender is not None and old.gender is None:
                old.gender = row.gender
    return table
