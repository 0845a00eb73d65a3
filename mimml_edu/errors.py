"""The errors a user can cause, one type per layer, each naming what and where.

Every error raised for bad input (a wrong path, a malformed file, a bad config value, a
checkpoint that does not fit the data) is a :class:`MimmlError`. The ``mimml-edu`` command
prints it as one line on stderr and exits non-zero (``--debug`` shows the traceback).
Each type also derives from the built-in type the same mistake would raise elsewhere
(``ValueError``, ``FileNotFoundError``), so ``except ValueError`` keeps working.

- :class:`ConfigError`: a config key or value (YAML files, recipes, options).
- :class:`CorpusError`: a corpus folder, a session, a table or a label file.
- :class:`MediaError`: a raw media file (audio, video) that cannot be used.
- :class:`CheckpointError`: a checkpoint file, or a checkpoint that does not fit the data.
- :class:`TrainingError`: training that cannot go on (a non-finite loss).
- :class:`ResultsError`: a measured-results file without the row or column asked for.

A missing file is a :class:`CorpusNotFoundError`, :class:`CheckpointNotFoundError`,
:class:`ConfigNotFoundError` or :class:`MediaNotFoundError`, which are also
``FileNotFoundError`` (and :class:`ResultsNotFoundError` for a results file).
"""

from __future__ import annotations

from pathlib import Path


class MimmlError(Exception):
    """Base of the package's own errors.

    Args:
        message: what is wrong and what was expected.
        path: the file or folder concerned, if any.
        line: the line of that file, if any.
        key: the config key, column or field, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
    ):
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line
        self.key = key
        super().__init__(self.describe())

    def describe(self) -> str:
        """``path, line N, key K: message`` with only the parts that are known."""
        where = []
        if self.path is not None and not self.message.startswith(self.path):
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key is not None:
            where.append(f"{self.key}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ConfigError(MimmlError, ValueError):
    """A config key or value the package cannot use."""


class CorpusError(MimmlError, ValueError):
    """A corpus, session, table or label file that cannot be read as expected."""


class MediaError(MimmlError, ValueError):
    """A raw media file (audio or video) that cannot be used."""


class CheckpointError(MimmlError, ValueError):
    """A checkpoint that cannot be read, or that does not fit the data it is given."""


class TrainingError(MimmlError, RuntimeError):
    """Training that cannot go on (for example a non-finite loss term)."""


class CorpusNotFoundError(CorpusError, FileNotFoundError):
    """A corpus folder, session or file that does not exist."""


class CheckpointNotFoundError(CheckpointError, FileNotFoundError):
    """A checkpoint file that does not exist."""


class ConfigNotFoundError(ConfigError, FileNotFoundError):
    """A config file that does not exist."""


class MediaNotFoundError(MediaError, FileNotFoundError):
    """A media file that does not exist."""


class ResultsError(MimmlError, LookupError):
    """A measured-results file (``bench/results/``) without the row or column asked for."""


class ResultsNotFoundError(ResultsError, FileNotFoundError):
    """A measured-results file that does not exist."""
