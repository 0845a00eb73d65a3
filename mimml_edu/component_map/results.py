"""The map's files in ``bench/results/`` and the function chapters read them with.

``<stem>.csv`` holds one row per regime, test condition and variant; ``<stem>_verdicts.csv``
one row per prediction; ``<stem>.json`` how the map was run (command, recipe, seeds, wall
time, time per variant, machine load) and the generator fingerprint of every regime.
:func:`load_map` reads them and compares each regime's stored fingerprint with today's
(:func:`~mimml_edu.data.regimes.regime_fingerprint`): a mismatch means the file describes
another generator than the one installed, and :meth:`ComponentMap.check` says so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimml_edu.errors import CorpusError

#: The stem of the committed map's files.
STEM = "regimes"


def results_dir() -> Path:
    """``bench/results/`` of the repository checkout this package runs from."""
    from mimml_edu.results import results_dir as measured_results

    path = measured_results()
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} is not here: the measured map ships with a repository checkout, not with "
            "an installed package"
        )
    return path


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float):
        return round(value, 5)
    return value


def write_map(
    directory: str | Path,
    rows: Sequence[Mapping[str, Any]],
    verdicts: Sequence[Mapping[str, Any]],
    meta: Mapping[str, Any],
    *,
    stem: str = STEM,
) -> dict[str, Path]:
    """Write the three files; returns kind (``rows``, ``verdicts``, ``meta``) -> path."""
    import csv

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "rows": directory / f"{stem}.csv",
        "verdicts": directory / f"{stem}_verdicts.csv",
        "meta": directory / f"{stem}.json",
    }
    for kind in ("rows", "verdicts"):
        table = [
            {k: _clean(v) for k, v in r.items()} for r in (rows if kind == "rows" else verdicts)
        ]
        with open(paths[kind], "w", newline="") as fh:
            names = list(dict.fromkeys(k for r in table for k in r))
            writer = csv.DictWriter(fh, fieldnames=names)
            writer.writeheader()
            writer.writerows(table)
    paths["meta"].write_text(json.dumps(meta, indent=1, sort_keys=True, default=str) + "\n")
    return paths


@dataclass
class ComponentMap:
    """A measured map, as read from its files.

    Attributes:
        rows: one row per (regime, condition, variant) (a pandas DataFrame).
        verdicts: one row per prediction (a DataFrame).
        meta: how it was run (the JSON).
        stale: regime -> (stored fingerprint, today's) where they differ.
        path: the rows' CSV.
    """

    rows: Any
    verdicts: Any
    meta: dict[str, Any]
    stale: dict[str, tuple[str, str]] = field(default_factory=dict)
    path: Path | None = None

    def check(self) -> None:
        """Raise :class:`CorpusError` if any regime was measured on another generator."""
        if self.stale:
            parts = [f"{r} (file {a}, today {b})" for r, (a, b) in self.stale.items()]
            raise CorpusError(
                "measured on another generator than today's, re-run bench/regimes.py: "
                + "; ".join(parts),
                path=self.path,
                key="fingerprint",
            )

    def value(self, regime: str, condition: str, variant: str, column: str) -> float:
        """One number of the rows table (KeyError naming what is missing)."""
        t = self.rows
        hit = t[(t.regime == regime) & (t.condition == condition) & (t.variant == variant)]
        if hit.empty or column not in hit:
            raise KeyError(f"no {column!r} for {regime} / {condition} / {variant} in {self.path}")
        return float(hit.iloc[0][column])

    def verdict_counts(self) -> dict[str, int]:
        """verdict -> how many predictions got it."""
        return {k: int(v) for k, v in self.verdicts["verdict"].value_counts().items()}


def load_map(
    directory: str | Path | None = None, *, stem: str = STEM, check_fingerprints: bool = True
) -> ComponentMap:
    """Read a measured map (default: the committed one in ``bench/results/``).

    Args:
        directory: where the files are.  stem: their common name.
        check_fingerprints: compare every regime's stored fingerprint with today's.
    Returns:
        :class:`ComponentMap` (call :meth:`~ComponentMap.check` to insist it is current).
    """
    import pandas as pd

    from mimml_edu.data.regimes import REGIMES, regime_fingerprint

    directory = results_dir() if directory is None else Path(directory)
    path = directory / f"{stem}.csv"
    for p in (path, directory / f"{stem}_verdicts.csv", directory / f"{stem}.json"):
        if not p.is_file():
            raise FileNotFoundError(f"{p} not found: run bench/regimes.py to make it")
    rows = pd.read_csv(path)
    verdicts = pd.read_csv(directory / f"{stem}_verdicts.csv")
    meta = json.loads((directory / f"{stem}.json").read_text())
    missing = {"regime", "condition", "variant", "fingerprint"} - set(rows.columns)
    if missing:
        raise CorpusError(f"missing column(s) {sorted(missing)}", path=path)
    stale = {}
    if check_fingerprints:
        for regime, stored in rows.groupby("regime")["fingerprint"].first().items():
            today = regime_fingerprint(regime) if regime in REGIMES else "(no such regime)"
            if str(stored) != today:
                stale[regime] = (str(stored), today)
    return ComponentMap(rows=rows, verdicts=verdicts, meta=meta, stale=stale, path=path)
