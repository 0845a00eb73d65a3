"""The measured results in ``bench/results/``, read as numbers for the chapters' text.

Every benchmark writes a CSV file into ``bench/results/`` of the repository (the command
that made it is in ``bench/results/README.md``). A chapter that quotes a measurement reads
it here instead of typing it, so the text cannot drift from the file::

    from mimml_edu import results

    speeds = results.table("features.csv")
    speeds.value("value", what="video 640x480, every frame (decode + landmarker)")

A row is picked by the values of some of its columns; a file without that row, or with
several, is an error that names the file, the columns asked for and what the file holds.
The files ship with a repository checkout, not with an installed package:
:func:`in_checkout` says whether they are here (the chapters skip the quote otherwise).
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

from mimml_edu.errors import ResultsError, ResultsNotFoundError

__all__ = ["ResultTable", "in_checkout", "results_dir", "table"]

#: Overrides where the results are read from (a folder of the same files).
ENV_VAR = "MIMML_BENCH_RESULTS"


def results_dir() -> Path:
    """``bench/results/`` of the checkout this package runs from (or ``$MIMML_BENCH_RESULTS``).

    The folder may not exist (an installed package): see :func:`in_checkout`.
    """
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[1] / "bench" / "results"


def in_checkout() -> bool:
    """Whether the measured results are here (a repository checkout)."""
    return results_dir().is_dir()


@dataclass(frozen=True)
class ResultTable:
    """One results file: its rows as dicts of strings, in file order.

    Attributes:
        path: the CSV file.  columns: its header.  rows: one dict per line.
    """

    path: Path
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]

    def row(self, **match: object) -> dict[str, str]:
        """The one row whose columns equal ``match`` (compared as text, numbers as numbers).

        Raises:
            ResultsError: no such column, no such row, or more than one.
        """
        unknown = [c for c in match if c not in self.columns]
        if unknown:
            raise ResultsError(
                f"no column {', '.join(unknown)}; columns: {', '.join(self.columns)}",
                path=self.path,
            )
        found = [r for r in self.rows if all(_same(r[c], v) for c, v in match.items())]
        asked = ", ".join(f"{c}={v!r}" for c, v in match.items())
        if not found:
            seen = sorted({r[c] for r in self.rows for c in match})
            shown = ", ".join(repr(s) for s in seen[:12]) + (" ..." if len(seen) > 12 else "")
            raise ResultsError(f"no row with {asked}; the file has {shown}", path=self.path)
        if len(found) > 1:
            raise ResultsError(
                f"{len(found)} rows with {asked}; name more columns", path=self.path
            )
        return found[0]

    def value(self, column: str, **match: object) -> float:
        """The number in ``column`` of the one row matching ``match``.

        Raises:
            ResultsError: as :meth:`row`, and when the cell is empty or not a number.
        """
        r = self.row(**match)
        if column not in r:
            raise ResultsError(f"no column {column!r}", path=self.path)
        try:
            return float(r[column])
        except ValueError:
            raise ResultsError(
                f"column {column!r} of the row {match} is {r[column]!r}, not a number",
                path=self.path,
                key=column,
            ) from None

    def values(self, column: str, **match: object) -> list[float]:
        """The numbers in ``column`` of every row matching ``match`` (at least one), in order."""
        rows = [r for r in self.rows if all(_same(r.get(c, ""), v) for c, v in match.items())]
        if not rows:
            self.row(**match)  # raises with the file's values
        return [float(r[column]) for r in rows]


def table(name: str, *, directory: str | Path | None = None) -> ResultTable:
    """Read ``bench/results/<name>`` (or ``directory/<name>``).

    Raises:
        ResultsNotFoundError: the file is not there (a missing results folder is named as
            such: an installed package has none).
        ResultsError: the file has no header.
    """
    folder = Path(directory) if directory is not None else results_dir()
    path = folder / name
    if not path.is_file():
        why = "no such file" if folder.is_dir() else "no results folder (not a checkout)"
        raise ResultsNotFoundError(f"{why}; see bench/results/README.md", path=path)
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames:
            raise ResultsError("empty file (no header)", path=path)
        rows = tuple(dict(r) for r in reader)
    return ResultTable(path, tuple(reader.fieldnames), rows)


def _same(cell: str, wanted: object) -> bool:
    if isinstance(wanted, bool) or not isinstance(wanted, int | float):
        return cell == str(wanted)
    try:
        return math.isclose(float(cell), float(wanted))
    except ValueError:
        return False
