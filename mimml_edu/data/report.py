"""What a corpus reader found: sessions, label disagreements, skipped sessions, warnings.

Public API: :class:`ReadReport` (``.to_dict()`` is what ``mimml-edu inspect --json``
prints; :meth:`ReadReport.attempt` is the one way every reader reads a session: a bad
file skips that session with its reason, or stops the read with ``strict``) and
:func:`summarize_sessions`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.splits import SPLITS
from mimml_edu.errors import CorpusError, MimmlError

T = TypeVar("T")


@dataclass
class ReadReport:
    """The result of reading a corpus.

    Attributes:
        sessions: the usable sessions.
        label_disagreements: dicts (participant_id, file, line, phq_score, binary_in_file,
            recomputed) where a file's binary label disagrees with its score.
        skipped: dicts ``{"session_id": ..., "reason": ...}``.
        warnings: human-readable warnings (missing modality files, unlabelled sessions...).
        corpus: ``"daicwoz"``, ``"edaic"``, ``"sessions"`` or ``"synthetic"``.
        notes: corpus-level facts (e.g. the E-DAIC/DAIC-WOZ overlap).
    """

    sessions: list[Session] = field(default_factory=list)
    label_disagreements: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    corpus: str = ""
    notes: dict = field(default_factory=dict)

    def skip(self, session_id: str, reason: str) -> None:
        """Record a session that is not used, and why."""
        self.skipped.append({"session_id": str(session_id), "reason": reason})

    def attempt(self, session_id: str, read: Callable[[], T], *, strict: bool) -> T | None:
        """Run ``read()`` for one session: its result, or None when the session's input is
        bad (a :class:`~mimml_edu.errors.MimmlError` or an unreadable file), recorded in
        :attr:`skipped` with the reason. With ``strict`` the error is raised instead.

        Raises:
            MimmlError: with ``strict``; an ``OSError`` is raised as a ``CorpusError``.
        """
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # means of empty turns
                return read()
        except (MimmlError, OSError) as err:
            if strict:
                if isinstance(err, OSError):
                    raise CorpusError(f"session {session_id}: {_os_reason(err)}") from None
                raise
            self.skip(session_id, _os_reason(err) if isinstance(err, OSError) else str(err))
            return None

    def to_dict(self) -> dict:
        """A JSON-ready summary (plain keys, no arrays)."""
        return {
            "corpus": self.corpus,
            "n_sessions": len(self.sessions),
            "splits": split_counts(self.sessions),
            "sessions": summarize_sessions(self.sessions),
            "label_disagreements": list(self.label_disagreements),
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
            "notes": dict(self.notes),
        }


def split_counts(sessions: Sequence[Session]) -> dict[str, dict[str, int]]:
    """split -> ``{"n_sessions", "n_depressed", "n_unlabelled"}`` (``"none"`` = no split)."""
    out: dict[str, dict[str, int]] = {}
    for s in sessions:
        key = s.split if s.split in SPLITS else "none"
        row = out.setdefault(key, {"n_sessions": 0, "n_depressed": 0, "n_unlabelled": 0})
        row["n_sessions"] += 1
        row["n_depressed"] += int(s.label == 1)
        row["n_unlabelled"] += int(s.label is None)
    order = [*SPLITS, "none"]
    return {k: out[k] for k in order if k in out}


def summarize_sessions(sessions: Sequence[Session]) -> list[dict]:
    """One dict per session: id, split, label, PHQ-8, turns and present modalities."""
    return [
        {
            "session_id": s.session_id,
            "split": s.split,
            "label": s.label,
            "phq_score": s.phq_score,
            "n_turns": s.n_turns,
            "modalities": [m for m in MODALITIES if s.present()[m]],
        }
        for s in sessions
    ]


def _os_reason(err: OSError) -> str:
    if err.filename and str(err.filename) not in str(err):
        return f"{err.filename}: {err.strerror or err}"
    return str(err)
