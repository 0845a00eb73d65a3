"""The questionnaire at the end of every chapter: one committed source, two renderings.

Each chapter ``NN`` has one source, ``questionnaires/NN.yaml`` beside this module: its
questions, each with the answer a reader who understood the chapter gives and where in the
chapter it is found. The chapter's last cell shows the questions only; the instructor copy
of a course build shows them with their answers.

    python -m mimml_edu.exercises.questionnaire           # write the cell into every chapter
    python -m mimml_edu.exercises.questionnaire --check   # exit 1 if a chapter's cell drifted

Public API:

- :class:`Question`, :class:`Questionnaire`; :func:`load` one chapter's source,
  :func:`sources` every chapter that has one.
- :func:`questions_markdown` (the chapter's cell) and :func:`answers_markdown` (the key).
- :func:`find_cell`, :func:`is_current`, :func:`sync` the cell of a notebook.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mimml_edu.errors import ConfigError

#: Where the sources live: one ``NN.yaml`` per chapter (``questionnaires/`` beside this
#: module, inside the installed package).
#:
#: :meta hide-value:
SOURCES = Path(__file__).resolve().parent / "questionnaires"
#: How many questions a questionnaire holds.
MIN_QUESTIONS, MAX_QUESTIONS = 10, 15
#: The cell's tag and the metadata key that names its chapter (``metadata.mimml``).
TAG = METADATA_KEY = "questionnaire"
HEADING = "## Questionnaire"
INTRO = (
    "Answer each question in a few sentences, from this chapter alone; every answer is "
    "in the text, a figure or a printed output above. The answer key is in the "
    "instructor copy of the course (`make course`)."
)
_FIELDS = {"question", "answer", "where"}


@dataclass(frozen=True)
class Question:
    """One question. Attributes: number (from 1), question, answer, where (the section)."""

    number: int
    question: str
    answer: str
    where: str


@dataclass(frozen=True)
class Questionnaire:
    """A chapter's questionnaire. Attributes: chapter (``"02"``), questions, source file."""

    chapter: str
    questions: tuple[Question, ...]
    source: Path


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: expected a non-empty text, got {value!r}")
    return " ".join(value.split())


def load(chapter: str, folder: Path = SOURCES) -> Questionnaire:
    """Read and check chapter ``chapter``'s source (``folder/NN.yaml``).

    Raises:
        ConfigError: naming the file (and the question) for a missing file, a file that is
            not YAML, another chapter's number, a question without its answer or section,
            an unknown key, or fewer than 10 or more than 15 questions.
    """
    import yaml

    path = Path(folder) / f"{chapter}.yaml"
    if not path.is_file():
        raise ConfigError(f"chapter {chapter} has no questionnaire: {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML ({err})") from None
    if not isinstance(data, dict) or set(data) != {"chapter", "questions"}:
        raise ConfigError(f"{path}: expected the keys 'chapter' and 'questions'", path=path)
    if str(data["chapter"]) != chapter:
        raise ConfigError(f"{path}: says chapter {data['chapter']!r}, expected {chapter!r}")
    items = data["questions"]
    if not isinstance(items, list) or not MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS:
        count = len(items) if isinstance(items, list) else type(items).__name__
        raise ConfigError(
            f"{path}: a questionnaire has {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, "
            f"found {count}",
            key="questions",
        )
    questions = []
    for number, item in enumerate(items, start=1):
        where = f"{path}, question {number}"
        if not isinstance(item, dict) or set(item) != _FIELDS:
            keys = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise ConfigError(f"{where}: expected the keys {sorted(_FIELDS)}, found {keys}")
        texts = {key: _text(item[key], f"{where}, {key}") for key in sorted(_FIELDS)}
        questions.append(Question(number, texts["question"], texts["answer"], texts["where"]))
    return Questionnaire(chapter, tuple(questions), path)


def sources(folder: Path = SOURCES) -> list[str]:
    """The chapters that have a source, in order (``["00", "01", ...]``)."""
    return sorted(p.stem for p in Path(folder).glob("[0-9][0-9].yaml"))


