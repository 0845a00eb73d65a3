"""One reproduction run end to end, and its results as plain data.

Public API: :func:`run_protocol` (read, check, train every seed, evaluate, summarize)
and :class:`Results` (``data``, the JSON object with the keys of :data:`KEYS`;
:meth:`Results.write` puts ``results.md``, ``results.json`` and ``results.csv`` in a
folder).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from mimml_edu.data.corpora import Corpus
from mimml_edu.evaluate import json_ready
from mimml_edu.reproduce.protocol import (
    PAPER_ACCURACY,
    Prepared,
    Protocol,
    prepare,
    with_interviewer_text,
)
from mimml_edu.reproduce.runs import train_seeds
from mimml_edu.reproduce.summary import (
    baselines,
    difference,
    possible_accuracies,
    summarize_runs,
)

#: The top-level keys of ``results.json``, in order (``daicwoz_overlap``: E-DAIC only).
KEYS = (
    "protocol", "splits", "seeds", "session_level", "window_level", "baselines",
    "possible_accuracies", "by_gender", "with_interviewer", "skipped", "warnings",
    "wall_seconds",
)  # fmt: skip


@dataclass
class Results:
    """What :func:`run_protocol` measured.

    Attributes:
        data: the results as one JSON-ready dict (keys :data:`KEYS`).
    """

    data: dict

    def to_json(self) -> str:
        return json.dumps(self.data, indent=1)

    def markdown(self) -> str:
        """``results.md``: the tables in the shape of the paper's."""
        from mimml_edu.reproduce.report import results_markdown

        return results_markdown(self.data)

    def rows(self) -> list[dict]:
        """``results.csv``: one row per (variant, level, split, metric)."""
        from mimml_edu.reproduce.report import results_rows

        return results_rows(self.data)

    def write(self, out: str | Path) -> list[Path]:
        """Write ``results.md``, ``results.json`` and ``results.csv`` into ``out``."""
        import csv

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.md").write_text(self.markdown())
        (out / "results.json").write_text(self.to_json() + "\n")
        rows = self.rows()
        with open(out / "results.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["variant"])
            writer.writeheader()
            writer.writerows(rows)
        return [out / "results.md", out / "results.json", out / "results.csv"]


def _split_counts(corpus: Corpus) -> dict:
    out = {}
    for name in ("train", "dev", "test"):
        sessions = corpus.split(name)
        genders = [s.gender for s in sessions]
        out[name] = {
            **corpus.class_counts(name),
            "n_female": genders.count(0),
            "n_male": genders.count(1),
            "n_gender_unknown": genders.count(None),
        }
    return out


def _variant(protocol: Protocol, prepared: Prepared, out, name: str) -> tuple[list, dict]:
    runs = train_seeds(protocol, prepared, out=out, variant=name)
    return runs, summarize_runs(runs, prepared.evaluate, n_boot=protocol.n_boot)


def _warnings(prepared: Prepared) -> list[str]:
    report = prepared.corpus.report
    out = list(prepared.warnings) + list(report.warnings)
    for d in report.label_disagreements:
        out.append(
            f"participant {d['participant_id']}: PHQ-8 {d['phq_score']:g} written as binary "
            f"{d['binary_in_file']} in {d['file']} (line {d['line']}); the label used is "
            f"{d['recomputed']}, recomputed from the score"
        )
    return out


def run_protocol(
    protocol: Protocol, *, corpus: Corpus | None = None, out: str | Path | None = None
) -> Results:
    """Run the protocol.

    Args:
        protocol: what to run (:class:`~mimml_edu.reproduce.protocol.Protocol`).
        corpus: the corpus already read (default: read ``protocol.root``).
        out: when given, the results files and each seed's ``best.pt`` go there.
    Returns:
        :class:`Results`.
    Raises:
        CorpusError / ConfigError with one clear message for a corpus or setting the
        protocol cannot use (a split without both classes, without ``allow_small``).
    """
    start = time.perf_counter()
    prepared = prepare(protocol, corpus)
    out = Path(out) if out is not None else None
    runs, summary = _variant(protocol, prepared, out, "mimml")
    labelled = {
        split: [prepared.labels[s.session_id] for s in prepared.blind[split]]
        for split in prepared.evaluate
    }
    interviewer = None
    if protocol.with_interviewer:
        text_model = prepared.corpus.options.get("text_model") or "minilm"
        contrast = with_interviewer_text(prepared, text_model)
        runs_i, summary_i = _variant(protocol, contrast, out, "mimml_with_interviewer")
        interviewer = {
            "note": "the same model and seeds, trained and evaluated with the interviewer's "
            "lines before each turn in its text (the prompt leakage of Burdisso et al. "
            "2024: the interviewer's follow-ups depend on the participant's answers)",
            "seeds": [r.to_dict() for r in runs_i],
            **summary_i,
            "difference": difference(summary_i["session_level"], summary["session_level"]),
        }
    data = {
        "protocol": protocol.describe(prepared),
        "splits": _split_counts(prepared.corpus),
        "seeds": [r.to_dict() for r in runs],
        "session_level": summary["session_level"],
        "window_level": summary["window_level"],
        "baselines": baselines(prepared.train, labelled),
        "possible_accuracies": {
            split: possible_accuracies(
                len(rows), sum(r[0] == 1 for r in rows), target=PAPER_ACCURACY
            )
            for split, rows in labelled.items()
        },
        "by_gender": summary["by_gender"],
        "with_interviewer": interviewer,
        "skipped": list(prepared.corpus.report.skipped),
        "warnings": _warnings(prepared),
    }
    if prepared.corpus.format == "edaic":
        overlap = set(prepared.corpus.report.notes.get("daicwoz_overlap", []))
        data["daicwoz_overlap"] = {
            split: sorted((s.session_id for s in prepared.corpus.split(split)
                           if s.session_id in overlap), key=int)
            for split in ("train", "dev", "test")
        }  # fmt: skip
    data["wall_seconds"] = time.perf_counter() - start
    results = Results(json_ready(data))
    if out is not None:
        results.write(out)
    return results
