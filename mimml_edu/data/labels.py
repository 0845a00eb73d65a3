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
disagreement with the file is reported, and so are PHQ-8 items (each 0..3) whose sum
differs from the total (the total is kept).

A row that cannot be used (a cell that is not a number, a score outside 0..24, an item
outside 0..3, a bad gender, the wrong number of cells) and a participant with two
different label rows, or in two splits, are **problems** of that participant
(:attr:`LabelTable.problems`): the readers skip its session with the reason, and go on
with the others; with ``strict`` the first problem is raised instead. A label file that is
not a label file (no ``Participant_ID`` column, empty, not a regular file) is a
:class:`~mimml_edu.errors.CorpusError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.data.source import DEFAULT_LIMITS, Limits, require_regular_file
from mimml_edu.data.tables import parse_delimited
from mimml_edu.errors import CorpusError

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
    """All label rows of a corpus, merged by participant.

    Attributes:
        rows: participant id -> its labels (participants with a problem are not here).
        disagreements: reported disagreements (``kind`` ``"binary"``: the file's binary
            label differs from the recomputed one; ``"item_sum"``: the items do not add up
            to the total).
        problems: participant id -> why its labels cannot be used.
        warnings: rows that name no participant, and other notes.
        files: the label files read.
    """

    rows: dict[str, LabelRow] = field(default_factory=dict)
    disagreements: list[dict] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def problem(self, pid: str | None, error: CorpusError, *, strict: bool) -> None:
        """Record (or, with ``strict``, raise) a row or participant that cannot be used."""
        if strict:
            raise error
        if pid is None:
            self.warnings.append(f"{error} (row not used)")
        else:
            self.problems.setdefault(pid, str(error))
            self.rows.pop(pid, None)


def _number(cell: str, where: str, line: int, column: str) -> float | None:
    if cell == "" or cell.lower() in ("nan", "na"):
        return None
    try:
        value = float(cell)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise CorpusError(
            f"expected a number, found {cell[:40]!r}",
            path=where,
            line=line,
            key=f"column {column}",
        )
    return value


def _gender(cell: str, where: str, line: int) -> int | None:
    text = cell.strip().lower()
    if text == "":
        return None
    if text in _GENDER_WORDS:
        return _GENDER_WORDS[text]
    raise CorpusError(
        f"expected 0/1 or male/female, found {cell[:40]!r}", path=where, line=line,
        key="column Gender",
    )  # fmt: skip


def read_label_file(
    data: bytes, where: str, split: str, *, table: LabelTable | None = None
) -> tuple[list[LabelRow], list[dict]]:
    """Parse one label file.

    Args:
        data: the file's bytes.
        where: its path, for messages.
        split: the split this file holds.
        table: where a row that cannot be used is recorded as a problem (None: raise it).
    Returns:
        (rows, disagreements); a disagreement is a dict with ``kind``, ``participant_id``,
        ``file``, ``line``, ``phq_score`` and, for ``kind="binary"``, ``binary_in_file``
        and ``recomputed``; for ``kind="item_sum"``, ``item_sum``.
    Raises:
        CorpusError: no ``Participant_ID`` column or an empty file; with ``table=None``,
            the first row that cannot be used.
    """
    header, body = parse_delimited(data, where, sep=",")
    lower = [h.lower() for h in header]
    if "participant_id" not in lower:
        raise CorpusError(
            f"expected a Participant_ID column, found {header[:8]}", path=where, line=1
        )
    col = {name: i for i, name in enumerate(lower)}
    rows, disagreements = [], []
    for line, cells in body:
        pid = None
        try:
            pid = _participant(cells, col, where, line)
            if len(cells) != len(header):
                raise CorpusError(
                    f"expected {len(header)} comma-separated cells ({','.join(header)[:80]}), "
                    f"found {len(cells)}",
                    path=where,
                    line=line,
                )
            row, found = _row(pid, cells, header, col, where, line, split)
        except CorpusError as err:
            if table is None:
                raise
            table.problem(pid, err, strict=False)
            continue
        rows.append(row)
        disagreements += found
    return rows, disagreements


def _participant(cells: list[str], col: dict[str, int], where: str, line: int) -> str:
    i = col["participant_id"]
    text = cells[i] if i < len(cells) else ""
    value = None
    try:
        value = _number(text, where, line, "Participant_ID")
    except CorpusError:
        pass
    if value is None or value != int(value) or value < 0:
        raise CorpusError(f"expected a participant id, found {text[:40]!r}", path=where, line=line)
    return str(int(value))


def _row(pid, cells, header, col, where, line, split) -> tuple[LabelRow, list[dict]]:
    """One row's labels and its disagreements; raises CorpusError for a bad cell."""
    score_col = next((c for c in _SCORE if c in col), None)
    binary_col = next((c for c in _BINARY if c in col), None)
    item_cols = [h for h in col if h.startswith("phq8_") and h not in _SCORE + _BINARY]
    score = None
    if score_col:
        score = _number(cells[col[score_col]], where, line, header[col[score_col]])
    if score is not None and not 0 <= score <= 24:
        raise CorpusError(f"PHQ-8 score {score:g} outside 0..24", path=where, line=line)
    binary = None
    if binary_col:
        value = _number(cells[col[binary_col]], where, line, header[col[binary_col]])
        if value is not None and value not in (0, 1):
            raise CorpusError(
                f"binary label must be 0 or 1, got {value:g}", path=where, line=line,
                key=f"column {header[col[binary_col]]}",
            )  # fmt: skip
        binary = None if value is None else int(value)
    items = {}
    for c in item_cols:
        name = header[col[c]]
        value = _number(cells[col[c]], where, line, name)
        if value is not None and (value not in (0, 1, 2, 3)):
            raise CorpusError(
                f"PHQ-8 item {value:g} outside 0..3 (each item is 0, 1, 2 or 3)",
                path=where, line=line, key=f"column {name}",
            )  # fmt: skip
        items[name] = value
    found = []
    label = None if score is None else int(score >= PHQ8_THRESHOLD)
    if label is None and binary is not None:
        label = binary
    elif label is not None and binary is not None and binary != label:
        found.append(_disagreement("binary", pid, where, line, score,
                                   binary_in_file=binary, recomputed=label))  # fmt: skip
    values = list(items.values())
    if score is not None and values and None not in values and sum(values) != score:
        found.append(_disagreement("item_sum", pid, where, line, score,
                                   item_sum=float(sum(values))))  # fmt: skip
    gender = _gender(cells[col["gender"]], where, line) if "gender" in col else None
    return LabelRow(pid, split, score, label, binary, gender, items, where, line), found


def _disagreement(kind, pid, where, line, score, **extra) -> dict:
    return {"kind": kind, "participant_id": pid, "file": where, "line": line,
            "phq_score": score, **extra}  # fmt: skip


def read_labels(
    root: str | Path,
    files: dict[str, str],
    *,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> LabelTable:
    """Read every label file of ``files`` found in ``root`` (or one folder level below).

    Participants that appear in two files of the same split with the same labels
    (``test_split`` and ``full_test_split``) are merged; two different label rows of one
    participant, or one participant in two splits, are a problem of that participant.

    Args:
        root: the corpus folder.  files: file name -> split.
        strict: raise the first problem instead of recording it.
        limits: the largest label file read.
    """
    root = Path(root)
    table = LabelTable()
    for name, split in files.items():
        candidates = [root / name, *sorted(root.glob(f"*/{name}"))]
        path = next((p for p in candidates if p.exists() or p.is_symlink()), None)
        if path is None:
            continue
        require_regular_file(path, what="label file")
        if path.stat().st_size > limits.text_bytes():
            raise CorpusError(
                f"larger than the limit of {limits.text_bytes() >> 20} MB for a label file",
                path=path,
            )
        table.files.append(str(path))
        rows, disagreements = read_label_file(
            path.read_bytes(), str(path), split, table=None if strict else table
        )
        table.disagreements.extend(disagreements)
        for row in rows:
            if row.participant_id in table.problems:
                continue
            _merge(table, row, strict=strict)
    return table


def _merge(table: LabelTable, row: LabelRow, *, strict: bool) -> None:
    pid = row.participant_id
    old = table.rows.get(pid)
    if old is None:
        table.rows[pid] = row
        return
    if old.split != row.split:
        table.problem(pid, CorpusError(
            f"participant {pid} is in {old.split} ({old.source}, line {old.line}) and in "
            f"{row.split} ({row.source}, line {row.line})"), strict=strict)  # fmt: skip
        return
    for what, a, b in (("PHQ-8 score", old.phq_score, row.phq_score),
                       ("binary label", old.binary_in_file, row.binary_in_file),
                       ("gender", old.gender, row.gender)):  # fmt: skip
        if a is not None and b is not None and a != b:
            table.problem(pid, CorpusError(
                f"participant {pid} appears twice with different labels: {what} {a:g} "
                f"({old.source}, line {old.line}) and {b:g} ({row.source}, line {row.line})"),
                strict=strict)  # fmt: skip
            return
    if old.phq_score is None and row.phq_score is not None:
        row.gender = row.gender if row.gender is not None else old.gender
        table.rows[pid] = row
    elif row.gender is not None and old.gender is None:
        old.gender = row.gender