def questions_markdown(questionnaire: Questionnaire) -> str:
    """The chapter's cell: the heading, a line on how to answer, the numbered questions."""
    lines = [HEADING, "", INTRO, ""]
    lines += [f"{q.number}. {q.question}" for q in questionnaire.questions]
    return "\n".join(lines)


def answers_markdown(questionnaire: Questionnaire, *, heading: str = HEADING) -> str:
    """The answer key: every question with its answer and where the chapter gives it."""
    lines = [f"{heading} (with answers)", ""]
    for q in questionnaire.questions:
        lines += [f"{q.number}. {q.question}", "", f"   **Answer** ({q.where}): {q.answer}", ""]
    return "\n".join(lines).rstrip() + "\n"


def _source(cell: Any) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def find_cell(notebook: Any) -> int | None:
    """The index of the notebook's questionnaire cell (tagged ``questionnaire``), or None.

    Raises:
        ConfigError: when more than one cell is tagged.
    """
    found = [
        i
        for i, cell in enumerate(notebook["cells"])
        if TAG in cell.get("metadata", {}).get("tags", [])
    ]
    if len(found) > 1:
        raise ConfigError(f"cells {found} are all tagged {TAG!r}; a chapter has one")
    return found[0] if found else None


def is_current(notebook: Any, questionnaire: Questionnaire) -> bool:
    """Whether the notebook ends with the questionnaire cell of exactly this source."""
    index = find_cell(notebook)
    if index is None or index != len(notebook["cells"]) - 1:
        return False
    cell = notebook["cells"][index]
    meta = cell.get("metadata", {}).get("mimml", {})
    return (
        cell["cell_type"] == "markdown"
        and _source(cell) == questions_markdown(questionnaire)
        and meta.get(METADATA_KEY) == questionnaire.chapter
    )


def sync(notebook: Any, questionnaire: Questionnaire) -> bool:
    """Make the notebook's last cell its questionnaire; return whether it changed.

    An existing questionnaire cell is rewritten in place (its id kept) and moved to the
    end; otherwise a new markdown cell is appended.
    """
    import nbformat

    if is_current(notebook, questionnaire):
        return False
    index = find_cell(notebook)
    if index is None:
        cell = nbformat.v4.new_markdown_cell()
    else:
        cell = notebook["cells"].pop(index)
    cell["cell_type"] = "markdown"
    cell["source"] = questions_markdown(questionnaire)
    cell.setdefault("metadata", {})["tags"] = [TAG]
    cell["metadata"].setdefault("mimml", {})[METADATA_KEY] = questionnaire.chapter
    for key in ("outputs", "execution_count"):
        cell.pop(key, None)
    notebook["cells"].append(cell)
    return True


def chapter_of(path: Path) -> str:
    """``"02"`` for ``notebooks/02_data.ipynb``.

    Raises:
        ConfigError: for a file name that does not start with two digits and ``_``.
    """
    match = re.match(r"(\d\d)_", Path(path).name)
    if not match:
        raise ConfigError(f"{path}: a chapter's file name starts with its number, e.g. 02_")
    return match.group(1)


def main(argv: list[str] | None = None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report chapters that drifted")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    args = parser.parse_args(argv)
    chapters = sorted(args.notebooks.glob("[0-9][0-9]_*.ipynb"))
    if not chapters:
        print(f"no chapters in {args.notebooks}", file=sys.stderr)
        return 2
    stale, missing = [], []
    for path in chapters:
        chapter = chapter_of(path)
        if chapter not in sources():
            missing.append(path.name)
            continue
        questionnaire = load(chapter)
        nb = nbformat.read(path, as_version=4)
        if is_current(nb, questionnaire):
            continue
        stale.append(path.name)
        if not args.check and sync(nb, questionnaire):
            nbformat.validate(nb)
            path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
            print(f"{path.name}: questionnaire cell written")
    if missing:
        print(f"no questionnaire source for: {', '.join(missing)} (write {SOURCES}/NN.yaml)")
    if args.check and stale:
        print("questionnaire cell out of date in: " + ", ".join(stale), file=sys.stderr)
        print("run: python -m mimml_edu.exercises.questionnaire", file=sys.stderr)
    return 1 if (args.check and stale) or missing else 0


if __name__ == "__main__":
    sys.exit(main())
